// history.js: the download history (GET /api/history): completed and
// failed downloads, newest first, with size, duration, average speed,
// hoster and language, and the attempt log of failures. The filters and
// the page live in the URL, so a view can be bookmarked; the list follows
// download_complete / download_failed over the WebSocket.
import { api, request } from "./api.js";
import { $, el, guard, busy, toast, describe, fmtDuration, siteBadge } from "./ui.js";
import { t, useLang } from "./i18n.js";
import { connect } from "./live.js";
import shared from "./lang_downloads.js";
import dict from "./lang_history.js";
import { attemptLog, epTitle, langName, mbps, pager, seriesLink, size, tries, when } from "./downloads.js";

const FILTERS = ["status", "site", "q", "series", "per_page"];
let view = readURL();
let pg;
let timer = 0;

/** readURL is the view the address names (filters and page). */
function readURL() {
  const u = new URLSearchParams(location.search);
  const v = { page: Math.max(1, parseInt(u.get("page") || "1", 10) || 1) };
  for (const k of FILTERS) v[k] = u.get(k) || "";
  if (!["25", "50", "100"].includes(v.per_page)) v.per_page = "50";
  if (!["", "completed", "failed"].includes(v.status)) v.status = "";
  return v;
}

function query(v) {
  const q = new URLSearchParams();
  for (const k of FILTERS) if (v[k] && !(k === "per_page" && v[k] === "50")) q.set(k, v[k]);
  if (v.page > 1) q.set("page", String(v.page));
  return q.toString();
}

function showFilters() {
  $("hist-series").hidden = !view.series;
  $("hist-series-text").textContent = view.series ? t("history.filter.onlySeries", { key: view.series }) : "";
  $("hist-status").value = view.status;
  $("hist-site").value = view.site;
  $("hist-q").value = view.q;
  $("hist-per").value = view.per_page;
}

function go(v, push = true) {
  view = v;
  const qs = query(v);
  if (push) history.pushState(null, "", location.pathname + (qs ? "?" + qs : ""));
  load();
}

function resultCell(e) {
  const ok = e.status === "completed";
  return el("td", { class: "res" },
    el("span", { class: "badge " + (ok ? "ok" : "bad") }, t(ok ? "dl.completed" : "dl.failed")), " ",
    el("span", { class: "muted" }, tries(e.tries)),
    e.error ? el("p", { class: "err" }, e.error) : null,
    !ok && e.attempts && e.attempts.length ? attemptLog(e.attempts) : null);
}

/** duration is the transfer time; "< 1s" rather than a misleading 0s. */
function duration(s) {
  if (!s) return "–";
  return s < 1 ? "< 1s" : fmtDuration(s);
}

function row(e) {
  const file = e.file_path ? e.file_path.split(/[\\/]/).pop() : "";
  return el("tr", { dataset: { id: String(e.id), status: e.status } },
    el("td", { "data-label": t("history.col.when") }, el("time", { datetime: e.finished_at }, when(e.finished_at))),
    el("td", { class: "what" }, seriesLink(e.serie_id, e.serie_name), " ", siteBadge(e.site),
      el("div", {}, epTitle(e.episode)),
      file ? el("div", { class: "muted small file", title: e.file_path }, file) : null),
    resultCell(e),
    el("td", { "data-label": t("history.col.size") }, e.size_bytes ? size(e.size_bytes) : "–"),
    el("td", { "data-label": t("history.col.duration") }, duration(e.duration_seconds)),
    el("td", { "data-label": t("history.col.speed") }, e.average_speed_mbps ? mbps(e.average_speed_mbps) : "–"),
    el("td", { "data-label": t("history.col.source") }, [e.hoster, langName(e.language)].filter(Boolean).join(" · ") || "–"));
}

async function load() {
  const per = Number(view.per_page);
  const q = new URLSearchParams({ page: String(view.page), per_page: String(per) });
  for (const k of ["status", "site", "q", "series"]) if (view[k]) q.set(k, view[k]);
  try {
    const res = await request("GET", "/api/history?" + q.toString());
    const total = Number(res.headers.get("X-Total-Count") || 0);
    const list = res.data || [];
    $("hist-rows").replaceChildren(...list.map(row));
    $("hist-empty").hidden = list.length > 0;
    $("hist-total").textContent = t(total === 1 ? "history.total1" : "history.total", { n: total });
    $("hist-clear").disabled = total === 0 && !view.status && !view.site && !view.q;
    pg.update(view.page, total, per);
    if (list.length === 0 && view.page > 1 && total > 0) {
      go({ ...view, page: Math.ceil(total / per) }, false);
      return;
    }
    document.body.dataset.rendered = "1";
  } catch (err) {
    if (err.status !== 401) toast(describe(err), "error");
  }
}

function soon() {
  clearTimeout(timer);
  timer = setTimeout(load, 300);
}

async function main() {
  await useLang(shared);
  await useLang(dict);
  await guard();
  pg = pager($("hist-prev"), $("hist-page"), $("hist-next"), (p) => go({ ...view, page: p }));
  showFilters();
  const apply = () => go({ status: $("hist-status").value, site: $("hist-site").value, q: $("hist-q").value.trim(),
    series: view.series, per_page: $("hist-per").value, page: 1 });
  $("hist-series-clear").addEventListener("click", () => { go({ ...view, series: "", page: 1 }); showFilters(); });
  $("hist-filters").addEventListener("submit", (ev) => { ev.preventDefault(); apply(); });
  for (const id of ["hist-status", "hist-site", "hist-per"]) $(id).addEventListener("change", apply);
  window.addEventListener("popstate", () => { view = readURL(); showFilters(); load(); });
  $("hist-clear").addEventListener("click", async () => {
    if (!confirm(t("history.clearConfirm"))) return;
    if (await busy($("hist-clear"), () => api.del("/api/history").then((r) => t("history.cleared", { n: r.count })))) go({ ...view, page: 1 });
  });
  await load();
  connect(["downloads"], {
    open: () => load(),
    download_complete: soon,
    download_failed: soon,
  });
}

main().catch((err) => toast(describe(err), "error"));
