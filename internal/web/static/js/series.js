// series.js: one series. The header (poster, fanart backdrop, years,
// genres, FSK, description, folder) and the episode list come from
// GET /api/anime/{key}/episodes; downloads go through
// POST /api/anime/{key}/download (with a language choice), live progress
// arrives as WebSocket download_progress messages. Actions: rescan this
// series (fresh site data), copy the folder path, remove from the library
// (files kept unless asked), and — only when metadata is configured —
// NFO and artwork. The monitoring card is monitor_series.js.
import { api, request, getToken } from "./api.js";
import { $, el, guard, busy, toast, describe, siteBadge } from "./ui.js";
import { connect } from "./live.js";
import { t, useLang } from "./i18n.js";
import dict from "./lang_series.js";
import { renderEpisodes, updateEpisodes, onProgress, selected, downloadable, fillLanguages } from "./series_episodes.js";
import "./monitor_series.js";

const key = document.body.dataset.key;
const enc = encodeURIComponent(key);
let view = null;

function years(v) {
  if (!v.start_year) return "";
  if (v.ongoing) return t("series.ongoing", { start: v.start_year });
  if (v.end_year && v.end_year !== v.start_year) return t("series.years", { start: v.start_year, end: v.end_year });
  return String(v.start_year);
}

function renderHeader(v) {
  const title = v.title || key;
  document.title = `${title} · aniworld`;
  $("s-title").textContent = title;
  const meta = [];
  const y = years(v);
  if (y) meta.push(el("span", { class: "years" }, y));
  if (v.fsk != null) meta.push(el("span", { class: "fsk", title: t("series.fskTitle", { n: v.fsk }) }, t("series.fsk", { n: v.fsk })));
  meta.push(siteBadge(v.site));
  $("s-meta").replaceChildren(...meta.flatMap((m, i) => (i ? [" · ", m] : [m])));
  $("s-genres").replaceChildren(...(v.genres || []).map((g) => el("li", { class: "chip" }, g)));
  $("s-desc").textContent = v.description || "";
  $("s-folder").textContent = v.path || v.folder || "";
  const pe = $("s-provider-error");
  pe.hidden = !v.provider_error;
  pe.textContent = v.provider_error ? t("series.providerError", { error: v.provider_error }) : "";
}

function renderCounts(v) {
  const c = v.counts || {};
  const active = c.queued || c.downloading || c.failed;
  $("s-counts").textContent = t("series.counts", c) + (active ? " · " + t("series.countsActive", c) : "");
  const n = downloadable(v).length;
  $("queue-all").textContent = t("series.queueAll", { n });
  $("queue-all").disabled = n === 0;
}

// artwork fetches an artwork file with the token (an <img src> cannot
// send it) and answers a blob URL, or "" when it cannot be shown.
async function artwork(kind) {
  try {
    const { data } = await request("GET", `/api/nfo/${enc}/media/${kind}`, undefined, { raw: true });
    return data ? URL.createObjectURL(data) : "";
  } catch {
    return "";
  }
}

async function showPoster() {
  const box = $("poster");
  box.replaceChildren(el("span", {}, t("series.loadingPoster")));
  const url = await artwork("poster");
  if (!url) {
    box.replaceChildren(el("span", {}, t("series.posterUnavailable")));
    return;
  }
  const title = (view && view.title) || key;
  const img = el("img", { src: url, alt: t("series.posterOf", { title }) });
  img.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
  box.replaceChildren(img);
  box.setAttribute("aria-label", t("series.posterOf", { title }));
}

// showCover shows the signed, cached cover (an <img> may load it).
function showCover(url) {
  const title = (view && view.title) || key;
  $("poster").replaceChildren(el("img", { src: url, alt: t("series.posterOf", { title }) }));
  $("poster").setAttribute("aria-label", t("series.posterOf", { title }));
}

async function showFanart() {
  const url = await artwork("fanart");
  if (!url) return;
  const img = el("img", { src: url, alt: "" });
  img.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
  $("backdrop").replaceChildren(img);
  $("hero").classList.add("has-fanart");
}

async function download(eps, lang, btn) {
  if (eps.length === 0) {
    toast(t("series.selectOne"), "error");
    return;
  }
  const res = await busy(btn, async () => {
    const r = await api.post(`/api/anime/${enc}/download`, { episodes: eps, language: lang || undefined, priority: $("priority").value });
    return t("series.added", { n: (r.added_items || []).length });
  });
  if (res !== undefined) refresh();
}

let refreshTimer = 0;
let refreshing = null;
let gone = false; // the series is being removed
let live = null; // the WebSocket connection

/** refresh refetches the view (debounced) and applies changed rows. */
function refresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    if (gone) return;
    if (refreshing) return refresh();
    refreshing = api.get(`/api/anime/${enc}/episodes`).then((v) => {
      view = v;
      renderCounts(v);
      updateEpisodes(v);
    }).catch(() => {}).finally(() => { refreshing = null; });
  }, 250);
}

function yesNo(id, has, path) {
  $(id).replaceChildren(has
    ? el("span", { class: "badge ok", title: path || "" }, t("series.present"))
    : el("span", { class: "badge bad" }, t("series.absent")));
}

