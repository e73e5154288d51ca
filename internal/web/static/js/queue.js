// queue.js: the download queue. The state comes from GET
// /api/queue/status once and again after each queue event; progress,
// speed and ETA come only from WebSocket download_progress messages (no
// polling). Pending items reorder by drag and drop or with ↑/↓ buttons
// (POST /api/queue/reorder).
import { api } from "./api.js";
import { $, el, guard, busy, toast, describe, epLabel, fmtDuration, fmtTime } from "./ui.js";
import { connect } from "./live.js";

let pending = []; // ids in display order
let refreshTimer = 0;
let refreshing = null;

function title(it) {
  const ep = it.episode || {};
  return `${it.serie_name || it.serie_id} · ${epLabel(ep.season, ep.episode)}${ep.title ? " — " + ep.title : ""}`;
}

function progressBox(it) {
  const p = it.progress || {};
  const pct = Number(p.percent) || 0;
  const bar = el("progress", { max: "100", value: String(pct), "aria-label": `Progress of ${title(it)}`, dataset: { id: it.id } });
  return el("div", { class: "progress" }, bar,
    el("span", { class: "pct" }, pct.toFixed(1) + " %"),
    el("span", { class: "speed muted" }, p.speed_mbps ? `${p.speed_mbps.toFixed(2)} MB/s` : ""),
    el("span", { class: "eta muted" }, p.eta_seconds ? "ETA " + fmtDuration(p.eta_seconds) : ""));
}

function removeBtn(it) {
  const b = el("button", { type: "button", class: "btn small danger", "aria-label": `Remove ${title(it)}` }, "Remove");
  b.addEventListener("click", async () => {
    if (await busy(b, () => api.del(`/api/queue/${encodeURIComponent(it.id)}`).then(() => "Removed from the queue"))) refresh();
  });
  return b;
}

function prioBadge(it) {
  const p = String(it.priority || "NORMAL").toUpperCase();
  return el("span", { class: "chip", title: "Priority" }, p === "HIGH" ? "↑ high" : p === "LOW" ? "↓ low" : "normal");
}

function renderActive(items) {
  $("active").replaceChildren(...items.map((it) => el("li", { dataset: { id: it.id } },
    el("span", { class: "title" }, title(it)), prioBadge(it), removeBtn(it), progressBox(it))));
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
  const cur = String(it.priority || "NORMAL").toUpperCase();
  const sel = el("select", { class: "prio", "aria-label": `Priority of ${title(it)}` },
    ...["HIGH", "NORMAL", "LOW"].map((p) => el("option", { value: p }, p.charAt(0) + p.slice(1).toLowerCase())));
  sel.value = cur;
  sel.addEventListener("change", async () => {
    const want = sel.value;
    const ok = await busy(null, () => api.post(`/api/queue/${encodeURIComponent(it.id)}/priority`, { priority: want })
      .then(() => `Priority set to ${want.toLowerCase()}`));
    if (ok) refresh();
    else sel.value = cur;
  });
  return sel;
}

let dragId = "";

function renderPending(items) {
  pending = items.map((it) => it.id);
  $("pending").replaceChildren(...items.map((it, i) => {
    const up = el("button", { type: "button", class: "btn small up", "aria-label": `Move ${title(it)} up` }, "↑");
    const down = el("button", { type: "button", class: "btn small down", "aria-label": `Move ${title(it)} down` }, "↓");
    up.addEventListener("click", () => move(it.id, -1));
    down.addEventListener("click", () => move(it.id, +1));
    const li = el("li", { draggable: "true", dataset: { id: it.id } },
      el("span", { class: "pos muted" }, `${i + 1}.`), el("span", { class: "title" }, title(it)),
      prioSelect(it), up, down, removeBtn(it));
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
    const retry = el("button", { type: "button", class: "btn small", "aria-label": `Retry ${title(it)}` }, "Retry");
    retry.addEventListener("click", async () => {
      if (await busy(retry, () => api.post("/api/queue/retry", { item_ids: [it.id] }))) refresh();
    });
    return el("li", { dataset: { id: it.id } }, el("span", { class: "title" }, title(it)),
      el("span", { class: "muted" }, `${it.retry_count || 0} retries`), retry, removeBtn(it),
      it.error ? el("span", { class: "err" }, it.error) : null);
  }));
  $("failed-empty").hidden = items.length > 0;
  $("retry-all").disabled = items.length === 0;
  $("clear-failed").disabled = items.length === 0;
}

function renderCompleted(items) {
  $("completed").replaceChildren(...items.map((it) => el("li", { dataset: { id: it.id } },
    el("span", { class: "title" }, title(it)), el("span", { class: "muted" }, fmtTime(it.completed_at)))));
  $("completed-empty").hidden = items.length > 0;
  $("clear-completed").disabled = items.length === 0;
}

function renderState(st, stats) {
  const s = $("q-state");
  s.textContent = st.is_paused ? "Paused" : st.is_running ? "Running" : "Stopped";
  s.className = "badge " + (st.is_running && !st.is_paused ? "ok" : "");
  $("q-start").disabled = st.is_running && !st.is_paused;
  $("q-pause").disabled = !st.is_running || st.is_paused;
  $("q-resume").disabled = !st.is_paused;
  $("q-stop").disabled = !st.is_running;
  if (stats) {
    const parts = [`${stats.pending_count ?? 0} pending`, `${stats.active_count ?? 0} active`,
      `${stats.completed_count ?? 0} completed`, `${stats.failed_count ?? 0} failed`];
    if (stats.average_speed_mbps) parts.push(`${Number(stats.average_speed_mbps).toFixed(2)} MB/s average`);
    if (stats.estimated_time_remaining) parts.push(`about ${fmtDuration(stats.estimated_time_remaining)} left`);
    $("q-stats").textContent = parts.join(" · ");
  }
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
  box.querySelector(".pct").textContent = pct.toFixed(1) + " %";
  box.querySelector(".speed").textContent = d.speed_mbps ? `${Number(d.speed_mbps).toFixed(2)} MB/s` : "";
  box.querySelector(".eta").textContent = d.eta_seconds ? "ETA " + fmtDuration(d.eta_seconds) : "";
}

function action(id, path, method = "post", question = "") {
  $(id).addEventListener("click", async () => {
    if (question && !confirm(question)) return;
    if (await busy($(id), () => api[method](path, method === "post" ? {} : undefined))) refresh();
  });
}

async function main() {
  await guard();
  action("q-start", "/api/queue/start");
  action("q-pause", "/api/queue/pause");
  action("q-resume", "/api/queue/resume");
  action("q-stop", "/api/queue/stop");
  action("clear-pending", "/api/queue/pending", "del", "Remove every pending download from the queue?");
  action("clear-failed", "/api/queue/failed", "del", "Forget every failed download?");
  action("clear-completed", "/api/queue/completed", "del");
  $("retry-all").addEventListener("click", async () => {
    if (await busy($("retry-all"), () => api.post("/api/queue/retry", { item_ids: [] }))) refresh();
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
      const what = `${d.serie_name || d.key || ""} ${d.episode || ""}`.trim();
      // Engine warnings (e.g. ffmpeg missing, kept as .ts) stay on screen longer.
      if (d.warnings && d.warnings.length) toast(`Downloaded ${what}, with a warning: ${d.warnings.join("; ")}`, "error");
      else toast(`Downloaded ${what}`);
    },
    download_failed: (d) => toast(`Download failed: ${d.serie_name || d.key || ""} ${d.episode || ""}${d.error ? " — " + d.error : ""}`, "error"),
  });
}

main().catch((err) => toast(describe(err), "error"));
