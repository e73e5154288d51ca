// seerr.js: the settings page's Jellyseerr/Overseerr section. It shows
// what to enter in Seerr (address, empty URL base, the API key masked with
// Show/Copy/New key), the profiles, and the requests no site series was
// found for, each with a search to assign the right series by hand.
import { api } from "./api.js";
import { useLang, t } from "./i18n.js";
import dict from "./lang_seerr.js";
import { $, el, busy, toast, describe, fmtTime } from "./ui.js";

let clearKey = "";

async function revealKey() {
  if (!clearKey) clearKey = (await api.get("/api/seerr/key")).api_key;
  return clearKey;
}

function renderProfiles(profiles) {
  $("seerr-profiles").replaceChildren(...profiles.map((p) =>
    el("li", {}, el("strong", {}, `${p.id}: ${p.name}`), " – ",
      p.languages.length ? p.languages.join(" → ") : t("seerr.profile_default"))));
}

function searchRow(req, cell) {
  const input = el("input", { type: "search", value: req.title || "", "aria-label": t("seerr.search_label", { title: req.title || req.tvdb_id }) });
  const results = el("ul", {});
  const go = el("button", { type: "button", class: "btn small" }, t("seerr.search"));
  go.addEventListener("click", () => busy(go, async () => {
    const found = await api.get("/api/anime/search?query=" + encodeURIComponent(input.value.trim()));
    results.replaceChildren(...(found.length ? found : [null]).map((r) => {
      if (!r) return el("li", { class: "empty" }, t("seerr.no_results"));
      const assign = el("button", { type: "button", class: "btn small primary" }, t("seerr.assign"));
      assign.addEventListener("click", async () => {
        const ok = await busy(assign, async () => {
          await api.post(`/api/seerr/requests/${req.tvdb_id}/assign`, { key: r.key, link: r.link });
          return true;
        }, t("seerr.assigned", { title: r.name }));
        if (ok) load();
      });
      return el("li", {}, `${r.name}${r.year ? ` (${r.year})` : ""} · ${r.site} `, assign);
    }));
  }));
  cell.append(el("div", { class: "row" }, input, go), results);
}

function renderUnmatched(list) {
  $("seerr-unmatched-empty").hidden = list.length > 0;
  $("seerr-unmatched").replaceChildren(...list.map((req) => {
    const actions = el("td", {});
    const dismiss = el("button", { type: "button", class: "btn small danger" }, t("seerr.dismiss"));
    dismiss.addEventListener("click", async () => {
      const ok = await busy(dismiss, async () => { await api.del(`/api/seerr/requests/${req.tvdb_id}`); return true; }, t("seerr.dismissed"));
      if (ok) load();
    });
    searchRow(req, actions);
    actions.append(dismiss);
    const what = `${req.title || t("seerr.untitled")}${req.year ? ` (${req.year})` : ""}`;
    return el("tr", {},
      el("td", {}, el("strong", {}, what), el("br"), el("span", { class: "muted" },
        `TVDB ${req.tvdb_id} · ${fmtTime(req.requested_at)}`), req.requested ? el("span", { class: "muted" }, ` · ${t("seerr.sent")}`) : ""),
      el("td", {}, req.reason), actions);
  }));
}

async function load() {
  let ov;
  try {
    ov = await api.get("/api/seerr");
  } catch (err) {
    if (err.status === 404) $("seerr-card").hidden = true; // a server without the Seerr surface
    else if (err.status !== 401) toast(describe(err), "error");
    return;
  }
  $("seerr-address").textContent = `${location.hostname}:${location.port || (location.protocol === "https:" ? "443" : "80")}`;
  $("seerr-key").textContent = clearKey || ov.api_key_masked;
  $("seerr-root").textContent = ov.root_folder || t("seerr.no_root");
  renderProfiles(ov.profiles);
  renderUnmatched(ov.unmatched);
}

async function main() {
  await useLang(dict);
  $("seerr-key-show").addEventListener("click", (ev) => busy(ev.currentTarget, async () => {
    $("seerr-key").textContent = await revealKey();
    return true;
  }));
  $("seerr-key-copy").addEventListener("click", (ev) => busy(ev.currentTarget, async () => {
    const key = await revealKey();
    try {
      await navigator.clipboard.writeText(key);
    } catch {
      $("seerr-key").textContent = key; // no clipboard (plain http): show it to copy by hand
      return t("seerr.copy_by_hand");
    }
    return t("seerr.copied");
  }));
  $("seerr-key-rotate").addEventListener("click", (ev) => {
    if (!confirm(t("seerr.rotate_confirm"))) return;
    busy(ev.currentTarget, async () => {
      clearKey = (await api.post("/api/seerr/key/rotate", {})).api_key;
      $("seerr-key").textContent = clearKey;
      return t("seerr.rotated");
    });
  });
  await load();
  $("seerr-card").dataset.rendered = "1";
}

main().catch((err) => toast(describe(err), "error"));
