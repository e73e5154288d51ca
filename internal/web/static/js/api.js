// api.js: the bearer token in localStorage and one fetch wrapper for the
// product's JSON API. Errors become ApiError with the contract's body
// ({error, message, details, request_id}) plus the HTTP status and
// Retry-After.

const TOKEN_KEY = "aniworld.token";

/** Returns the stored token, or "" when none or expired. */
export function getToken() {
  try {
    const raw = localStorage.getItem(TOKEN_KEY);
    if (!raw) return "";
    const t = JSON.parse(raw);
    if (t.expires_at && Date.parse(t.expires_at) <= Date.now()) {
      localStorage.removeItem(TOKEN_KEY);
      return "";
    }
    return t.token || "";
  } catch {
    return "";
  }
}

/** Stores a login response's token. */
export function setToken(token, expiresAt) {
  localStorage.setItem(TOKEN_KEY, JSON.stringify({ token, expires_at: expiresAt || "" }));
}

/** Forgets the token. */
export function clearToken() {
  localStorage.removeItem(TOKEN_KEY);
}

/** ApiError is a non-2xx answer of the API. */
export class ApiError extends Error {
  constructor(status, body, headers) {
    const msg = (body && (body.message || body.detail)) || `Request failed (HTTP ${status})`;
    super(msg);
    this.status = status;
    this.code = (body && body.error) || "";
    this.details = (body && body.details) || {};
    this.requestId = (body && body.request_id) || "";
    this.body = body || null;
    const ra = headers ? headers.get("Retry-After") : null;
    this.retryAfter = ra ? parseRetryAfter(ra) : 0;
  }
}

/** parseRetryAfter turns delta-seconds or an HTTP date into seconds. */
export function parseRetryAfter(v) {
  const n = Number(v);
  if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : 0;
}

/**
 * request calls the API. It returns {data, headers, status}. A 401 on a
 * protected route clears the token and sends the user to /login.
 */
export async function request(method, path, body, opts = {}) {
  const headers = { Accept: "application/json" };
  const tok = getToken();
  if (tok) headers.Authorization = "Bearer " + tok;
  const init = { method, headers, cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, { message: "The server cannot be reached. Check that aniworld is running." });
  }
  const ct = res.headers.get("Content-Type") || "";
  let data = null;
  if (opts.raw) {
    data = res.ok ? await res.blob() : null;
  } else if (res.status !== 204) {
    const text = await res.text();
    if (ct.includes("json") && text) {
      try { data = JSON.parse(text); } catch { data = null; }
    } else {
      data = text;
    }
  }
  if (!res.ok) {
    if (opts.raw && ct.includes("json")) data = await res.json().catch(() => null);
    const err = new ApiError(res.status, typeof data === "object" ? data : { message: data || "" }, res.headers);
    if (res.status === 401 && !opts.noRedirect && !path.startsWith("/api/auth/")) {
      clearToken();
      toLogin();
    }
    throw err;
  }
  return { data, headers: res.headers, status: res.status };
}

/** Shorthands returning only the body. */
export const api = {
  get: (p, o) => request("GET", p, undefined, o).then((r) => r.data),
  post: (p, b, o) => request("POST", p, b === undefined ? {} : b, o).then((r) => r.data),
  put: (p, b, o) => request("PUT", p, b, o).then((r) => r.data),
  del: (p, b, o) => request("DELETE", p, b, o).then((r) => r.data),
};

/** toLogin sends the browser to the login page, remembering where it was. */
export function toLogin() {
  const here = location.pathname + location.search;
  location.replace("/login?next=" + encodeURIComponent(here));
}

/** safeNext keeps a post-login redirect on this origin. */
export function safeNext(v) {
  if (!v || !v.startsWith("/") || v.startsWith("//") || v.startsWith("/\\")) return "/";
  if (v.startsWith("/login") || v.startsWith("/setup")) return "/";
  return v;
}
