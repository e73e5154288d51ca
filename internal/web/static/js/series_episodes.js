// series_episodes.js: the series page's episode list. Seasons and movies
// are tabs (arrow keys, Home/End move between them); every episode is a
// row with its number, German and English title, the languages the site
// offers and its state here (on disk, queued, downloading with live
// progress, failed with the reason and a retry, missing with a download
// button and a language choice). Rows are re-rendered only when their
// state changed, so live updates keep focus and selection.
import { api } from "./api.js";
import { $, el, busy, fmtBytes, fmtDuration } from "./ui.js";
import { t } from "./i18n.js";

/** LANGUAGES are the site's languages, in their key order. */
export const LANGUAGES = ["German Dub", "English Sub", "German Sub", "English Dub"];

const rows = new Map(); // "S-E" → {tr, sig}
let tabs = [];
let active = null; // season number of the open tab
let ctx = null; // {key, download(eps, lang, btn)}

const pad = (n) => String(n).padStart(2, "0");

/** epName is "S01E02" or "Movie 2" in the UI language. */
export function epName(season, episode) {
  return Number(season) === 0 ? t("series.movie", { n: episode }) : `S${pad(season)}E${pad(episode)}`;
}

function seasonName(n) {
  return n === 0 ? t("series.movies") : t("series.season", { n });
}

function langBadges(langs) {
  return el("span", { class: "langs" }, (langs || []).map((l) =>
    el("abbr", { class: "lang", title: t("lang." + l), dataset: { lang: l } }, t("langShort." + l))));
}

function progressBar(season, e) {
  const p = (e.item && e.item.progress) || {};
  const pct = Number(p.percent) || 0;
  return el("span", { class: "ep-progress" },
    el("progress", { max: "100", value: String(pct), "aria-label": t("series.progressOf", { ep: epName(season, e.episode) }) }),
    el("span", { class: "pct" }, pct.toFixed(1) + " %"),
    el("span", { class: "speed muted" }, p.speed_mbps ? `${p.speed_mbps.toFixed(2)} MB/s` : ""),
    el("span", { class: "eta muted" }, p.eta_seconds ? fmtDuration(p.eta_seconds) : ""));
}

function stateCell(season, e) {
  const td = el("td", { class: "ep-state" },
    el("span", { class: "ep-badge " + e.state }, t("series.state." + e.state)));
  if (e.state === "on_disk") {
    for (const f of e.files || []) {
      td.append(el("span", { class: "file", title: f.path },
        el("span", { class: "fname" }, f.name), " ",
        el("span", { class: "muted" }, [fmtBytes(f.size), f.language ? t("langShort." + f.language) : "", f.quality || ""].filter(Boolean).join(" · "))));
    }
  } else if (e.state === "downloading") {
    td.append(progressBar(season, e));
  } else if (e.state === "failed" && e.item) {
    td.append(el("span", { class: "err" }, e.item.error || ""));
    const tries = (e.item.attempts || []).filter((a) => !a.ok && a.error);
    if (tries.length) {
      td.append(el("details", { class: "attempts" }, el("summary", {}, t("series.attempts")),
        el("ol", {}, tries.map((a) => el("li", {}, [a.hoster, a.language, a.error].filter(Boolean).join(" · "))))));
    }
  }
  return td;
}

function langMenu(season, e, btn) {
  const name = epName(season, e.episode);
  let closed = false;
  const close = () => {
    if (closed) return; // removing the focused menu fires focusout, which closes again
    closed = true;
    btn.setAttribute("aria-expanded", "false");
    menu.remove();
  };
  const pick = (lang) => async () => {
    close();
    btn.focus();
    await ctx.download([{ season, episode: e.episode }], lang, btn);
  };
  const offered = (e.languages && e.languages.length) ? e.languages : LANGUAGES;
  const menu = el("div", { class: "lang-menu", role: "menu", "aria-label": t("series.downloadIn", { ep: name }) },
    el("button", { type: "button", role: "menuitem", class: "btn small", onclick: pick("") }, t("series.langAuto")),
    offered.map((l) => el("button", { type: "button", role: "menuitem", class: "btn small", onclick: pick(l) }, t("lang." + l))));
  menu.addEventListener("keydown", (ev) => {
    const items = [...menu.querySelectorAll("button")];
    const i = items.indexOf(document.activeElement);
    if (ev.key === "Escape") { ev.preventDefault(); close(); btn.focus(); }
    else if (ev.key === "ArrowDown") { ev.preventDefault(); items[(i + 1) % items.length].focus(); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); items[(i - 1 + items.length) % items.length].focus(); }
  });
  menu.close = close;
  menu.addEventListener("focusout", (ev) => { if (!menu.contains(ev.relatedTarget) && ev.relatedTarget !== btn) close(); });
  return menu;
}

