// monitor_series.js: the series page's monitoring card —
// GET/PUT /api/anime/{key}/monitor and POST …/monitor/refresh.
import { api } from "./api.js";
import { $, el, busy, fmtTime, epLabel } from "./ui.js";
import { fields, read, write } from "./monitor_form.js";
import { t } from "./i18n.js";

const box = $("monitor");
if (box) {
  const key = document.body.dataset.key;
  const path = `/api/anime/${encodeURIComponent(key)}/monitor`;
  box.append(fields("mon"));
  const status = el("p", { class: "muted", id: "mon-status", role: "status" });
  const save = el("button", { type: "submit", class: "btn primary", id: "mon-save" }, t("mon.save"));
  const refresh = el("button", { type: "button", class: "btn", id: "mon-refresh" }, t("mon.check"));
  box.append(el("div", { class: "row" }, save, refresh), status);
  const show = (m) => {
    write("mon", m);
    const st = m.status || {};
    const parts = [];
    if (st.last_refresh) parts.push(t("mon.lastChecked", { time: fmtTime(st.last_refresh) }));
    if (st.next_refresh) parts.push(t("mon.nextCheck", { time: fmtTime(st.next_refresh) }));
    if (st.last_error) parts.push(t("mon.lastError", { error: st.last_error }));
    status.textContent = parts.join(" · ") || t("mon.notChecked");
  };
  api.get(path).then(show).catch(() => { status.textContent = t("mon.unavailable"); });
  box.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const m = await busy(save, () => api.put(path, read("mon")), t("mon.saved"));
    if (m) show(m);
  });
  refresh.addEventListener("click", async () => {
    const res = await busy(refresh, async () => {
      const r = await api.post(path + "/refresh", {});
      const found = r.new_episodes.map((e) => epLabel(e.season, e.episode));
      const queued = r.queued.map((q) => `${epLabel(q.season, q.episode)} (${t("lang." + q.language)})`);
      return (found.length ? t("mon.checked.new", { episodes: found.join(", ") }) : t("mon.checked.nothing")) +
        (queued.length ? t("mon.checked.queued", { episodes: queued.join(", ") }) : "");
    });
    if (res !== undefined) api.get(path).then(show);
  });
}
