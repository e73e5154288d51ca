// theme.js: applies the remembered theme before first paint (a classic
// script in <head>, so a dark-theme user never sees a light flash).
// i18n.js owns the switch; this file only reads localStorage.
(function () {
  try {
    var v = localStorage.getItem("aniworld.theme");
    if (v === "light" || v === "dark") document.documentElement.setAttribute("data-theme", v);
  } catch (e) {
    // storage blocked: the system theme applies
  }
})();
