// queue.js: the download queue. The state comes from GET
// /api/queue/status once and again after each queue event; progress,
// speed, time left, hoster and language come only from WebSocket
// download_progress messages (no polling). Pending items reorder by drag
// and drop or with ↑/↓ buttons (POST /api/queue/reorder). While anything
// downloads, the total speed is in the page title.
import { api } from "./api.js";
import { $, el, guard, busy, toast, describe, fmtDuration } from "./ui.js";
import { t, useLang } from "./i18n.js";
import { connect } from "./live.js";
import shared from "./lang_downloads.js";
import dict from "./lang_queue.js";
import { epTitle, langName, mbps, num, tries, when } from "./downloads.js";

let pending = []; // ids in display order
let refreshTimer = 0;
let refreshing = null;
// live: per running download {speed (MB/s), left (MB still to fetch),
// total (MB)}; serverPendingMB: what the waiting items will add, derived
// from the server's estimate at the last refresh (0 before anything
// completed: see waitingMB()); waitingCount: how many wait.
const live = new Map();
let serverPendingMB = 0;
let waitingCount = 0;

function title(it) {
  return `${it.serie_name || it.serie_id} · ${epTitle(it.episode)}`;
}

/** source is "VOE · German Dub" once a stream was chosen. */
function source(hoster, language) {
  const l = langName(language);
  if (hoster && l) return t("queue.hosterLang", { hoster, lang: l });
  return hoster || l || "";
}

function progressBox(it) {
  const p = it.progress || {};
  const pct = Number(p.percent) || 0;
  const bar = el("progress", { max: "100", value: String(pct), "aria-label": t("queue.progressOf", { what: title(it) }), dataset: { id: it.id } });
  return el("div", { class: "progress" }, bar,
    el("span", { class: "pct" }, num(pct, 1) + " %"),
    el("span", { class: "speed muted" }, p.speed_mbps ? mbps(p.speed_mbps) : ""),
    el("span", { class: "eta muted", title: t("queue.etaTitle") }, p.eta_seconds ? t("queue.eta", { t: fmtDuration(p.eta_seconds) }) : ""));
}

function removeBtn(it) {
  const b = el("button", { type: "button", class: "btn small danger", "aria-label": t("queue.removeLabel", { what: title(it) }) }, t("queue.remove"));
  b.addEventListener("click", async () => {
    if (await busy(b, () => api.del(`/api/queue/${encodeURIComponent(it.id)}`).then(() => t("queue.removed")))) refresh();
  });
  return b;
}

function prioKey(it) {
  const p = String(it.priority || "NORMAL").toUpperCase();
  return ["HIGH", "NORMAL", "LOW"].includes(p) ? p : "NORMAL";
}

function prioBadge(it) {
  return el("span", { class: "chip", title: t("queue.prioTitle") }, t("queue.prioBadge." + prioKey(it)));
}

function srcChip(it) {
  const s = source(it.hoster, it.language);
  return el("span", { class: "chip src" + (s ? "" : " pending-src") }, s || t("queue.step.resolving"));
}

function renderActive(items) {
  $("active").replaceChildren(...items.map((it) => el("li", { dataset: { id: it.id } },
    el("span", { class: "title" }, title(it)), srcChip(it), prioBadge(it), removeBtn(it), progressBox(it))));
  $("active-empty").hidden = items.length > 0;
}

async function reorder(ids) {
  const before = pending;
  pending = ids;
  renderPendingOrder();
  const ok = await busy(null, () => api.post("/api/queue/reorder", { item_ids: ids }));
  if (!ok) {
    pending = before;
    renderPendingOrder();
  }
}

function move(id, delta) {
  const i = pending.indexOf(id);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= pending.length) return;
  const ids = pending.slice();
  [ids[i], ids[j]] = [ids[j], ids[i]];
  reorder(ids).then(() => {
    const b = document.querySelector(`#pending li[data-id="${CSS.escape(id)}"] .${delta < 0 ? "up" : "down"}`);
    if (b && !b.disabled) b.focus();
  });
}

// prioSelect changes a pending item's priority
// (POST /api/queue/{id}/priority); the queue then re-sorts.
function prioSelect(it) {
  const cur = prioKey(it);
  const sel = el("select", { class: "prio", "aria-label": t("queue.prio", { what: title(it) }) },
    ...["HIGH", "NORMAL", "LOW"].map((p) => el("option", { value: p }, t("queue.prio." + p))));
  sel.value = cur;
  sel.addEventListener("change", async () => {
    const want = sel.value;
    const ok = await busy(null, () => api.post(`/api/queue/${encodeURIComponent(it.id)}/priority`, { priority: want })
      .then(() => t("queue.prioSet", { p: t("queue.prio." + want) })));
    if (ok) refresh();
    else sel.value = cur;
  });
  return sel;
}

