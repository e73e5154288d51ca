// library_table.js: the library as a table (the second view): per series
// the missing episodes by season, episodes on disk, NFO status (asked only
// when TMDB is configured) and queue actions.
import { api } from "./api.js";
import { $, el, busy, toast, describe, epLabel, siteBadge } from "./ui.js";
import { t } from "./i18n.js";
import { progressBar, stateIcons } from "./library_grid.js";

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
  if (seasons.length === 0) return el("span", { class: "muted" }, t("lib.none"));
  return el("div", { class: "seasons" }, seasons.map((s) =>
    el("span", { class: "chip", title: t("lib.chip_title", { list: missing[s].join(", ") }) },
      `${Number(s) === 0 ? t("lib.movies") : "S" + s}: ${missing[s].length}`)));
}

async function queueEpisodes(series, episodes, btn) {
  if (episodes.length === 0) {
    toast(t("lib.select_one"), "error");
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
  const details = el("details", { class: "pick" }, el("summary", {}, t("lib.pick")));
  details.addEventListener("toggle", () => {
    if (!details.open || details.dataset.built) return;
    details.dataset.built = "1";
    const bySeason = {};
    for (const e of missingList(series.missing_episodes)) (bySeason[e.season] ||= []).push(e);
    const form = el("form", {});
    for (const [season, eps] of Object.entries(bySeason)) {
      form.append(el("fieldset", {},
        el("legend", {}, Number(season) === 0 ? t("lib.movies") : t("lib.season", { n: season })),
        eps.map((e) => el("label", {},
          el("input", { type: "checkbox", name: "ep", value: `${e.season}-${e.episode}` }),
          " ", epLabel(e.season, e.episode)))));
    }
    const submit = el("button", { type: "submit", class: "btn small" }, t("lib.queue_selected"));
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

function renderNFO(td, series, check) {
  td.replaceChildren();
  if (check.has_nfo) {
    td.append(el("span", { class: "badge ok" }, t("lib.nfo_ok")));
    return;
  }
  const btn = el("button", { type: "button", class: "btn small" }, t("lib.nfo_create"));
  btn.addEventListener("click", async () => {
    const res = await busy(btn, () => api.post(`/api/nfo/${encodeURIComponent(series.key)}/create`, { serie_name: series.name }));
    if (res) renderNFO(td, series, { has_nfo: true });
  });
  td.append(el("span", { class: "badge bad" }, t("lib.nfo_missing")), " ", btn);
}

/**
 * loadNFO fills the NFO cells, 4 requests at a time, while isCurrent()
 * says the rows are still shown. Without TMDB (metadata false) it asks
 * nothing and links to the setting instead.
 */
export async function loadNFO(rows, metadata, isCurrent) {
  if (!metadata) {
    for (const r of rows) r.td.replaceChildren(el("a", { href: "/settings#cfg-nfo" }, t("lib.nfo_setup")));
    return;
  }
  let i = 0;
  const worker = async () => {
    while (i < rows.length && isCurrent()) {
      const { td, series } = rows[i++];
      try {
        const check = await api.get(`/api/nfo/${encodeURIComponent(series.key)}/check`);
        if (isCurrent()) renderNFO(td, series, check);
      } catch (err) {
        if (isCurrent()) td.replaceChildren(el("span", { class: "muted", title: describe(err) }, t("lib.nfo_unknown")));
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

/** renderTable fills the table body; it answers the NFO cells to load. */
export function renderTable(tbody, list) {
  const frag = document.createDocumentFragment();
  const nfoRows = [];
  for (const s of list) {
    const eps = missingList(s.missing_episodes);
    const name = s.name || s.key;
    const all = el("button", { type: "button", class: "btn small primary" }, t("lib.queue_all", { n: eps.length }));
    all.addEventListener("click", () => queueEpisodes(s, eps, all));
    if (eps.length === 0) all.disabled = true;
    const td = el("td", { class: "nfo", dataset: { key: s.key } }, el("span", { class: "muted" }, "…"));
    nfoRows.push({ td, series: s });
    frag.append(el("tr", { dataset: { key: s.key } },
      el("td", {},
        el("input", { type: "checkbox", class: "bulk-pick", value: s.key, "aria-label": t("lib.select", { name }) }), " ",
        el("a", { href: "/series/" + encodeURIComponent(s.key), class: "series-link" }, name),
        " ", siteBadge(s.site), " ", stateIcons(s),
        el("div", { class: "muted" }, s.folder || "")),
      el("td", {}, seasonChips(s.missing_episodes), el("div", { class: "muted" }, t("lib.n_missing", { n: eps.length }))),
      el("td", { class: "eps-cell" }, progressBar(s), el("div", { class: "muted" }, `${s.episode_count || 0}/${(s.episode_count || 0) + (s.missing_count || 0)}`)),
      td,
      el("td", {}, all, pickForm(s))));
  }
  tbody.replaceChildren(frag);
  return nfoRows;
}
