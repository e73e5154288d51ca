// system.js: health summary (/health/detailed), diagnostics
// (/api/diagnostics/system, /api/diagnostics/network), the provider check
// (/api/diagnostics/providers, hoster success rates from
// /api/diagnostics/hosters) and the log viewer (list files, tail with
// optional auto-refresh, download).
import { api, request } from "./api.js";
import { $, el, guard, busy, toast, describe, fmtBytes, fmtTime, fmtDuration } from "./ui.js";

let autoTimer = 0;

function kvList(target, obj) {
  const rows = [];
  for (const [k, v] of Object.entries(obj || {})) {
    let text = v;
    if (v && typeof v === "object") text = JSON.stringify(v);
    else if (typeof v === "number" && !Number.isInteger(v)) text = v.toFixed(1);
    rows.push(el("dt", {}, k.replace(/_/g, " ")), el("dd", {}, text == null ? "—" : String(text)));
  }
  target.replaceChildren(...rows);
}

async function health() {
  let h;
  try {
    h = await api.get("/health/detailed");
  } catch (err) {
    // 503 still carries the report (status "unhealthy" or "degraded").
    if (err.status === 503 && err.body && err.body.dependencies) {
      h = err.body;
    } else {
      $("h-status").textContent = describe(err);
      return;
    }
  }
  $("h-status").textContent = h.status || "unknown";
  $("h-status").className = h.status === "healthy" ? "ok" : "bad";
  $("h-version").textContent = h.version || "";
  $("h-start").textContent = fmtTime(h.startup_time);
  const deps = h.dependencies || {};
  $("h-deps").replaceChildren(...Object.entries(deps).map(([name, d]) => {
    if (name === "browser") return browserCard(d);
    const dl = el("dl", { class: "kv" });
    const shown = { ...d };
    if (name === "system" && shown.uptime_seconds != null) shown.uptime_seconds = fmtDuration(shown.uptime_seconds);
    kvList(dl, shown);
    return el("div", { class: "card" }, el("h3", {}, name), dl);
  }));
}

function showHosters(summary) {
  $("hoster-summary").textContent = summary || "no downloads resolved yet";
}

async function hosterStats() {
  try {
    const d = await api.get("/api/diagnostics/hosters");
    showHosters(d.summary);
  } catch (err) {
    if (err.status !== 401) $("hoster-summary").textContent = describe(err);
  }
}

async function checkProviders() {
  const d = await busy($("providers-check"), () => api.get("/api/diagnostics/providers"), "Provider check finished");
  if (!d) return;
  const rows = (d.steps || []).map((s) => {
    const failed = s.result === "failed";
    const text = failed ? [s.detail, s.reason].filter(Boolean).join(": ") : s.detail || "";
    return el("tr", { class: failed ? "bad" : "", "data-step": `${s.hoster || ""}/${s.step}` },
      el("td", {}, s.site), el("td", {}, s.hoster || ""), el("td", {}, s.step),
      el("td", {}, el("span", { class: `badge ${s.result === "ok" ? "ok" : failed ? "bad" : ""}` }, s.result)),
      el("td", {}, s.result === "skipped" ? "" : `${Math.round(s.duration_ms)} ms`), el("td", {}, text));
  });
  const table = $("providers-table");
  table.tBodies[0].replaceChildren(...rows);
  table.hidden = rows.length === 0;
  const failed = (d.steps || []).filter((s) => s.result === "failed");
  const v = $("providers-verdict");
  v.textContent = d.ok ? "Every step passed." : `${failed.length} step(s) failed: ` +
    failed.map((s) => `${s.hoster ? s.hoster + " " : ""}${s.step}`).join(", ");
  v.className = d.ok ? "ok" : "bad";
  showHosters(d.summary);
}

// browserCard shows the built-in Chromium: its state, and per host the
// challenge solves and embed captures with the last one's outcome.
function browserCard(d) {
  const dl = el("dl", { class: "kv" });
  kvList(dl, {
    status: d.status, state: d.message, enabled: d.enabled,
    tabs: `${d.open_tabs}/${d.max_tabs}`, starts: d.starts,
    headed_fallback: d.headed_possible ? "Xvfb available" : "Xvfb not installed",
    solves_per_host_hour: d.max_solves_per_host_hour,
  });
  const hosts = d.hosts || [];
  const last = (r) => (r && r.at ? `${fmtTime(r.at)}, ${(r.duration_ms / 1000).toFixed(1)} s, ${r.ok ? "ok" : r.error}` : "—");
  const table = hosts.length === 0 ? el("p", { id: "browser-hosts" }, "No solves or captures yet.") :
    el("div", { class: "table-wrap" }, el("table", { id: "browser-hosts" },
      el("thead", {}, el("tr", {}, ["Host", "Work", "OK", "Failed", "Last hour", "Last"].map((c) => el("th", { scope: "col" }, c)))),
      el("tbody", {}, hosts.map((x) => el("tr", {},
        el("td", {}, x.host), el("td", {}, x.kind), el("td", {}, String(x.ok)), el("td", {}, String(x.failed)),
        el("td", {}, String(x.last_hour)), el("td", {}, last(x.last)))))));
  return el("div", { class: "card", id: "h-browser" }, el("h3", {}, "browser"), dl, table);
}

