// library.js: the library page. Lists series with missing episodes
// (GET /api/anime with page/per_page/sort_by/filter; X-Total-Count and
// Link headers), searches the provider and adds series, queues missing
// episodes, shows NFO status, and runs a rescan with live progress over
// the WebSocket (room scan_progress).
import { api, request, getToken } from "./api.js";
import { $, el, guard, busy, toast, describe, epLabel, siteBadge } from "./ui.js";
import { connect } from "./live.js";

performance.mark("library-start");

const state = { page: 1, per_page: 50, sort_by: "name", filter: "" };
let generation = 0; // bumps on every list load; stale NFO checks stop
let firstRender = true;

function readQuery() {
  const q = new URLSearchParams(location.search);
  state.page = Math.max(1, parseInt(q.get("page") || "1", 10) || 1);
  state.per_page = parseInt(q.get("per_page") || "50", 10) || 50;
  state.sort_by = q.get("sort_by") || "name";
  state.filter = q.get("filter") || "";
  $("sort").value = state.sort_by;
  $("filter").value = state.filter;
  $("per-page").value = String(state.per_page);
}

function writeQuery() {
  const q = new URLSearchParams();
  if (state.page > 1) q.set("page", state.page);
  if (state.per_page !== 50) q.set("per_page", state.per_page);
  if (state.sort_by !== "name") q.set("sort_by", state.sort_by);
  if (state.filter) q.set("filter", state.filter);
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

function missingList(missing) {
  const eps = [];
  for (const [season, list] of Object.entries(missing || {})) {
    for (const e of list) eps.push({ season: Number(season), episode: Number(e) });
  }
  eps.sort((a, b) => a.season - b.season || a.episode - b.episode);
  return eps;
}

function seasonChips(missing) {
  const seasons = Object.keys(missing || {}).sort((a, b) => Number(a) - Number(b));
  if (seasons.length === 0) return el("span", { class: "muted" }, "none");
  return el("div", { class: "seasons" }, seasons.map((s) =>
    el("span", { class: "chip", title: `Episodes ${missing[s].join(", ")}` },
      `${Number(s) === 0 ? "Movies" : "S" + s}: ${missing[s].length}`)));
}

async function queueEpisodes(series, episodes, btn) {
  if (episodes.length === 0) {
    toast("Select at least one episode.", "error");
    return;
  }
  await busy(btn, () => api.post("/api/queue/add", {
    serie_id: series.key,
    serie_folder: series.folder,
    serie_name: series.name,
    episodes: episodes.map((e) => ({ season: e.season, episode: e.episode, title: "" })),
    priority: $("priority").value,
  }));
}

function pickForm(series) {
  const details = el("details", { class: "pick" }, el("summary", {}, "Pick episodes"));
  details.addEventListener("toggle", () => {
    if (!details.open || details.dataset.built) return;
    details.dataset.built = "1";
    const bySeason = {};
    for (const e of missingList(series.missing_episodes)) (bySeason[e.season] ||= []).push(e);
    const form = el("form", {});
    for (const [season, eps] of Object.entries(bySeason)) {
      form.append(el("fieldset", {},
        el("legend", {}, Number(season) === 0 ? "Movies" : `Season ${season}`),
        eps.map((e) => el("label", {},
          el("input", { type: "checkbox", name: "ep", value: `${e.season}-${e.episode}` }),
          " ", epLabel(e.season, e.episode)))));
    }
    const submit = el("button", { type: "submit", class: "btn small" }, "Queue selected");
    form.append(submit);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const eps = [...form.querySelectorAll("input[name=ep]:checked")].map((i) => {
        const [s, e] = i.value.split("-").map(Number);
        return { season: s, episode: e };
      });
      queueEpisodes(series, eps, submit);
    });
    details.append(form);
  });
  return details;
}

function nfoCell(series) {
  const td = el("td", { class: "nfo", dataset: { key: series.key } }, el("span", { class: "muted" }, "…"));
  return td;
}

function renderNFO(td, series, check) {
  td.replaceChildren();
  if (check.has_nfo) {
    td.append(el("span", { class: "badge ok" }, "NFO ✓"));
    return;
  }
  const btn = el("button", { type: "button", class: "btn small" }, "Create NFO");
  btn.addEventListener("click", async () => {
    const res = await busy(btn, () => api.post(`/api/nfo/${encodeURIComponent(series.key)}/create`, {
      serie_name: series.name,
    }));
    if (res) renderNFO(td, series, { has_nfo: true });
  });
  td.append(el("span", { class: "badge bad" }, "missing"), " ", btn);
}

