// i18n.js: the UI's languages (English, German) and its theme switch.
//
// Every user-visible string in a page module goes through t("key", {vars});
// template text carries data-i18n="key" (textContent) and
// data-i18n-title / -placeholder / -aria-label for attributes. Each page
// has its own dictionary module (lang_<page>.js, `export default {en, de}`)
// that it registers with `await useLang(dict)` before rendering; the
// layout's strings live in lang_common.js and are always loaded. English is
// the fallback for a key a language lacks; an unknown key shows itself, so
// a missing translation is visible, never blank.
//
// The language is the one chosen in the header (localStorage
// "aniworld.lang"), else the browser's first supported language, else
// English. The theme ("auto", "light", "dark"; localStorage
// "aniworld.theme") is applied before first paint by theme.js; this module
// wires the header's switches.
import common from "./lang_common.js";

/** LANGS are the UI languages, in the order the switch lists them. */
export const LANGS = ["en", "de"];
const LANG_KEY = "aniworld.lang";
const THEME_KEY = "aniworld.theme";

const dicts = [common];
let lang = pickLang();

function pickLang() {
  const saved = localStorage.getItem(LANG_KEY);
  if (LANGS.includes(saved)) return saved;
  for (const l of navigator.languages || [navigator.language || "en"]) {
    const base = String(l).toLowerCase().split("-")[0];
    if (LANGS.includes(base)) return base;
  }
  return "en";
}

/** currentLang is the active UI language ("en" or "de"). */
export function currentLang() {
  return lang;
}

/** t translates key, filling {name} placeholders from vars. */
export function t(key, vars) {
  let s;
  for (let i = dicts.length - 1; i >= 0 && s === undefined; i--) {
    const d = dicts[i];
    s = (d[lang] && d[lang][key]) ?? undefined;
  }
  for (let i = dicts.length - 1; i >= 0 && s === undefined; i--) {
    s = dicts[i].en && dicts[i].en[key];
  }
  if (s === undefined) s = key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

const ATTRS = ["title", "placeholder", "aria-label"];

/** apply translates the data-i18n marked elements under root. */
export function apply(root = document) {
  for (const n of root.querySelectorAll("[data-i18n]")) n.textContent = t(n.dataset.i18n);
  for (const a of ATTRS) {
    const data = "data-i18n-" + a;
    for (const n of root.querySelectorAll(`[${data}]`)) n.setAttribute(a, t(n.getAttribute(data)));
  }
}

/** useLang registers a page dictionary and translates the page. */
export async function useLang(dict) {
  if (dict && !dicts.includes(dict)) dicts.push(dict);
  apply();
}

/** setLang switches the UI language and reloads the page in it. */
export function setLang(l) {
  if (!LANGS.includes(l)) return;
  localStorage.setItem(LANG_KEY, l);
  location.reload();
}

/** theme is the chosen theme: "auto", "light" or "dark". */
export function theme() {
  const v = localStorage.getItem(THEME_KEY);
  return v === "light" || v === "dark" ? v : "auto";
}

/** setTheme applies and remembers a theme. */
export function setTheme(v) {
  if (v === "auto") localStorage.removeItem(THEME_KEY);
  else localStorage.setItem(THEME_KEY, v);
  applyTheme();
}

function applyTheme() {
  const v = theme();
  if (v === "auto") document.documentElement.removeAttribute("data-theme");
  else document.documentElement.dataset.theme = v;
}

function wireSwitches() {
  const ls = document.getElementById("lang-switch");
  if (ls) {
    ls.value = lang;
    ls.addEventListener("change", () => setLang(ls.value));
  }
  const ts = document.getElementById("theme-switch");
  if (ts) {
    ts.value = theme();
    ts.addEventListener("change", () => setTheme(ts.value));
  }
}

document.documentElement.lang = lang;
applyTheme();
apply();
wireSwitches();
