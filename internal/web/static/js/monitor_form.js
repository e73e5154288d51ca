// monitor_form.js: the monitoring fields shared by the series page and
// the library's bulk edit (mode, languages, fallback, movies, specials,
// upgrade), read into and written from the API's shape.
import { el } from "./ui.js";
import { t, useLang } from "./i18n.js";
import dict from "./lang_monitor.js";

useLang(dict);

export const LANGUAGES = ["German Dub", "German Sub", "English Sub", "English Dub"];

/** fields builds the inputs; prefix keeps ids unique on a page. */
export function fields(prefix) {
  const id = (n) => `${prefix}-${n}`;
  return el("div", { class: "monitor-fields" },
    el("div", { class: "row" },
      el("label", {}, t("mon.monitor") + " ",
        el("select", { id: id("mode"), name: "mode" },
          el("option", { value: "none" }, t("mon.mode.none")),
          el("option", { value: "future" }, t("mon.mode.future")),
          el("option", { value: "all" }, t("mon.mode.all")))),
      el("label", {}, el("input", { type: "checkbox", id: id("movies"), name: "movies" }), " " + t("mon.movies")),
      el("label", {}, el("input", { type: "checkbox", id: id("specials"), name: "specials" }), " " + t("mon.specials")),
      el("label", {}, el("input", { type: "checkbox", id: id("upgrade"), name: "upgrade" }), " " + t("mon.upgrade"))),
    el("fieldset", { class: "pick" }, el("legend", {}, t("mon.languages")),
      LANGUAGES.map((l, i) => el("label", {},
        el("input", { type: "number", id: id("lang" + i), name: "lang-rank", min: "0", max: "4", value: "0",
          "aria-label": t("mon.rank", { lang: t("lang." + l) }), class: "rank", dataset: { lang: l } }), " ", t("lang." + l)))),
    el("label", {}, t("mon.fallback.before") + " ",
      el("input", { type: "number", id: id("fallback"), name: "fallback_days", min: "0", max: "365", value: "0", class: "rank" }),
      " " + t("mon.fallback.after")));
}

/** read answers the settings the inputs hold. */
export function read(prefix) {
  const g = (n) => document.getElementById(`${prefix}-${n}`);
  const ranked = LANGUAGES.map((l, i) => ({ l, r: Number(g("lang" + i).value) || 0 }))
    .filter((x) => x.r > 0).sort((a, b) => a.r - b.r).map((x) => x.l);
  return {
    mode: g("mode").value, languages: ranked, fallback_days: Number(g("fallback").value) || 0,
    movies: g("movies").checked, specials: g("specials").checked, upgrade: g("upgrade").checked,
  };
}

/** write shows settings in the inputs. */
export function write(prefix, s) {
  const g = (n) => document.getElementById(`${prefix}-${n}`);
  g("mode").value = s.mode || "none";
  g("movies").checked = !!s.movies;
  g("specials").checked = !!s.specials;
  g("upgrade").checked = !!s.upgrade;
  g("fallback").value = String(s.fallback_days || 0);
  LANGUAGES.forEach((l, i) => {
    const r = (s.languages || []).indexOf(l);
    g("lang" + i).value = String(r + 1);
  });
}