/** loadNFO fills the NFO cells of the current page, 4 requests at a time. */
async function loadNFO(rows, gen) {
  let i = 0;
  let unavailable = false;
  const worker = async () => {
    while (i < rows.length && gen === generation && !unavailable) {
      const { td, series } = rows[i++];
      try {
        const check = await api.get(`/api/nfo/${encodeURIComponent(series.key)}/check`);
        if (gen === generation) renderNFO(td, series, check);
      } catch (err) {
        if (err.status === 503) {
          unavailable = true;
          for (const r of rows) {
            r.td.replaceChildren(el("a", { href: "/settings#cfg-nfo", title: describe(err) }, "Set a TMDB key"));
          }
        } else if (gen === generation) {
          td.replaceChildren(el("span", { class: "muted", title: describe(err) }, "unknown"));
        }
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

function renderRows(list) {
  const frag = document.createDocumentFragment();
  const nfoRows = [];
  for (const s of list) {
    const eps = missingList(s.missing_episodes);
    const name = s.name || s.key;
    const all = el("button", { type: "button", class: "btn small primary" }, `Queue all ${eps.length}`);
    all.addEventListener("click", () => queueEpisodes(s, eps, all));
    if (eps.length === 0) all.disabled = true;
    const td = nfoCell(s);
    nfoRows.push({ td, series: s });
    frag.append(el("tr", { dataset: { key: s.key } },
      el("td", {},
        el("a", { href: "/series/" + encodeURIComponent(s.key), class: "series-link" }, name),
        " ", siteBadge(s.site),
        el("div", { class: "muted" }, s.folder || "")),
      el("td", {}, seasonChips(s.missing_episodes), el("div", { class: "muted" }, `${eps.length} missing`)),
      td,
      el("td", {}, all, pickForm(s))));
  }
  $("lib-rows").replaceChildren(frag);
  return nfoRows;
}

function listRequest() {
  const q = new URLSearchParams({ page: state.page, per_page: state.per_page, sort_by: state.sort_by });
  if (state.filter) q.set("filter", state.filter);
  return request("GET", "/api/anime?" + q);
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
  const nfoRows = renderRows(list);
  const pages = Number.isFinite(total) ? Math.max(1, Math.ceil(total / state.per_page)) : 0;
  $("lib-total").textContent = Number.isFinite(total) ? `(${total} series)` : "";
  $("page-info").textContent = pages ? `Page ${state.page} of ${pages}` : `Page ${state.page}`;
  $("prev").disabled = !(links.prev || state.page > 1);
  $("next").disabled = !(links.next || (pages && state.page < pages));
  $("lib-empty").hidden = list.length > 0;
  if (firstRender) {
    firstRender = false;
    performance.mark("library-rendered");
    performance.measure("library-first-page", { start: 0, end: "library-rendered" });
    document.body.dataset.rendered = "1";
  }
  document.body.dataset.listGen = String(gen);
  loadNFO(nfoRows, gen);
}

async function search(ev) {
  ev.preventDefault();
  const query = $("search-q").value.trim();
  if (!query) return;
  const out = $("search-results");
  const results = await busy($("search-btn"), () =>
    api.get("/api/anime/search?query=" + encodeURIComponent(query)));
  if (!results) return;
  out.replaceChildren();
  if (results.length === 0) {
    out.append(el("li", { class: "empty" }, `Nothing found for “${query}”.`));
    return;
  }
  for (const r of results) {
    const add = el("button", { type: "button", class: "btn small primary" }, "Add");
    add.setAttribute("aria-label", `Add ${r.name}`);
    add.addEventListener("click", async () => {
      const res = await busy(add, () => api.post("/api/anime/add", { link: r.link || r.key, name: r.name }));
      if (res) {
        add.textContent = "Added";
        add.disabled = true;
        load();
      }
    });
    out.append(el("li", { dataset: { key: r.key, site: r.site || "" } },
      el("span", {}, el("strong", {}, r.name), " ", siteBadge(r.site), " ", el("span", { class: "muted" }, r.key)), add));
  }
}

function scanProgress(d) {
  $("scan").hidden = false;
  const pct = Number(d.percent) || (d.total ? (100 * d.current) / d.total : 0);
  $("scan-bar").value = pct;
  $("scan-text").textContent = d.total
    ? `Scanning ${d.current}/${d.total}${d.folder ? " · " + d.folder : ""}`
    : d.message || "Scanning…";
}

function scanComplete(d) {
  $("scan").hidden = false;
  $("scan-bar").value = 100;
  const parts = [`Scan complete: ${d.series_count ?? 0} series, ${d.missing_count ?? 0} missing episodes`];
  if (d.errors) parts.push(`${d.errors} errors`);
  $("scan-text").textContent = parts.join(", ") + ".";
  document.body.dataset.scan = "complete";
  load();
}

async function main() {
  readQuery();
  // With a stored token, ask for the first page while the auth check runs
  // (one round trip less); guard() still decides what the user sees.
  const first = getToken() ? listRequest() : null;
  if (first) first.catch(() => {});
  await guard();
  const change = () => {
    state.sort_by = $("sort").value;
    state.filter = $("filter").value;
    state.per_page = parseInt($("per-page").value, 10);
    state.page = 1;
    load();
  };
  $("sort").addEventListener("change", change);
  $("filter").addEventListener("change", change);
  $("per-page").addEventListener("change", change);
  $("prev").addEventListener("click", () => { state.page = Math.max(1, state.page - 1); load(); });
  $("next").addEventListener("click", () => { state.page++; load(); });
  $("search-form").addEventListener("submit", search);
  $("rescan").addEventListener("click", async () => {
    document.body.dataset.scan = "running";
    const res = await busy($("rescan"), () => api.post("/api/anime/rescan", {}));
    if (res && document.body.dataset.scan === "running") {
      $("scan").hidden = false;
      $("scan-text").textContent = "Scan started…";
    }
  });
  await load(first);
  connect(["scan_progress"], { scan_progress: scanProgress, scan_complete: scanComplete });
}

main().catch((err) => toast(describe(err), "error"));