/** waitText says why a pending item waits. */
function waitText(it, i) {
  const p = it.progress || {};
  if (it.retry_count > 0) return t("queue.wait.retry", { n: it.retry_count });
  if (p.percent > 0) return t("queue.wait.resume", { pct: num(p.percent, 0) + " %" });
  return i === 0 ? t("queue.wait.next") : t("queue.wait.queued");
}

let dragId = "";

function renderPending(items) {
  pending = items.map((it) => it.id);
  $("pending").replaceChildren(...items.map((it, i) => {
    const up = el("button", { type: "button", class: "btn small up", "aria-label": t("queue.up", { what: title(it) }) }, "↑");
    const down = el("button", { type: "button", class: "btn small down", "aria-label": t("queue.down", { what: title(it) }) }, "↓");
    up.addEventListener("click", () => move(it.id, -1));
    down.addEventListener("click", () => move(it.id, +1));
    const src = source(it.hoster, it.language);
    const li = el("li", { draggable: "true", dataset: { id: it.id } },
      el("span", { class: "pos muted" }, `${i + 1}.`), el("span", { class: "title" }, title(it)),
      el("span", { class: "qstate muted" }, waitText(it, i)), el("span", { class: "qeta muted" }),
      src ? el("span", { class: "chip src" }, src) : null,
      prioSelect(it), up, down, removeBtn(it),
      it.retry_count > 0 && it.error ? el("span", { class: "err" }, it.error) : null);
    li.addEventListener("dragstart", (ev) => {
      dragId = it.id;
      li.classList.add("dragging");
      ev.dataTransfer.effectAllowed = "move";
      ev.dataTransfer.setData("text/plain", it.id);
    });
    li.addEventListener("dragend", () => li.classList.remove("dragging"));
    li.addEventListener("dragover", (ev) => { ev.preventDefault(); li.classList.add("drop-target"); });
    li.addEventListener("dragleave", () => li.classList.remove("drop-target"));
    li.addEventListener("drop", (ev) => {
      ev.preventDefault();
      li.classList.remove("drop-target");
      const from = dragId || ev.dataTransfer.getData("text/plain");
      if (!from || from === it.id) return;
      const ids = pending.filter((x) => x !== from);
      ids.splice(ids.indexOf(it.id), 0, from);
      reorder(ids);
    });
    return li;
  }));
  renderPendingOrder();
  $("pending-empty").hidden = items.length > 0;
  $("clear-pending").disabled = items.length === 0;
}

/** renderPendingOrder reorders existing <li>s to match `pending`. */
function renderPendingOrder() {
  const list = $("pending");
  const byId = {};
  for (const li of list.children) byId[li.dataset.id] = li;
  pending.forEach((id, i) => {
    const li = byId[id];
    if (!li) return;
    list.append(li);
    li.querySelector(".pos").textContent = `${i + 1}.`;
    li.querySelector(".up").disabled = i === 0;
    li.querySelector(".down").disabled = i === pending.length - 1;
  });
}

function renderFailed(items) {
  $("failed").replaceChildren(...items.map((it) => {
    const retry = el("button", { type: "button", class: "btn small", "aria-label": t("queue.retryLabel", { what: title(it) }) }, t("queue.retry"));
    retry.addEventListener("click", async () => {
      if (await busy(retry, () => api.post("/api/queue/retry", { item_ids: [it.id] })
        .then((r) => t("queue.done.retry", { n: r.retried_count ?? "" })))) refresh();
    });
    const src = source(it.hoster, it.language);
    return el("li", { dataset: { id: it.id } }, el("span", { class: "title" }, title(it)),
      el("span", { class: "qstate muted" }, t("queue.failedAfter", { tries: tries(it.retry_count || 1) })),
      src ? el("span", { class: "chip src" }, src) : null, retry, removeBtn(it),
      it.error ? el("span", { class: "err" }, it.error) : null);
  }));
  $("failed-empty").hidden = items.length > 0;
  $("retry-all").disabled = items.length === 0;
  $("clear-failed").disabled = items.length === 0;
}