function actionCell(season, e) {
  const td = el("td", { class: "ep-act" });
  const name = epName(season, e.episode);
  if (e.state === "missing") {
    const btn = el("button", { type: "button", class: "btn small dl", "aria-haspopup": "menu", "aria-expanded": "false",
      "aria-label": t("series.downloadEp", { ep: name }) }, t("series.download") + " ▾");
    btn.addEventListener("click", () => {
      const open = td.querySelector(".lang-menu");
      if (open) { open.close(); return; }
      const m = langMenu(season, e, btn);
      td.append(m);
      btn.setAttribute("aria-expanded", "true");
      m.querySelector("button").focus();
    });
    td.append(btn);
  } else if (e.state === "failed" && e.item) {
    const btn = el("button", { type: "button", class: "btn small retry", "aria-label": t("series.retryEp", { ep: name }) }, t("series.retry"));
    btn.addEventListener("click", () => busy(btn, async () => {
      await api.post("/api/queue/retry", { item_ids: [e.item.id] });
      return t("series.retried");
    }));
    td.append(btn);
  }
  return td;
}

function rowSig(e) {
  const it = e.item || {};
  return [e.state, it.id, it.status, it.error, (e.files || []).map((f) => f.path + f.size).join("|"),
    e.title_de, e.title_en, (e.languages || []).join(",")].join("\u0001");
}

function buildRow(season, e) {
  const name = epName(season, e.episode);
  const pickable = e.state === "missing" || e.state === "failed";
  return el("tr", { dataset: { ep: `${season}-${e.episode}`, state: e.state, item: e.item ? e.item.id : undefined } },
    el("td", { class: "ep-sel" }, pickable
      ? el("input", { type: "checkbox", name: "ep", value: `${season}-${e.episode}`, "aria-label": t("series.selectEp", { ep: name }) })
      : ""),
    el("td", { class: "ep-num" }, season === 0 ? String(e.episode) : name),
    el("td", { class: "ep-title" },
      e.title_de ? el("span", { class: "t-de", lang: "de" }, e.title_de) : "",
      e.title_en ? el("span", { class: "t-en", lang: "en" }, e.title_en) : "",
      !e.title_de && !e.title_en ? el("span", { class: "muted" }, t("series.noTitle")) : ""),
    el("td", { class: "ep-langs" }, langBadges(e.languages)),
    stateCell(season, e),
    actionCell(season, e));
}

function selectTab(n, focus) {
  active = n;
  fill(n);
  for (const tab of tabs) {
    const on = Number(tab.dataset.season) === n;
    tab.setAttribute("aria-selected", on ? "true" : "false");
    tab.tabIndex = on ? 0 : -1;
    if (on && focus) tab.focus();
    $("panel-" + tab.dataset.season).hidden = !on;
  }
}

function onTabKey(ev) {
  const i = tabs.indexOf(ev.currentTarget);
  let j = -1;
  if (ev.key === "ArrowRight") j = (i + 1) % tabs.length;
  else if (ev.key === "ArrowLeft") j = (i - 1 + tabs.length) % tabs.length;
  else if (ev.key === "Home") j = 0;
  else if (ev.key === "End") j = tabs.length - 1;
  if (j < 0) return;
  ev.preventDefault();
  selectTab(Number(tabs[j].dataset.season), true);
}

function tabLabel(s) {
  const missing = s.episodes.filter((e) => e.state === "missing" || e.state === "failed").length;
  return [seasonName(s.season), missing ? el("span", { class: "tab-count", title: t("series.tabMissing", { n: missing }) }, String(missing)) : ""];
}

function panel(s) {
  const name = seasonName(s.season);
  const all = el("input", { type: "checkbox", class: "sel-all", "aria-label": t("series.selectSeason", { season: name }) });
  all.addEventListener("change", () => {
    fill(s.season);
    for (const c of $("panel-" + s.season).querySelectorAll("input[name=ep]")) c.checked = all.checked;
  });
  return el("div", { role: "tabpanel", id: "panel-" + s.season, "aria-labelledby": "tab-" + s.season, tabindex: "0", hidden: true, dataset: { season: s.season } },
    el("div", { class: "table-wrap" }, el("table", { class: "eps" },
      el("thead", {}, el("tr", {},
        el("th", { class: "ep-sel", scope: "col" }, all),
        el("th", { scope: "col" }, t("series.col.number")),
        el("th", { scope: "col" }, t("series.col.title")),
        el("th", { scope: "col" }, t("series.col.languages")),
        el("th", { scope: "col" }, t("series.col.state")),
        el("th", { scope: "col" }, el("span", { class: "sr-only" }, t("series.col.action"))))),
      el("tbody", {}))));
}

// Panels are filled lazily: the open one at once, the others in small
// tasks after the first paint (or at once when their tab is opened), so a
// 1,000-episode series shows its first season without waiting for every
// row. unfilled maps a season to its newest data until its rows exist.
const unfilled = new Map();
let filler = 0;

function fill(season) {
  const s = unfilled.get(season);
  if (!s) return;
  unfilled.delete(season);
  const body = $("panel-" + season).querySelector("tbody");
  const frag = document.createDocumentFragment();
  for (const e of s.episodes) {
    const tr = buildRow(s.season, e);
    rows.set(`${s.season}-${e.episode}`, { tr, sig: rowSig(e) });
    frag.append(tr);
  }
  body.append(frag);
}

