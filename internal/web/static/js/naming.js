// naming.js: the naming template's preview on the settings page. It asks
// POST /api/config/naming/preview to render the template as typed (not
// saved) for a real library episode and shows the path, or the reason the
// template is refused under the field.
import { api } from "./api.js";
import { $, describe, clearFieldErrors } from "./ui.js";

async function preview() {
  const form = $("cfg-naming");
  const input = $("f-download.naming_template");
  const out = $("naming-preview-out");
  const slot = form.querySelector('[data-error-for="download.naming_template"]');
  clearFieldErrors(form);
  out.hidden = true;
  const btn = $("naming-preview");
  btn.disabled = true;
  btn.setAttribute("aria-busy", "true");
  try {
    const res = await api.post("/api/config/naming/preview", { template: input.value.trim() });
    const ep = res.episode || {};
    const what = res.sample ? "Sample episode" : `${res.series_key} S${String(ep.season).padStart(2, "0")}E${String(ep.episode).padStart(2, "0")}`;
    $("naming-preview-label").textContent = `${what}${res.media_from_file ? "" : " (resolution and codec are examples)"}:`;
    $("naming-preview-path").textContent = res.path;
    out.hidden = false;
    if (Array.isArray(res.tokens)) {
      $("naming-tokens").replaceChildren(...res.tokens.flatMap((t) => {
        const c = document.createElement("code");
        c.textContent = t.paddable ? `{${t.name}:02}` : `{${t.name}}`;
        c.title = t.doc;
        return [c, document.createTextNode(" ")];
      }));
    }
  } catch (err) {
    if (err.status === 401) return;
    slot.textContent = describe(err);
    slot.hidden = false;
    input.setAttribute("aria-invalid", "true");
  } finally {
    btn.disabled = false;
    btn.removeAttribute("aria-busy");
  }
}

export function wireNamingPreview() {
  $("naming-preview").addEventListener("click", preview);
}
