// library_grid.js: the library's poster grid. One card per series: the
// cover (lazy, in a fixed 2:3 box so nothing shifts while it loads),
// title, year, site, a bar of episodes on disk against all known ones, a
// missing badge and state icons (downloading, queued, failed, monitored).
// The arrow keys move between cards (Home/End: first/last).
import { el, siteBadge } from "./ui.js";
import { t } from "./i18n.js";

/** counts answers the episodes on disk and all known ones of a series. */
export function counts(s) {
  const have = Number(s.episode_count) || 0;
  const missing = Number(s.missing_count) || 0;
  return { have, missing, total: have + missing };
}

/** progressBar shows episodes on disk of all known ones. */
export function progressBar(s) {
  const { have, total } = counts(s);
  const label = total ? t("lib.progress", { have, total }) : t("lib.progress_none");
  return el("progress", { class: "eps", max: Math.max(total, 1), value: have, "aria-label": label, title: label });
}

/** stateIcons are the small icons of a series' queue state and monitoring. */
export function stateIcons(s) {
  const icons = [];
  const icon = (cls, glyph, label) => icons.push(el("span", { class: "state " + cls, role: "img", "aria-label": label, title: label }, glyph));
  // Glyphs every system font has (no emoji font needed).
  if (s.downloading > 0) icon("downloading", "↓", t("lib.state.downloading", { n: s.downloading }));
  if (s.queued > 0) icon("queued", "◔", t("lib.state.queued", { n: s.queued }));
  if (s.failed > 0) icon("failed", "!", t("lib.state.failed", { n: s.failed }));
  if (s.monitored) icon("monitored", "◉", t("lib.state.monitored"));
  return icons;
}

function card(s) {
  const name = s.name || s.key;
  const { missing } = counts(s);
  const href = "/series/" + encodeURIComponent(s.key);
  const cover = el("div", { class: "cover" },
    s.cover_url ? el("img", { src: s.cover_url, alt: "", loading: "lazy", decoding: "async", width: 220, height: 330 }) : null,
    missing > 0 ? el("span", { class: "missing", title: t("lib.missing_title", { n: missing }) }, t("lib.missing_badge", { n: missing })) : null);
  const states = stateIcons(s);
  return el("li", { class: "poster-card", dataset: { key: s.key } },
    el("a", { class: "poster-link", href }, cover, el("span", { class: "poster-title" }, name)),
    el("div", { class: "poster-meta" },
      s.year ? el("span", { class: "year" }, String(s.year)) : null, siteBadge(s.site),
      states.length ? el("span", { class: "states" }, states) : null),
    progressBar(s),
    el("input", { type: "checkbox", class: "bulk-pick", value: s.key, "aria-label": t("lib.select", { name }) }));
}

/** renderGrid replaces the grid's cards with list's. */
export function renderGrid(ul, list) {
  const frag = document.createDocumentFragment();
  for (const s of list) frag.append(card(s));
  ul.replaceChildren(frag);
}

/** columns counts the grid's cards per row (from their positions). */
function columns(links) {
  if (links.length < 2) return 1;
  const top = links[0].getBoundingClientRect().top;
  let n = 1;
  while (n < links.length && Math.abs(links[n].getBoundingClientRect().top - top) < 2) n++;
  return n;
}

/** keyboard lets the arrow keys move the focus between cards. */
export function keyboard(ul) {
  ul.addEventListener("keydown", (ev) => {
    if (!ev.target.classList || !ev.target.classList.contains("poster-link")) return;
    const links = [...ul.querySelectorAll(".poster-link")];
    const i = links.indexOf(ev.target);
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns(links), ArrowUp: -columns(links) }[ev.key];
    let next = -1;
    if (step !== undefined && i + step >= 0 && i + step < links.length) next = i + step;
    else if (ev.key === "Home") next = 0;
    else if (ev.key === "End") next = links.length - 1;
    if (next < 0 || next === i) return;
    ev.preventDefault();
    links[next].focus();
  });
}
