// library.js: the library page. Series as a poster grid (library_grid.js)
// or a table (library_table.js), the view remembered per browser; sort,
// filters and page live in the URL so a view can be bookmarked, and the
// server sorts, filters and pages (GET /api/anime with X-Total-Count and
// Link), so 10,000 series cost one page of cards. Rescan with live
// progress over the WebSocket (scan_progress); queue changes refresh the
// state icons.
import { api, request, getToken } from "./api.js";
import { $, guard, toast, describe } from "./ui.js";
import { connect } from "./live.js";
import { t, useLang } from "./i18n.js";
import dict from "./lang_library.js";
import { renderGrid, keyboard } from "./library_grid.js";
import { renderTable, loadNFO } from "./library_table.js";
import "./monitor_bulk.js";

performance.mark("library-start");

const VIEW_KEY = "aniworld.library.view";
const SORTS = ["name", "year", "added", "missing_episodes", "downloaded"];
const FILTERS = ["all", "missing", "complete", "downloading", "failed", "monitored", "no_episodes"];
const SITES = ["", "aniworld.to", "s.to"];
const PER_PAGE = [20, 50, 100, 250];

const state = { page: 1, per_page: 50, sort_by: "name", filter: "all", site: "", view: "grid" };
let generation = 0; // bumps on every list load; stale NFO checks stop
let firstRender = true;
let metadata = null; // a promise: is TMDB configured (NFO checks make sense)?

const pick = (v, allowed, dflt) => (allowed.includes(v) ? v : dflt);

/** readQuery takes sort, filters and page from the URL, the view from localStorage. */
function readQuery() {
  const q = new URLSearchParams(location.search);
  state.page = Math.max(1, parseInt(q.get("page") || "1", 10) || 1);
  state.per_page = pick(parseInt(q.get("per_page") || "50", 10), PER_PAGE, 50);
  state.sort_by = pick(q.get("sort_by") || "name", SORTS, "name");
  state.filter = pick(q.get("filter") || "all", FILTERS, "all");
  state.site = pick(q.get("site") || "", SITES, "");
  state.view = localStorage.getItem(VIEW_KEY) === "table" ? "table" : "grid";
  $("sort").value = state.sort_by;
  $("filter").value = state.filter;
  $("site").value = state.site;
  $("per-page").value = String(state.per_page);
}

function writeQuery() {
  const q = new URLSearchParams();
  if (state.page > 1) q.set("page", state.page);
  if (state.per_page !== 50) q.set("per_page", state.per_page);
  if (state.sort_by !== "name") q.set("sort_by", state.sort_by);
  if (state.filter !== "all") q.set("filter", state.filter);
  if (state.site) q.set("site", state.site);
  const s = q.toString();
  history.replaceState(null, "", s ? "/?" + s : "/");
}

/** parseLink reads RFC 8288 Link header rels. */
function parseLink(h) {
  const out = {};
  if (!h) return out;
  for (const part of h.split(",")) {
    const m = part.match(/<([^>]*)>\s*;\s*rel="?([^";]+)"?/);
    if (m) for (const rel of m[2].split(/\s+/)) out[rel] = m[1];
  }
  return out;
}

function listRequest() {
  const q = new URLSearchParams({ page: state.page, per_page: state.per_page, sort_by: state.sort_by, filter: state.filter });
  if (state.site) q.set("site", state.site);
  return request("GET", "/api/anime?" + q);
}

/** showView switches between the grid and the table. */
function showView() {
  const grid = state.view === "grid";
  $("lib-grid").hidden = !grid;
  $("lib-table").hidden = grid;
  $("priority-field").hidden = grid; // the table's queue actions use it
  $("view-grid").setAttribute("aria-pressed", String(grid));
  $("view-table").setAttribute("aria-pressed", String(!grid));
  document.body.dataset.view = state.view;
}

let lastList = [];

/**
 * render draws the list in the current view (only that one is in the
 * DOM). A refresh keeps the bulk selection and the keyboard focus.
 */
function render(list, gen) {
  lastList = list;
  const picked = new Set([...document.querySelectorAll(".bulk-pick:checked")].map((c) => c.value));
  const active = document.activeElement && document.activeElement.closest("[data-key]");
  const focusKey = active && document.getElementById("lib-h").closest("section").contains(active) ? active.dataset.key : "";
  showView();
  let rows = null;
  if (state.view === "grid") {
    renderGrid($("lib-grid"), list);
    $("lib-rows").replaceChildren();
  } else {
    $("lib-grid").replaceChildren();
    rows = renderTable($("lib-rows"), list);
  }
  for (const c of document.querySelectorAll(".bulk-pick")) c.checked = picked.has(c.value);
  if (focusKey) {
    const again = document.querySelector(`[data-key="${CSS.escape(focusKey)}"] a`);
    if (again) again.focus();
  }
  if (rows) {
    metadata ||= metadataConfigured();
    metadata.then((on) => loadNFO(rows, on, () => gen === generation));
  }
}

