// automation.js: the Automation page — calendar (GET /api/calendar, the
// iCal feed address and its rotation), notification targets and media
// servers (kept in the config: PUT /api/config; secrets come back masked
// and the server keeps them when echoed), their test actions and status.
import { api } from "./api.js";
import { $, el, guard, busy, toast, describe, fmtTime, epLabel } from "./ui.js";
import { t, useLang } from "./i18n.js";
import dict from "./lang_automation.js";

const EVENTS = ["download_finished", "download_failed", "episode_found", "series_added", "health"];
let cfg = null;

async function loadCalendar() {
  const [entries, feed] = await Promise.all([api.get("/api/calendar?days=14"), api.get("/api/calendar/feed")]);
  $("feed-url").value = location.origin + feed.path;
  $("cal-empty").hidden = entries.length > 0;
  $("cal-list").replaceChildren(...entries.slice().reverse().map((e) => el("li", { class: "cal-" + e.kind },
    el("time", { datetime: e.at }, fmtTime(e.at)), " ",
    el("strong", {}, t("cal.kind." + e.kind)),
    " ", e.series_name, e.kind === "check" || e.kind === "rescan" ? "" : " " + epLabel(e.season, e.episode),
    e.title ? " – " + e.title : "", e.language ? ` (${e.language})` : "")));
}

async function save(patch, okText) {
  cfg = await api.put("/api/config", patch);
  render();
  return okText;
}

function render() {
  const targets = cfg.notifications.targets || [];
  $("nt-rows").replaceChildren(...targets.map((x, i) => {
    const test = el("button", { type: "button", class: "btn small" }, t("nt.test"));
    test.addEventListener("click", () => busy(test, () => api.post("/api/notifications/test", { name: x.name })));
    const del = el("button", { type: "button", class: "btn small danger" }, t("act.remove"));
    del.addEventListener("click", () => busy(del, () => save({ notifications: { targets: targets.filter((_, j) => j !== i) } }, t("nt.removed"))));
    return el("tr", { dataset: { name: x.name } }, el("td", {}, x.name), el("td", {}, el("code", {}, x.url)),
      el("td", {}, (x.events || []).map((e) => t("ev." + e)).join(", ")), el("td", { class: "nt-stat" }), el("td", {}, test, " ", del));
  }));
  const servers = cfg.media_servers || [];
  $("ms-rows").replaceChildren(...servers.map((s, i) => {
    const test = el("button", { type: "button", class: "btn small" }, t("ms.test"));
    test.addEventListener("click", () => busy(test, () => api.post("/api/media-servers/test", { name: s.name })));
    const del = el("button", { type: "button", class: "btn small danger" }, t("act.remove"));
    del.addEventListener("click", () => busy(del, () => save({ media_servers: servers.filter((_, j) => j !== i) }, t("ms.removed"))));
    return el("tr", {}, el("td", {}, s.name), el("td", {}, s.kind), el("td", {}, el("code", {}, s.url)),
      el("td", {}, (s.path_map || []).map((m) => `${m.from} → ${m.to}`).join("; ")), el("td", {}, test, " ", del));
  }));
  api.get("/api/notifications/status").then((st) => {
    for (const x of st.targets) {
      const row = document.querySelector(`#nt-rows tr[data-name="${CSS.escape(x.name)}"] .nt-stat`);
      if (row) row.textContent = t("nt.stats", { sent: x.sent, failed: x.failed, retries: x.retries }) + (x.last_error ? ` — ${x.last_error}` : "");
    }
  }).catch(() => {});
}

async function main() {
  await guard();
  await useLang(dict);
  $("nt-events").append(...EVENTS.map((e) => el("label", {},
    el("input", { type: "checkbox", name: "events", value: e, checked: e !== "health" }), " ", t("ev." + e))));
  try {
    cfg = await api.get("/api/config");
    render();
    await loadCalendar();
  } catch (err) {
    if (err.status !== 401) toast(describe(err), "error");
  }
  $("feed-rotate").addEventListener("click", (ev) => busy(ev.target, async () => {
    const f = await api.post("/api/calendar/feed/rotate", {});
    $("feed-url").value = location.origin + f.path;
    return t("cal.rotated");
  }));
  $("nt-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const events = [...document.querySelectorAll('#nt-events input:checked')].map((c) => c.value);
    const target = { name: $("nt-name").value.trim(), url: $("nt-url").value.trim(), events, enabled: true };
    busy($("nt-add"), () => save({ notifications: { targets: [...(cfg.notifications.targets || []), target] } }, t("nt.added")))
      .then((ok) => { if (ok) ev.target.reset(); });
  });
  $("ms-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const from = $("ms-from").value.trim(), to = $("ms-to").value.trim();
    const s = { name: $("ms-name").value.trim(), kind: $("ms-kind").value, url: $("ms-url").value.trim(),
      token: $("ms-token").value, username: $("ms-user").value.trim(), password: $("ms-pass").value,
      path_map: from && to ? [{ from, to }] : [], enabled: true };
    busy($("ms-add"), () => save({ media_servers: [...(cfg.media_servers || []), s] }, t("ms.added")))
      .then((ok) => { if (ok) ev.target.reset(); });
  });
}

main();
