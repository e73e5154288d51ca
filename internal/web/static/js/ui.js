// ui.js: DOM helpers, toasts, busy buttons, the auth guard every
// protected page runs first, and the nav's logout button.
import { api, request, getToken, clearToken, toLogin } from "./api.js";

/** $ finds one element by id. */
export const $ = (id) => document.getElementById(id);

/**
 * el builds an element: el("button", {class: "btn", onclick: f}, "Text").
 * Children may be strings (text nodes, never HTML) or nodes.
 */
export function el(tag, attrs, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") n.addEventListener(k.slice(2), v);
    else if (k === "class") n.className = v;
    else if (k === "dataset") Object.assign(n.dataset, v);
    else if (k in n && typeof v !== "string") n[k] = v;
    else n.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    n.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return n;
}

// A page restored from the back/forward cache has lost its live
// connection and may show stale data: load it afresh.
window.addEventListener("pageshow", (ev) => {
  if (ev.persisted) location.reload();
});

// Checkboxes with data-reveal="<input id>" show or hide that password.
document.addEventListener("change", (ev) => {
  const id = ev.target && ev.target.dataset ? ev.target.dataset.reveal : "";
  const input = id ? document.getElementById(id) : null;
  if (input) input.type = ev.target.checked ? "text" : "password";
});

/** toast shows a short message; errors stay longer. */
export function toast(msg, kind = "ok") {
  const box = $("toasts");
  if (!box) return;
  const t = el("div", { class: "toast " + kind, role: kind === "error" ? "alert" : "status" }, msg);
  box.append(t);
  setTimeout(() => t.remove(), kind === "error" ? 9000 : 4000);
}

/** describe turns an error into the message the API sent. */
export function describe(err) {
  if (!err) return "Unknown error";
  let m = err.message || String(err);
  if (err.requestId && err.status >= 500) m += ` (request ${err.requestId})`;
  return m;
}

/**
 * busy runs fn while btn shows a busy state, then toasts the success
 * message (fn's string result, the API's message, or okText) or the API's
 * error message. Returns fn's result, or undefined on error.
 */
export async function busy(btn, fn, okText) {
  if (btn) {
    btn.disabled = true;
    btn.setAttribute("aria-busy", "true");
  }
  try {
    const res = await fn();
    const msg = typeof res === "string" ? res : (res && res.message) || okText;
    if (msg) toast(msg, "ok");
    return res;
  } catch (err) {
    if (err && err.status === 401) return undefined; // redirecting to login
    toast(describe(err), "error");
    return undefined;
  } finally {
    if (btn) {
      btn.disabled = false;
      btn.removeAttribute("aria-busy");
    }
  }
}

/**
 * guard makes sure the app is configured and the user logged in, then
 * reveals <main>. It resolves to the auth status.
 */
export async function guard() {
  let st;
  try {
    st = await api.get("/api/auth/status", { noRedirect: true });
  } catch (err) {
    $("main").hidden = false;
    throw err;
  }
  if (!st.configured) {
    location.replace("/setup");
    return new Promise(() => {});
  }
  if (!st.authenticated || !getToken()) {
    clearToken();
    toLogin();
    return new Promise(() => {});
  }
  $("main").hidden = false;
  wireLogout();
  return st;
}

function wireLogout() {
  const b = $("logout");
  if (!b) return;
  b.addEventListener("click", async () => {
    b.disabled = true;
    b.setAttribute("aria-busy", "true");
    try {
      await request("POST", "/api/auth/logout", {}, { noRedirect: true });
    } catch {
      // the token is dropped locally either way
    }
    clearToken();
    location.replace("/login?logged_out=1");
  });
}

/** showFieldErrors puts 422 details.errors[] next to their fields. */
export function showFieldErrors(form, err) {
  clearFieldErrors(form);
  const list = (err && err.details && err.details.errors) || [];
  let shown = 0;
  for (const e of list) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(e.field)}"]`);
    if (!slot) continue;
    slot.textContent = e.message;
    slot.hidden = false;
    const input = form.querySelector(`[name="${CSS.escape(e.field)}"]`);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      if (slot.id === "") slot.id = "err-" + e.field.replace(/\W/g, "-");
      input.setAttribute("aria-describedby", slot.id);
      if (shown === 0) input.focus();
    }
    shown++;
  }
  return shown;
}

/** clearFieldErrors hides every field error of a form. */
export function clearFieldErrors(form) {
  for (const s of form.querySelectorAll("[data-error-for]")) {
    s.hidden = true;
    s.textContent = "";
  }
  for (const i of form.querySelectorAll('[aria-invalid="true"]')) i.removeAttribute("aria-invalid");
}

/** fmtBytes renders a byte count. */
export function fmtBytes(n) {
  if (n == null || !Number.isFinite(n)) return "";
  const u = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + " " + u[i];
}

/** fmtDuration renders seconds as "1h 02m", "3m 05s" or "12s". */
export function fmtDuration(s) {
  if (s == null || !Number.isFinite(s) || s < 0) return "";
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  if (h) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m) return `${m}m ${String(sec).padStart(2, "0")}s`;
  return `${sec}s`;
}

/** fmtTime renders an ISO time in the user's locale. */
export function fmtTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

/** epLabel renders season/episode as S01E02 (season 0: movie). */
export function epLabel(season, episode) {
  const p = (n) => String(n).padStart(2, "0");
  return Number(season) === 0 ? `Movie ${episode}` : `S${p(season)}E${p(episode)}`;
}

/** siteBadge is the small badge naming the site a series comes from. */
export function siteBadge(site) {
  const name = site || "aniworld.to";
  const title = name === "s.to" ? "serienstream.to (s.to)" : name;
  return el("span", { class: "badge site", dataset: { site: name }, title }, name);
}
