// monitor_form.js: the monitoring fields shared by the series page and
// the library's bulk edit (mode, languages, fallback, movies, specials,
// upgrade), read into and written from the API's shape.
import { el } from "./ui.js";

export const LANGUAGES = ["German Dub", "German Sub", "English Sub", "English Dub"];

/** fields builds the inputs; prefix keeps ids unique on a page. */
export function fields(prefix) {
  const id = (n) => `${prefix}-${n}`;
  return el("div", { class: "monitor-fields" },
    el("div", { class: "row" },
      el("label", {}, "Monitor ",
        el("select", { id: id("mode"), name: "mode" },
          el("option", { value: "none" }, "Nothing"),
          el("option", { value: "future" }, "Future episodes"),
          el("option", { value: "all" }, "All missing episodes"))),
      el("label", {}, el("input", { type: "checkbox", id: id("movies"), name: "movies" }), " Movies"),
      el("label", {}, el("input", { type: "checkbox", id: id("specials"), name: "specials" }), " Specials"),
      el("label", {}, el("input", { type: "checkbox", id: id("upgrade"), name: "upgrade" }), " Replace with a better language")),
    el("fieldset", { class: "pick" }, el("legend", {}, "Wanted languages, in order (none checked: the global order)"),
      LANGUAGES.map((l, i) => el("label", {},
        el("input", { type: "number", id: id("lang" + i), name: "lang-rank", min: "0", max: "4", value: "0",
          "aria-label": `Rank of ${l} (0: not wanted)`, class: "rank", dataset: { lang: l } }), " ", l))),
    el("label", {}, "Fall back to the next language after ",
      el("input", { type: "number", id: id("fallback"), name: "fallback_days", min: "0", max: "365", value: "0", class: "rank" }),
      " days (0: take the best available at once)"));
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
