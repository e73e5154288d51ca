// series.js: one series. Details (GET /api/anime/{key}), episodes on
// disk, missing episodes by season with queue buttons, NFO and artwork
// status with create/update/download actions.
import { api, request } from "./api.js";
import { $, el, guard, busy, toast, describe, epLabel, siteBadge } from "./ui.js";

const key = document.body.dataset.key;
const enc = encodeURIComponent(key);
let series = null;

function parseEp(s) {
  // "1-2" (NEW) or "S01-E02"/"S01E02" (OLD)
  const m = String(s).match(/^S?(\d+)-?E?(\d+)$/i);
  return m ? { season: Number(m[1]), episode: Number(m[2]) } : null;
}

function bySeason(eps) {
  const out = {};
  for (const e of eps) (out[e.season] ||= []).push(e);
  for (const list of Object.values(out)) list.sort((a, b) => a.episode - b.episode);
  return out;
}

function missingEpisodes() {
  const m = series.missing_episodes;
  const eps = [];
  if (m && typeof m === "object" && !Array.isArray(m)) {
    for (const [s, list] of Object.entries(m)) for (const e of list) eps.push({ season: Number(s), episode: Number(e) });
  } else if (Array.isArray(m)) {
    for (const s of m) { const e = parseEp(s); if (e) eps.push(e); }
  }
  return eps;
}

function renderMissing() {
  const eps = missingEpisodes();
  const box = $("missing");
  box.replaceChildren();
  $("missing-none").hidden = eps.length > 0;
  $("queue-selected").hidden = eps.length === 0;
  $("queue-all").disabled = eps.length === 0;
  $("queue-all").textContent = `Queue all missing (${eps.length})`;
  for (const [season, list] of Object.entries(bySeason(eps))) {
    box.append(el("fieldset", { class: "pick" },
      el("legend", {}, Number(season) === 0 ? "Movies" : `Season ${season} — ${list.length} missing`),
      list.map((e) => el("label", {},
        el("input", { type: "checkbox", name: "ep", value: `${e.season}-${e.episode}` }), " ",
        epLabel(e.season, e.episode)))));
  }
}

function renderOnDisk() {
  const eps = (series.episodes || []).map(parseEp).filter(Boolean);
  const box = $("ondisk");
  if (eps.length === 0) {
    box.replaceChildren(el("p", { class: "empty" }, "No episodes on disk yet."));
    return;
  }
  box.replaceChildren(...Object.entries(bySeason(eps)).map(([season, list]) =>
    el("p", {}, el("strong", {}, Number(season) === 0 ? "Movies: " : `Season ${season}: `),
      list.map((e) => epLabel(e.season, e.episode)).join(", "))));
}

async function queue(eps, btn) {
  if (eps.length === 0) {
    toast("Select at least one episode.", "error");
    return;
  }
  await busy(btn, () => api.post("/api/queue/add", {
    serie_id: series.key,
    serie_folder: series.folder,
    serie_name: series.title || series.name || series.key,
    episodes: eps.map((e) => ({ season: e.season, episode: e.episode, title: "" })),
    priority: $("priority").value,
  }));
}

function yesNo(id, has, path) {
  $(id).replaceChildren(has
    ? el("span", { class: "badge ok", title: path || "" }, "present")
    : el("span", { class: "badge bad" }, "missing"));
}

function renderMedia(m) {
  yesNo("m-poster", m.has_poster, m.poster_path);
  yesNo("m-logo", m.has_logo, m.logo_path);
  yesNo("m-fanart", m.has_fanart, m.fanart_path);
  const poster = $("poster");
  poster.replaceChildren(el("span", {}, m.has_poster ? "Loading poster…" : "No poster"));
  poster.setAttribute("aria-label", m.has_poster ? "Poster" : "No poster yet");
  if (m.has_poster) showPoster(poster);
}

// showPoster fetches the poster with the token (an <img src> cannot send
// it) and shows it from a blob URL.
async function showPoster(box) {
  try {
    const { data } = await request("GET", `/api/nfo/${enc}/media/poster`, undefined, { raw: true });
    if (!data) return;
    const url = URL.createObjectURL(data);
    const img = el("img", { src: url, alt: `Poster of ${series ? (series.title || series.key) : key}` });
    img.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
    box.replaceChildren(img);
  } catch {
    box.replaceChildren(el("span", {}, "Poster on disk (cannot be shown)"));
  }
}

async function loadNFO() {
  try {
    const check = await api.get(`/api/nfo/${enc}/check`);
    yesNo("nfo-state", check.has_nfo, check.nfo_path);
    $("nfo-create").hidden = !!check.has_nfo;
    $("nfo-update").hidden = !check.has_nfo;
    if (check.media_files) renderMedia(check.media_files);
    else renderMedia(await api.get(`/api/nfo/${enc}/media/status`));
  } catch (err) {
    const msg = err.status === 503 ? "TMDB is not configured (Settings → Metadata)" : describe(err);
    for (const id of ["nfo-state", "m-poster", "m-logo", "m-fanart"]) $(id).textContent = msg;
    for (const id of ["nfo-create", "nfo-update", "media-dl"]) $(id).disabled = err.status === 503;
  }
}

async function main() {
  await guard();
  try {
    series = await api.get(`/api/anime/${enc}`);
  } catch (err) {
    $("s-title").textContent = err.status === 404 ? "Series not found" : "Could not load the series";
    $("s-desc").textContent = describe(err);
    return;
  }
  document.title = `${series.title || series.name || key} · aniworld`;
  $("s-title").textContent = series.title || series.name || key;
  $("s-key").after(" · ", siteBadge(series.site));
  $("s-folder").textContent = series.folder || "";
  $("s-desc").textContent = series.description || "";
  renderMissing();
  renderOnDisk();
  $("queue-all").addEventListener("click", () => queue(missingEpisodes(), $("queue-all")));
  $("missing-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const eps = [...document.querySelectorAll("#missing input[name=ep]:checked")].map((i) => parseEp(i.value));
    queue(eps, $("queue-selected"));
  });
  $("nfo-create").addEventListener("click", async () => {
    if (await busy($("nfo-create"), () => api.post(`/api/nfo/${enc}/create`, { serie_name: series.title || series.name }))) loadNFO();
  });
  $("nfo-update").addEventListener("click", async () => {
    if (await busy($("nfo-update"), () => api.put(`/api/nfo/${enc}/update`, undefined))) loadNFO();
  });
  $("media-dl").addEventListener("click", async () => {
    const res = await busy($("media-dl"), () => api.post(`/api/nfo/${enc}/media/download`,
      { download_poster: true, download_logo: true, download_fanart: true }), "Artwork downloaded");
    if (res) renderMedia(res);
  });
  document.body.dataset.rendered = "1";
  loadNFO();
}

main().catch((err) => toast(describe(err), "error"));
