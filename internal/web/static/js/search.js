// search.js: "Add series". One query searches aniworld.to and
// serienstream.to (GET /api/anime/search); the results stand side by side,
// each with its cover (a signed product URL, cover_url), year, site and a
// short description, and either a link to the series when it is already
// in the library or "Add", which shows the folder the library will create
// (the API's folder field, the library's own rule) and lets the user
// choose monitoring before POST /api/anime/add. The query lives in the
// URL (?q=), so a search can be bookmarked and survives a reload.
import { api } from "./api.js";
import { $, el, guard, busy, toast, describe, siteBadge } from "./ui.js";
import { t, useLang } from "./i18n.js";
import dict from "./lang_search.js";

const COLUMNS = { "aniworld.to": "aw", "s.to": "sto" };

function cover(r) {
  if (r.cover_url) {
    return el("img", { class: "search-cover", src: r.cover_url, alt: t("search.coverOf", { title: r.name }), loading: "lazy", width: "92", height: "138" });
  }
  return el("div", { class: "search-cover placeholder", "aria-hidden": "true" }, (r.name || "?").trim().charAt(0).toUpperCase());
}

function libraryLink(r) {
  return el("div", { class: "row search-act" },
    el("span", { class: "badge ok" }, t("search.inLibrary")),
    el("a", { class: "btn small", href: "/series/" + encodeURIComponent(r.key), "aria-label": t("search.openSeries", { title: r.name }) }, t("search.open")));
}

function addPanel(r, card, open) {
  const id = `add-${COLUMNS[r.site] || "x"}-${r.key}`;
  const mode = el("select", { id: id + "-mon", name: "monitor" },
    ["none", "all", "future"].map((m) => el("option", { value: m }, t("search.monitor." + m))));
  const confirm = el("button", { type: "submit", class: "btn primary small" }, t("search.confirm"));
  const cancel = el("button", { type: "button", class: "btn small" }, t("search.cancel"));
  const panel = el("form", { class: "add-panel", id, hidden: true },
    el("p", {}, el("span", { class: "muted" }, t("search.folder")), " ", el("code", { class: "folder" }, r.folder || r.name)),
    el("p", { class: "row" }, el("label", { for: id + "-mon" }, t("search.monitor")), mode),
    el("div", { class: "row" }, confirm, cancel));
  cancel.addEventListener("click", () => { panel.hidden = true; open.setAttribute("aria-expanded", "false"); open.focus(); });
  panel.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { link: r.link, name: r.name };
    if (mode.value !== "none") body.monitor = { mode: mode.value };
    const res = await busy(confirm, async () => {
      const out = await api.post("/api/anime/add", body);
      return { message: t("search.added", { title: r.name, n: out.total_missing || 0 }), out };
    });
    if (!res) return;
    r.in_library = true;
    r.key = res.out.key || r.key;
    r.folder = res.out.folder || r.folder;
    card.querySelector(".search-act").replaceWith(libraryLink(r));
    panel.remove();
    card.querySelector(".search-act a").focus();
  });
  return panel;
}

function card(r) {
  const li = el("li", { class: "search-card", dataset: { key: r.key, site: r.site } });
  const meta = [r.year ? el("span", { class: "year" }, String(r.year)) : "", siteBadge(r.site)].filter(Boolean);
  const body = el("div", { class: "search-body" },
    el("h3", {}, r.name),
    el("p", { class: "search-meta" }, meta.flatMap((m, i) => (i ? [" · ", m] : [m]))),
    r.description ? el("p", { class: "search-desc" }, r.description) : "");
  li.append(cover(r), body);
  if (r.in_library) {
    body.append(libraryLink(r));
    return li;
  }
  const open = el("button", { type: "button", class: "btn small primary", "aria-expanded": "false", "aria-label": t("search.addTitle", { title: r.name }) }, t("search.add"));
  const act = el("div", { class: "row search-act" }, open);
  body.append(act);
  const panel = addPanel(r, li, open);
  open.setAttribute("aria-controls", panel.id);
  body.append(panel);
  open.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    open.setAttribute("aria-expanded", panel.hidden ? "false" : "true");
    if (!panel.hidden) panel.querySelector("select").focus();
  });
  return li;
}

function render(q, results) {
  const by = { aw: [], sto: [] };
  for (const r of results) by[COLUMNS[r.site] || "aw"].push(r);
  for (const [col, list] of Object.entries(by)) {
    $("results-" + col).replaceChildren(...(list.length ? list.map(card) : [el("li", { class: "empty" }, t("search.siteNone"))]));
    $("count-" + col).textContent = t("search.count", { n: list.length });
  }
  $("search-results").hidden = false;
  $("search-status").textContent = results.length ? t("search.found", { n: results.length, q }) : t("search.none", { q });
}

async function search(q) {
  q = q.trim();
  if (!q) return;
  const url = new URL(location.href);
  url.searchParams.set("q", q);
  history.replaceState(null, "", url);
  $("search-status").textContent = t("search.searching");
  const res = await busy($("search-btn"), () => api.get("/api/anime/search?query=" + encodeURIComponent(q)));
  if (res === undefined) {
    $("search-status").textContent = "";
    return;
  }
  render(q, res);
  document.body.dataset.searched = q;
}

async function main() {
  await useLang(dict);
  await guard();
  $("search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    search($("search-q").value);
  });
  const q = new URLSearchParams(location.search).get("q");
  document.body.dataset.rendered = "1";
  if (q) {
    $("search-q").value = q;
    await search(q);
  } else {
    $("search-q").focus();
  }
}

main().catch((err) => toast(describe(err), "error"));