function renderMedia(m) {
  yesNo("m-poster", m.has_poster, m.poster_path);
  yesNo("m-logo", m.has_logo, m.logo_path);
  yesNo("m-fanart", m.has_fanart, m.fanart_path);
  if (m.has_poster) showPoster();
  if (m.has_fanart && !$("backdrop").firstChild) showFanart();
}

// loadNFO asks the NFO routes; the page calls it only when metadata is
// configured, so it never meets their 503.
async function loadNFO() {
  try {
    const check = await api.get(`/api/nfo/${enc}/check`);
    yesNo("nfo-state", check.has_nfo, check.nfo_path);
    $("nfo-create").hidden = !!check.has_nfo;
    $("nfo-update").hidden = !check.has_nfo;
    renderMedia(check.media_files || await api.get(`/api/nfo/${enc}/media/status`));
  } catch (err) {
    for (const id of ["nfo-state", "m-poster", "m-logo", "m-fanart"]) $(id).textContent = describe(err);
  }
}

function wireMetadata() {
  $("nfo-create").addEventListener("click", async () => {
    if (await busy($("nfo-create"), () => api.post(`/api/nfo/${enc}/create`, { serie_name: view.title }))) loadNFO();
  });
  $("nfo-update").addEventListener("click", async () => {
    if (await busy($("nfo-update"), () => api.put(`/api/nfo/${enc}/update`, undefined))) loadNFO();
  });
  $("media-dl").addEventListener("click", async () => {
    const res = await busy($("media-dl"), () => api.post(`/api/nfo/${enc}/media/download`,
      { download_poster: true, download_logo: true, download_fanart: true }), t("series.artworkDone"));
    if (res) renderMedia(res);
  });
}

async function copyPath() {
  const path = view.path || view.folder;
  try {
    await navigator.clipboard.writeText(path);
    toast(t("series.copied"));
  } catch {
    const r = document.createRange();
    r.selectNodeContents($("s-folder"));
    getSelection().removeAllRanges();
    getSelection().addRange(r);
    toast(t("series.copyFailed"), "error");
  }
}

function wireRemove() {
  const dlg = $("remove-dialog");
  const files = () => (view.counts ? view.counts.on_disk : 0);
  const text = () => ($("remove-files").checked
    ? t("series.removeConfirmFiles", { title: view.title, path: view.path || view.folder })
    : t("series.removeConfirm", { title: view.title, n: files() }));
  $("remove-files").addEventListener("change", () => { $("remove-text").textContent = text(); });
  $("remove-series").addEventListener("click", () => {
    $("remove-files").checked = false;
    $("remove-text").textContent = text();
    dlg.showModal();
    $("remove-cancel").focus();
  });
  dlg.addEventListener("close", async () => {
    if (dlg.returnValue !== "remove") return;
    const del = $("remove-files").checked;
    gone = true; // its queue items' removal events must not refetch a series that is going away
    if (live) live.close();
    const ok = await busy($("remove-series"), async () => {
      await api.del(`/api/anime/${enc}?delete_files=${del}`);
      return del ? t("series.removedFiles") : t("series.removed");
    });
    if (ok !== undefined) setTimeout(() => location.assign("/"), 600);
    else location.reload(); // not removed: show the page live again
  });
}

function wireActions() {
  $("queue-all").addEventListener("click", () => download(downloadable(view), $("dl-lang").value, $("queue-all")));
  $("missing-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    download(selected(), $("dl-lang").value, $("queue-selected"));
  });
  $("rescan-series").addEventListener("click", async () => {
    const v = await busy($("rescan-series"), () => api.post(`/api/anime/${enc}/rescan`, {}));
    if (!v) return;
    view = v;
    renderHeader(v);
    renderCounts(v);
    updateEpisodes(v);
    toast(t("series.rescanned", { n: v.counts.total, missing: v.counts.missing }));
  });
  $("copy-path").addEventListener("click", copyPath);
  wireRemove();
}

async function main() {
  await useLang(dict);
  // With a stored token the view is asked for while the guard checks it.
  const early = getToken() ? api.get(`/api/anime/${enc}/episodes`, { noRedirect: true }) : null;
  if (early) early.catch(() => {});
  await guard();
  try {
    view = await (early ? early.catch(() => api.get(`/api/anime/${enc}/episodes`)) : api.get(`/api/anime/${enc}/episodes`));
  } catch (err) {
    $("s-title").textContent = err.status === 404 ? t("series.notFound") : t("series.loadFailed");
    $("s-desc").textContent = describe(err);
    return;
  }
  renderHeader(view);
  fillLanguages($("dl-lang"));
  renderEpisodes(view, { key, download });
  renderCounts(view);
  wireActions();
  document.body.dataset.rendered = "1";
  performance.mark("series-rendered");
  performance.measure("series-first-render", { start: 0, end: "series-rendered" });
  if (view.has_poster) showPoster();
  else if (view.cover_url) showCover(view.cover_url);
  if (view.has_fanart) showFanart();
  if (view.metadata_configured) {
    $("metadata").hidden = false;
    wireMetadata();
    loadNFO();
  }
  live = connect(["downloads"], {
    open: refresh,
    download_progress: (d) => {
      if (d.key === key && !onProgress(d)) refresh();
    },
    "*": (d, msg) => {
      if (msg.type !== "download_progress" && msg.type.startsWith("download_") && d.key === key) refresh();
    },
  });
}

main().catch((err) => toast(describe(err), "error"));