/** load shows the current page; pending is an already started listRequest. */
async function load(pending) {
  const gen = ++generation;
  writeQuery();
  let res;
  try {
    res = await (pending || listRequest());
  } catch (err) {
    if (err.status !== 401) toast(describe(err), "error");
    return;
  }
  if (gen !== generation) return;
  const list = Array.isArray(res.data) ? res.data : [];
  const total = parseInt(res.headers.get("X-Total-Count") || "", 10);
  const links = parseLink(res.headers.get("Link"));
  render(list, gen);
  const pages = Number.isFinite(total) ? Math.max(1, Math.ceil(total / state.per_page)) : 0;
  $("lib-total").textContent = Number.isFinite(total) ? t("lib.total", { n: total }) : "";
  $("page-info").textContent = pages ? t("lib.page_of", { page: state.page, pages }) : t("lib.page", { page: state.page });
  $("prev").disabled = !(links.prev || state.page > 1);
  $("next").disabled = !(links.next || (pages && state.page < pages));
  const filtered = state.filter !== "all" || state.site !== "";
  $("lib-empty").hidden = list.length > 0;
  $("lib-empty-text").textContent = t(filtered ? "lib.empty_filtered" : "lib.empty");
  $("lib-clear").hidden = !filtered;
  if (firstRender) {
    firstRender = false;
    performance.mark("library-rendered");
    performance.measure("library-first-page", { start: 0, end: "library-rendered" });
    document.body.dataset.rendered = "1";
  }
  document.body.dataset.listGen = String(gen);
}

function scanProgress(d) {
  $("scan").hidden = false;
  const pct = Number(d.percent) || (d.total ? (100 * d.current) / d.total : 0);
  $("scan-bar").value = pct;
  $("scan-text").textContent = d.total
    ? t("lib.scanning", { current: d.current, total: d.total }) + (d.folder ? " · " + d.folder : "")
    : d.message || t("lib.scanning_any");
}

function scanComplete(d) {
  $("scan").hidden = false;
  $("scan-bar").value = 100;
  const parts = [t("lib.scan_done", { series: d.series_count ?? 0, missing: d.missing_count ?? 0 })];
  if (d.errors) parts.push(t("lib.scan_errors", { n: d.errors }));
  $("scan-text").textContent = parts.join(", ") + ".";
  document.body.dataset.scan = "complete";
  load();
}

/** soon reloads the list once after a burst of queue events. */
let reloadTimer = 0;
function soon() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => load(), 1500);
}

/** metadataConfigured asks the config whether a TMDB key is set (NFO checks answer 503 without one). */
async function metadataConfigured() {
  try {
    const cfg = await api.get("/api/config");
    return !!(cfg && cfg.nfo && cfg.nfo.tmdb_api_key);
  } catch {
    return false;
  }
}

function wireControls() {
  const change = () => {
    state.sort_by = $("sort").value;
    state.filter = $("filter").value;
    state.site = $("site").value;
    state.per_page = parseInt($("per-page").value, 10);
    state.page = 1;
    load();
  };
  for (const id of ["sort", "filter", "site", "per-page"]) $(id).addEventListener("change", change);
  $("lib-controls").addEventListener("submit", (ev) => ev.preventDefault());
  const setView = (v) => {
    if (state.view === v) return;
    state.view = v;
    localStorage.setItem(VIEW_KEY, v);
    render(lastList, generation);
  };
  $("view-grid").addEventListener("click", () => setView("grid"));
  $("view-table").addEventListener("click", () => setView("table"));
  $("prev").addEventListener("click", () => { state.page = Math.max(1, state.page - 1); load(); });
  $("next").addEventListener("click", () => { state.page++; load(); });
  $("rescan").addEventListener("click", async () => {
    document.body.dataset.scan = "running";
    try {
      await api.post("/api/anime/rescan", {});
      if (document.body.dataset.scan === "running") {
        $("scan").hidden = false;
        $("scan-text").textContent = t("lib.scan_started");
      }
    } catch (err) {
      if (err.status !== 401) toast(describe(err), "error");
    }
  });
  keyboard($("lib-grid"));
}

async function main() {
  readQuery();
  showView();
  // With a stored token, ask for the first page while the auth check runs
  // (one round trip less); guard() still decides what the user sees.
  const first = getToken() ? listRequest() : null;
  if (first) first.catch(() => {});
  await useLang(dict);
  await guard();
  wireControls();
  await load(first);
  connect(["scan_progress", "downloads"], {
    scan_progress: scanProgress,
    scan_complete: scanComplete,
    download_added: soon,
    download_started: soon,
    download_complete: soon,
    download_failed: soon,
    download_removed: soon,
  });
}

main().catch((err) => toast(describe(err), "error"));
