// downloads.js: what the download pages share (queue, wanted, history):
// episode labels, language names, localized numbers, times and sizes, the
// attempt log and a pager. Strings come from lang_downloads.js, which
// each of those pages registers.
import { el } from "./ui.js";
import { t, currentLang } from "./i18n.js";

/** num formats a number in the UI language with at most `digits` decimals. */
export function num(n, digits = 2) {
  return new Intl.NumberFormat(currentLang(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(Number(n) || 0);
}

/** mbps renders a speed in MB/s. */
export function mbps(n) {
  return t("unit.mbps", { n: num(n) });
}

/** size renders a byte count (MB = 2^20 bytes, as the API counts). */
export function size(bytes) {
  const b = Number(bytes) || 0;
  if (b >= 1 << 30) return num(b / (1 << 30), 2) + " GB";
  if (b >= 1 << 20) return num(b / (1 << 20), 1) + " MB";
  if (b >= 1 << 10) return num(b / (1 << 10), 0) + " KB";
  return b + " B";
}

/** when renders an ISO time in the UI language. */
export function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(currentLang(), { dateStyle: "medium", timeStyle: "short" });
}

/** langName is the UI name of a site language ("German Dub"). */
export function langName(l) {
  return l ? t("lang." + l) : "";
}

/** epCode is S01E02, or "Film 2" / "Movie 2" for season 0. */
export function epCode(ep) {
  const p = (n) => String(n).padStart(2, "0");
  const s = Number(ep && ep.season), e = Number(ep && ep.episode);
  return s === 0 ? t("ep.movie", { n: e }) : `S${p(s)}E${p(e)}`;
}

/** epTitle is "S01E02 — Title" (the title when known). */
export function epTitle(ep) {
  return epCode(ep) + (ep && ep.title ? " — " + ep.title : "");
}

/** seriesLink links a series page. */
export function seriesLink(key, name) {
  return el("a", { href: "/series/" + encodeURIComponent(key) }, name || key);
}

/** tries renders a try count. */
export function tries(n) {
  return Number(n) === 1 ? t("dl.try1") : t("dl.tries", { n });
}

/**
 * attemptLog is a <details> listing an attempt log: each resolve or
 * download try with hoster, language and outcome.
 */
export function attemptLog(attempts) {
  const list = el("ol", { class: "attempts" }, ...(attempts || []).map((a) => el("li", { class: a.ok ? "ok" : "bad" },
    el("span", { class: "chip" }, t(a.stage === "download" ? "dl.att.download" : "dl.att.resolve")),
    a.hoster ? el("strong", {}, a.hoster) : null,
    a.language ? el("span", {}, langName(a.language)) : null,
    el("span", { class: a.ok ? "ok" : "err-inline" }, a.ok ? t("dl.att.ok") : t("dl.att.failed")),
    a.error ? el("span", { class: "muted att-error" }, a.error) : null,
    a.at ? el("time", { class: "muted", datetime: a.at }, when(a.at)) : null)));
  return el("details", { class: "att" }, el("summary", {}, t("dl.attempts", { n: (attempts || []).length })), list);
}

/**
 * pager wires prev/next buttons and a "Page x of y" label; go(page) is
 * called with the new page. update(page, total, perPage) refreshes them.
 */
export function pager(prev, label, next, go) {
  let cur = 1, pages = 1;
  prev.addEventListener("click", () => cur > 1 && go(cur - 1));
  next.addEventListener("click", () => cur < pages && go(cur + 1));
  return {
    update(page, total, per) {
      cur = page;
      pages = Math.max(1, Math.ceil(total / Math.max(per, 1)));
      prev.disabled = cur <= 1;
      next.disabled = cur >= pages;
      label.textContent = t("pager.of", { page: cur, pages });
      prev.parentElement.hidden = pages <= 1 && cur <= 1;
    },
  };
}