function renderCompleted(items) {
  $("completed").replaceChildren(...items.map((it) => {
    const src = source(it.hoster, it.language);
    return el("li", { dataset: { id: it.id } },
      el("span", { class: "title" }, title(it)), src ? el("span", { class: "chip src" }, src) : null,
      el("span", { class: "qstate muted" }, t("queue.doneAt", { when: when(it.completed_at) })));
  }));
  $("completed-empty").hidden = items.length > 0;
  $("clear-completed").disabled = items.length === 0;
}

function renderState(st, stats) {
  const s = $("q-state");
  const state = st.is_paused ? "paused" : st.is_running ? "running" : "stopped";
  s.textContent = t("queue.state." + state);
  s.className = "badge " + (state === "running" ? "ok" : "");
  s.dataset.state = state;
  $("q-state-hint").textContent = t("queue.hint." + state);
  $("q-start").disabled = st.is_running && !st.is_paused;
  $("q-pause").disabled = !st.is_running || st.is_paused;
  $("q-resume").disabled = !st.is_paused;
  $("q-stop").disabled = !st.is_running;
  if (stats) {
    $("q-stats").textContent = t("queue.stats", { pending: stats.pending_count ?? 0, active: stats.active_count ?? 0,
      completed: stats.completed_count ?? 0, failed: stats.failed_count ?? 0 });
  }
}

/** track records a running download's speed and what it still needs. */
function track(id, p) {
  const total = Number(p.total_mb) || 0, done = Number(p.downloaded_mb) || 0;
  live.set(id, { speed: Number(p.speed_mbps) || 0, left: Math.max(total - done, 0), total });
}

/**
 * totals shows the whole queue's time left and puts the total speed in
 * the page title. It follows the server's estimate (running downloads'
 * remaining bytes plus the waiting items' expected size, at the combined
 * speed): the waiting part is taken from the last refresh, the running
 * part from each progress message.
 */
function totals() {
  const { speed, left } = liveSums();
  pendingEtas(speed, left);
  const base = `${t("queue.h1")} · aniworld`;
  const out = $("q-left");
  if (live.size === 0) {
    out.textContent = "";
    out.hidden = true;
    document.title = base;
    return;
  }
  out.hidden = false;
  out.textContent = speed > 0 ? t("queue.left", { t: fmtDuration((left + waitingMB()) / speed) }) + " · " + t("queue.speedNow", { speed: mbps(speed) })
    : t("queue.leftUnknown");
  document.title = speed > 0 ? `↓ ${mbps(speed)} · ${base}` : base;
}

/** liveSums adds up the running downloads' speeds and what they still fetch (MB). */
function liveSums() {
  let speed = 0, left = 0;
  for (const v of live.values()) {
    speed += v.speed;
    left += v.left;
  }
  return { speed, left };
}

/**
 * waitingMB is what the waiting items will add: the server's figure (from
 * the completed downloads' mean size); before anything completed, the
 * running downloads' mean size as each progress message tells it.
 */
function waitingMB() {
  if (serverPendingMB > 0 || waitingCount === 0) return serverPendingMB;
  const sizes = [...live.values()].map((v) => v.total).filter((x) => x > 0);
  return sizes.length ? waitingCount * sizes.reduce((a, b) => a + b, 0) / sizes.length : 0;
}

/**
 * pendingEtas estimates when each waiting item will be done, with the
 * model of the whole queue's time left: the running downloads' rest, then
 * the waiting items in run order at their expected size, at the combined
 * speed. Nothing is shown while no speed or size is known.
 */
function pendingEtas(speed, left) {
  const each = waitingCount > 0 ? waitingMB() / waitingCount : 0;
  document.querySelectorAll("#pending li").forEach((li, i) => {
    const out = li.querySelector(".qeta");
    if (out) out.textContent = speed > 0 && each > 0 ? t("queue.doneIn", { t: fmtDuration((left + (i + 1) * each) / speed) }) : "";
  });
}

function syncTotals(active, stats) {
  live.clear();
  for (const it of active) track(it.id, it.progress || {});
  const { speed, left } = liveSums();
  const est = Number(stats && stats.estimated_time_remaining) || 0;
  waitingCount = Number(stats && stats.pending_count) || 0;
  // The server's estimate less the running part; it sizes the waiting
  // items by the completed ones, so without any it has no figure for them.
  const sized = (Number(stats && stats.completed_count) || 0) > 0;
  serverPendingMB = sized ? Math.max(est * speed - left, 0) : 0;
  totals();
}