async function loadFiles() {
  let files;
  try {
    files = await api.get("/api/logging/files");
  } catch (err) {
    if (err.status !== 401) toast(describe(err), "error");
    return;
  }
  if (!Array.isArray(files)) files = (files && files.files) || [];
  const sel = $("log-file");
  const cur = sel.value;
  sel.replaceChildren(...files.map((f) => el("option", { value: f.name }, `${f.name} (${fmtBytes(f.size)}${f.active ? ", current" : ""})`)));
  if (files.length === 0) {
    sel.append(el("option", { value: "" }, "No log files (file logging is off)"));
    $("log-tail").textContent = "";
    return;
  }
  if (cur && files.some((f) => f.name === cur)) sel.value = cur;
  await tail();
}

async function tail() {
  const name = $("log-file").value;
  if (!name) return;
  try {
    const data = await api.get(`/api/logging/files/${encodeURIComponent(name)}/tail?lines=${$("log-lines").value}`);
    const pre = $("log-tail");
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    let text = data;
    if (data && typeof data === "object") text = Array.isArray(data.lines) ? data.lines.join("\n") : data.content || JSON.stringify(data, null, 2);
    pre.textContent = text || "";
    if (atBottom) pre.scrollTop = pre.scrollHeight;
  } catch (err) {
    if (err.status !== 401) $("log-tail").textContent = describe(err);
  }
}

async function download() {
  const name = $("log-file").value;
  if (!name) return;
  await busy($("log-download"), async () => {
    const res = await request("GET", `/api/logging/files/${encodeURIComponent(name)}/download`, undefined, { raw: true });
    const url = URL.createObjectURL(res.data);
    const a = el("a", { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    return `Downloading ${name}`;
  });
}

async function main() {
  await guard();
  $("health-refresh").addEventListener("click", () => busy($("health-refresh"), health));
  $("diag-system").addEventListener("click", async () => {
    const d = await busy($("diag-system"), () => api.get("/api/diagnostics/system"), "System information loaded");
    if (d) kvList($("diag-out"), d);
  });
  $("diag-network").addEventListener("click", async () => {
    const d = await busy($("diag-network"), () => api.get("/api/diagnostics/network"), "Network test finished");
    if (!d) return;
    const flat = { internet_connected: d.internet_connected, dns_working: d.dns_working };
    for (const t of d.tests || []) {
      flat[t.url || t.host] = t.reachable ? `reachable in ${Number(t.response_time_ms).toFixed(0)} ms` : `unreachable: ${t.error || ""}`;
    }
    kvList($("diag-out"), flat);
  });
  $("providers-check").addEventListener("click", checkProviders);
  $("log-file").addEventListener("change", tail);
  $("log-lines").addEventListener("change", tail);
  $("log-refresh").addEventListener("click", () => busy($("log-refresh"), loadFiles));
  $("log-download").addEventListener("click", download);
  $("log-test").addEventListener("click", async () => {
    if (await busy($("log-test"), () => api.post("/api/logging/test", {}))) tail();
  });
  $("log-cleanup").addEventListener("click", async () => {
    const days = Math.max(1, parseInt($("log-age").value, 10) || 30);
    if (!confirm(`Delete log files last written more than ${days} days ago?`)) return;
    const res = await busy($("log-cleanup"), async () => {
      const r = await api.post(`/api/logging/cleanup?max_age_days=${days}`, {});
      return `Deleted ${r.files_deleted} file(s), freed ${fmtBytes(r.space_freed)}` + (r.errors && r.errors.length ? ` (${r.errors.length} errors)` : "");
    });
    if (res) loadFiles();
  });
  $("log-auto").addEventListener("change", () => {
    clearInterval(autoTimer);
    if ($("log-auto").checked) autoTimer = setInterval(tail, 3000);
  });
  await Promise.all([health(), loadFiles(), hosterStats()]);
  document.body.dataset.rendered = "1";
}

main().catch((err) => toast(describe(err), "error"));
