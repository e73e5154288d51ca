// wanted.js: every missing episode across the library (GET /api/wanted),
// paged, filtered by site and by the languages the site offers; "download
// selected" and "download all" are one POST /api/wanted/download each (the
// server queues them per series through the queue's own rules), never one
// request per episode. Filters and page live in the URL.
import { request } from "./api.js";
import { $, el, guard, busy, toast, describe, siteBadge } from "./ui.js";
import { t, useLang } from "./i18n.js";
import shared from "./lang_downloads.js";
import dict from "./lang_wanted.js";
import { epTitle, langName, pager, seriesLink } from "./downloads.js";

const FILTERS = ["site", "language", "per_page"];
const PER = ["25", "50", "100", "250"];
let view = readURL();
let total = 0;
let pg;
const selected = new Map(); // "key|s|e" -> {serie_id, season, episode}

function readURL() {
  const u = new URLSearchParams(location.search);
  const v = { page: Math.max(1, parseInt(u.get("page") || "1", 10) || 1) };
  for (const k of FILTERS) v[k] = u.get(k) || "";
  if (!PER.includes(v.per_page)) v.per_page = "50";
  return v;
}

function go(v, push = true) {
  const filtersChanged = FILTERS.some((k) => k !== "per_page" && v[k] !== view[k]);
  if (filtersChanged) selected.clear();
  view = v;
  const q = new URLSearchParams();
  for (const k of FILTERS) if (v[k] && !(k === "per_page" && v[k] === "50")) q.set(k, v[k]);
  if (v.page > 1) q.set("page", String(v.page));
  const qs = q.toString();
  if (push) history.pushState(null, "", location.pathname + (qs ? "?" + qs : ""));
  load();
}

const id = (w) => `${w.serie_id}|${w.episode.season}|${w.episode.episode}`;

function updateSelection() {
  const n = selected.size;
  $("want-selected").disabled = n === 0;
  $("want-selected").textContent = n ? t("wanted.dlSelectedN", { n }) : t("wanted.dlSelected");
  $("want-sel-count").textContent = n ? t("wanted.selected", { n }) : "";
  $("want-all").disabled = total === 0;
  $("want-all").textContent = total ? t("wanted.dlAllN", { n: total }) : t("wanted.dlAll");
  const boxes = [...document.querySelectorAll("#want-rows input[type=checkbox]")];
  const on = boxes.filter((b) => b.checked).length;
  const all = $("want-check-page");
  all.checked = boxes.length > 0 && on === boxes.length;
  all.indeterminate = on > 0 && on < boxes.length;
}

function row(w) {
  const k = id(w);
  const what = `${w.serie_name || w.serie_id} ${epTitle(w.episode)}`;
  const box = el("input", { type: "checkbox", "aria-label": t("wanted.select", { what }) });
  box.checked = selected.has(k);
  box.addEventListener("change", () => {
    if (box.checked) selected.set(k, { serie_id: w.serie_id, season: w.episode.season, episode: w.episode.episode });
    else selected.delete(k);
    updateSelection();
  });
  const langs = w.languages && w.languages.length
    ? el("span", { class: "langs" }, ...w.languages.map((l) => el("span", { class: "chip" }, langName(l))))
    : el("span", { class: "muted" }, t("wanted.langsUnknown"));
  return el("tr", { dataset: { key: w.serie_id, ep: `${w.episode.season}-${w.episode.episode}` } },
    el("td", { class: "pick-cell" }, box),
    el("td", {}, seriesLink(w.serie_id, w.serie_name), " ", siteBadge(w.site)),
    el("td", {}, epTitle(w.episode), w.queued ? [" ", el("span", { class: "chip queued" }, t("wanted.queuedChip"))] : null),
    el("td", {}, langs));
}

async function load() {
  const per = Number(view.per_page);
  const q = new URLSearchParams({ page: String(view.page), per_page: String(per) });
  if (view.site) q.set("site", view.site);
  if (view.language) q.set("language", view.language);
  try {
    const res = await request("GET", "/api/wanted?" + q.toString());
    total = Number(res.headers.get("X-Total-Count") || 0);
    const list = res.data || [];
    $("want-rows").replaceChildren(...list.map(row));
    $("want-empty").hidden = list.length > 0;
    $("want-total").textContent = t(total === 1 ? "wanted.total1" : "wanted.total", { n: total });
    pg.update(view.page, total, per);
    updateSelection();
    if (list.length === 0 && view.page > 1 && total > 0) {
      go({ ...view, page: Math.ceil(total / per) }, false);
      return;
    }
    document.body.dataset.rendered = "1";
  } catch (err) {
    if (err.status !== 401) toast(describe(err), "error");
  }
}

/** queued tells what the server did, in the UI language. */
function queued(r) {
  let msg = r.skipped ? t("wanted.doneSkipped", { queued: r.queued, skipped: r.skipped }) : t("wanted.done", { queued: r.queued });
  if (r.remaining) msg += " · " + t("wanted.remaining", { n: r.remaining });
  return msg;
}

function markQueued(keys) {
  for (const tr of document.querySelectorAll("#want-rows tr")) {
    const k = `${tr.dataset.key}|${tr.dataset.ep.replace("-", "|")}`;
    if (keys === null || keys.includes(k)) {
      if (!tr.querySelector(".queued")) tr.children[2].append(" ", el("span", { class: "chip queued" }, t("wanted.queuedChip")));
      const box = tr.querySelector("input[type=checkbox]");
      box.checked = false;
    }
  }
}

async function main() {
  await useLang(shared);
  await useLang(dict);
  await guard();
  pg = pager($("want-prev"), $("want-page"), $("want-next"), (p) => go({ ...view, page: p }));
  $("want-site").value = view.site;
  $("want-lang").value = view.language;
  $("want-per").value = view.per_page;
  const apply = () => go({ site: $("want-site").value, language: $("want-lang").value, per_page: $("want-per").value, page: 1 });
  for (const i of ["want-site", "want-lang", "want-per"]) $(i).addEventListener("change", apply);
  $("want-filters").addEventListener("submit", (ev) => { ev.preventDefault(); apply(); });
  window.addEventListener("popstate", () => {
    view = readURL();
    $("want-site").value = view.site;
    $("want-lang").value = view.language;
    $("want-per").value = view.per_page;
    load();
  });
  $("want-check-page").addEventListener("change", () => {
    const on = $("want-check-page").checked;
    for (const b of document.querySelectorAll("#want-rows input[type=checkbox]")) {
      if (b.checked !== on) {
        b.checked = on;
        b.dispatchEvent(new Event("change"));
      }
    }
    updateSelection();
  });
  $("want-selected").addEventListener("click", async () => {
    const items = [...selected.values()];
    const keys = [...selected.keys()];
    const r = await busy($("want-selected"), () => request("POST", "/api/wanted/download", { items }).then((res) => queued(res.data)));
    if (r) {
      selected.clear();
      markQueued(keys);
      updateSelection();
      document.body.dataset.queued = String(keys.length);
    }
  });
  $("want-all").addEventListener("click", async () => {
    if (!confirm(t("wanted.allConfirm", { n: total }))) return;
    const body = { all: true };
    if (view.site) body.site = view.site;
    if (view.language) body.language = view.language;
    const r = await busy($("want-all"), () => request("POST", "/api/wanted/download", body).then((res) => queued(res.data)));
    if (r) {
      selected.clear();
      markQueued(null);
      updateSelection();
      document.body.dataset.queued = "all";
    }
  });
  await load();
}

main().catch((err) => toast(describe(err), "error"));