/** refresh reloads the whole queue state; calls overlapping one run once more. */
function refresh() {
  if (refreshing) {
    refreshing.again = true;
    return refreshing.p;
  }
  const run = { again: false };
  run.p = (async () => {
    try {
      do {
        run.again = false;
        const res = await api.get("/api/queue/status");
        const st = res.status || {};
        const focus = focusKey();
        renderState(st, res.statistics);
        renderActive(st.active_downloads || []);
        renderPending(st.pending_queue || []);
        renderFailed(st.failed_downloads || []);
        renderCompleted(st.completed_downloads || []);
        syncTotals(st.active_downloads || [], res.statistics);
        restoreFocus(focus);
        document.body.dataset.rendered = "1";
      } while (run.again);
    } catch (err) {
      if (err.status !== 401) toast(describe(err), "error");
    } finally {
      refreshing = null;
    }
  })();
  refreshing = run;
  return run.p;
}

/** focusKey remembers which item button has the focus across a re-render. */
function focusKey() {
  const a = document.activeElement;
  const li = a && a.closest ? a.closest("li[data-id]") : null;
  if (!li || !a.classList || a.tagName !== "BUTTON") return null;
  return { list: li.parentElement.id, id: li.dataset.id, cls: [...a.classList].find((c) => c !== "btn" && c !== "small") || "", text: a.textContent };
}

function restoreFocus(k) {
  if (!k) return;
  const li = document.querySelector(`#${k.list} li[data-id="${CSS.escape(k.id)}"]`);
  if (!li) return;
  const b = [...li.querySelectorAll("button")].find((x) => (k.cls && x.classList.contains(k.cls)) || x.textContent === k.text);
  if (b && !b.disabled) b.focus();
}

function soon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 100);
}

function onProgress(d) {
  const bar = document.querySelector(`#active progress[data-id="${CSS.escape(d.download_id || "")}"]`);
  if (!bar) {
    soon();
    return;
  }
  const pct = Number(d.percent) || 0;
  bar.value = pct;
  const box = bar.parentElement;
  box.querySelector(".pct").textContent = num(pct, 1) + " %";
  box.querySelector(".speed").textContent = d.speed_mbps ? mbps(d.speed_mbps) : "";
  box.querySelector(".eta").textContent = d.eta_seconds ? t("queue.eta", { t: fmtDuration(d.eta_seconds) }) : "";
  const src = source(d.hoster, d.language);
  const chip = box.parentElement.querySelector(".src");
  if (chip && src) {
    chip.textContent = src;
    chip.classList.remove("pending-src");
  }
  track(d.download_id, d);
  totals();
}

function action(id, path, method = "post", question = "") {
  $(id).addEventListener("click", async () => {
    if (question && !confirm(t(question))) return;
    const call = () => api[method](path, method === "post" ? {} : undefined)
      .then((r) => t("queue.done." + id, { n: r && r.count !== undefined ? r.count : "" }));
    if (await busy($(id), call)) refresh();
  });
}

function what(d) {
  return `${d.serie_name || d.key || ""} ${d.episode || ""}`.trim();
}

async function main() {
  await useLang(shared);
  await useLang(dict);
  await guard();
  action("q-start", "/api/queue/start");
  action("q-pause", "/api/queue/pause");
  action("q-resume", "/api/queue/resume");
  action("q-stop", "/api/queue/stop");
  action("clear-pending", "/api/queue/pending", "del", "queue.clearPendingConfirm");
  action("clear-failed", "/api/queue/failed", "del", "queue.clearFailedConfirm");
  action("clear-completed", "/api/queue/completed", "del");
  $("retry-all").addEventListener("click", async () => {
    if (await busy($("retry-all"), () => api.post("/api/queue/retry", { item_ids: [] })
      .then((r) => t("queue.done.retry", { n: r.retried_count ?? "" })))) refresh();
  });
  await refresh();
  connect(["downloads"], {
    // resync after every (re)connection
    open: () => refresh().then(() => { document.body.dataset.synced = "1"; }),
    download_progress: onProgress,
    "*": (d, msg) => {
      if (msg.type !== "download_progress" && (msg.type.startsWith("download_") || msg.type.startsWith("queue_"))) soon();
    },
    download_complete: (d) => {
      // Engine warnings (e.g. ffmpeg missing, kept as .ts) stay on screen longer.
      if (d.warnings && d.warnings.length) toast(t("queue.downloadedWarn", { what: what(d), warn: d.warnings.join("; ") }), "error");
      else toast(t("queue.downloaded", { what: what(d) }));
    },
    download_failed: (d) => toast(t("queue.dlFailed", { what: what(d) }) + (d.error ? " — " + d.error : ""), "error"),
  });
}

main().catch((err) => toast(describe(err), "error"));