// fillRest fills the remaining panels, a few hundred rows per task, and
// marks the body (data-episodes="all") when every row is in the DOM.
function fillRest() {
  clearTimeout(filler);
  const step = () => {
    let budget = 250;
    for (const [season, s] of unfilled) {
      if (budget <= 0) break;
      budget -= s.episodes.length;
      fill(season);
    }
    if (unfilled.size > 0) {
      filler = setTimeout(step, 0);
      return;
    }
    document.body.dataset.episodes = "all";
    performance.mark("series-all-rows");
  };
  filler = setTimeout(step, 0);
}

/** renderEpisodes builds the tabs and panels for a view (first render). */
export function renderEpisodes(view, c) {
  ctx = c;
  rows.clear();
  unfilled.clear();
  delete document.body.dataset.episodes;
  const seasons = view.seasons || [];
  $("missing-none").hidden = seasons.length > 0;
  tabs = seasons.map((s) => {
    const tab = el("button", { type: "button", role: "tab", id: "tab-" + s.season, "aria-controls": "panel-" + s.season,
      "aria-selected": "false", tabindex: "-1", dataset: { season: s.season } }, tabLabel(s));
    tab.addEventListener("click", () => selectTab(s.season, false));
    tab.addEventListener("keydown", onTabKey);
    return tab;
  });
  $("season-tabs").replaceChildren(...tabs);
  $("missing").replaceChildren(...seasons.map(panel));
  for (const s of seasons) unfilled.set(s.season, s);
  const first = seasons.find((s) => s.season > 0) || seasons[0];
  if (first) selectTab(active !== null && seasons.some((s) => s.season === active) ? active : first.season, false);
  const total = seasons.reduce((n, s) => n + s.episodes.length, 0);
  if (total <= 250) {
    for (const s of seasons) fill(s.season); // a short series: every row at once
    document.body.dataset.episodes = "all";
    return;
  }
  fillRest();
}

/** updateEpisodes applies a newer view, replacing only changed rows. */
export function updateEpisodes(view) {
  const seasons = view.seasons || [];
  const known = seasons.every((s) => $("panel-" + s.season)) && tabs.length === seasons.length;
  if (!known) {
    renderEpisodes(view, ctx);
    return;
  }
  for (const s of seasons) {
    const tab = $("tab-" + s.season);
    tab.replaceChildren(...tabLabel(s).filter(Boolean));
    if (unfilled.has(s.season)) {
      unfilled.set(s.season, s);
      continue;
    }
    const body = $("panel-" + s.season).querySelector("tbody");
    for (const e of s.episodes) {
      const id = `${s.season}-${e.episode}`;
      const cur = rows.get(id);
      const sig = rowSig(e);
      if (cur && cur.sig === sig) {
        if (e.state === "downloading") setProgress(cur.tr, e.item && e.item.progress);
        continue;
      }
      const tr = buildRow(s.season, e);
      const checked = cur && cur.tr.querySelector("input[name=ep]:checked");
      if (checked && tr.querySelector("input[name=ep]")) tr.querySelector("input[name=ep]").checked = true;
      if (cur) cur.tr.replaceWith(tr);
      else body.append(tr);
      rows.set(id, { tr, sig });
    }
  }
}

function setProgress(tr, p) {
  if (!p) return;
  const bar = tr.querySelector(".ep-progress progress");
  if (!bar) return;
  const pct = Number(p.percent) || 0;
  bar.value = pct;
  tr.querySelector(".ep-progress .pct").textContent = pct.toFixed(1) + " %";
  tr.querySelector(".ep-progress .speed").textContent = p.speed_mbps ? `${Number(p.speed_mbps).toFixed(2)} MB/s` : "";
  tr.querySelector(".ep-progress .eta").textContent = p.eta_seconds ? fmtDuration(p.eta_seconds) : "";
}

/**
 * onProgress applies a download_progress message to its row; it answers
 * false when no row shows that download yet (the caller refetches).
 */
export function onProgress(d) {
  const tr = document.querySelector(`#missing tr[data-item="${CSS.escape(d.download_id || "")}"]`);
  if (!tr || tr.dataset.state !== "downloading") return false;
  setProgress(tr, d);
  return true;
}

/** selected answers the checked episodes. */
export function selected() {
  return [...document.querySelectorAll("#missing input[name=ep]:checked")].map((i) => {
    const [season, episode] = i.value.split("-").map(Number);
    return { season, episode };
  });
}

/** downloadable answers every missing episode (failed ones are retried). */
export function downloadable(view) {
  const out = [];
  for (const s of view.seasons || []) for (const e of s.episodes) if (e.state === "missing") out.push({ season: s.season, episode: e.episode });
  return out;
}

/** fillLanguages fills the bulk language select. */
export function fillLanguages(sel) {
  sel.replaceChildren(el("option", { value: "" }, t("series.langAuto")),
    ...LANGUAGES.map((l) => el("option", { value: l }, t("lang." + l))));
}
