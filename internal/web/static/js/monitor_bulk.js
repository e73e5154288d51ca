// monitor_bulk.js: the library's bulk monitoring edit — the rows'
// checkboxes (.bulk-pick) and POST /api/monitor/bulk with the form's
// settings.
import { api } from "./api.js";
import { $, busy } from "./ui.js";
import { fields, read, write } from "./monitor_form.js";
import { t } from "./i18n.js";

const form = $("bulk-form");
if (form) {
  $("bulk-fields").append(fields("bulk"));
  write("bulk", { mode: "future" });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const keys = [...document.querySelectorAll(".bulk-pick:checked")].map((c) => c.value);
    if (keys.length === 0) {
      $("bulk-hint").textContent = t("bulk.pickFirst");
      return;
    }
    $("bulk-hint").textContent = "";
    await busy($("bulk-apply"), async () => {
      const r = await api.post("/api/monitor/bulk", { keys, ...read("bulk") });
      const failed = Object.keys(r.failed || {});
      return t("bulk.done", { count: r.changed.length }) + (failed.length ? t("bulk.notFound", { keys: failed.join(", ") }) : "");
    });
  });
  $("bulk-all").addEventListener("change", (ev) => {
    for (const c of document.querySelectorAll(".bulk-pick")) c.checked = ev.target.checked;
  });
}
