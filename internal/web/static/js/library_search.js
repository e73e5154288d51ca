// library_search.js: searching the sites and adding a series from the
// library page, until the "Add series" page (/search) takes it over.
import { api } from "./api.js";
import { $, el, busy, siteBadge } from "./ui.js";
import { t } from "./i18n.js";

/** wireSearch makes the search form work; added() runs after an add. */
export function wireSearch(added) {
  const form = $("search-form");
  if (!form) return;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const query = $("search-q").value.trim();
    if (!query) return;
    const out = $("search-results");
    const results = await busy($("search-btn"), () => api.get("/api/anime/search?query=" + encodeURIComponent(query)));
    if (!results) return;
    out.replaceChildren();
    if (results.length === 0) {
      out.append(el("li", { class: "empty" }, t("search.none", { q: query })));
      return;
    }
    for (const r of results) {
      const add = el("button", { type: "button", class: "btn small primary", "aria-label": t("search.add_label", { name: r.name }) }, t("search.add"));
      add.addEventListener("click", async () => {
        const body = { link: r.link || r.key, name: r.name };
        const mode = $("add-monitor") ? $("add-monitor").value : "none";
        if (mode !== "none") body.monitor = { mode };
        const res = await busy(add, () => api.post("/api/anime/add", body));
        if (res) {
          add.textContent = t("search.added");
          add.dataset.added = "1";
          add.disabled = true;
          added();
        }
      });
      out.append(el("li", { dataset: { key: r.key, site: r.site || "" } },
        el("span", {}, el("strong", {}, r.name), " ", siteBadge(r.site), " ", el("span", { class: "muted" }, r.key)), add));
    }
  });
}
