// settings.js: edits GET/PUT /api/config one section at a time. Each form
// field is named by its JSON path ("scheduler.interval_minutes"), which is
// also how the server names fields in 422 details.errors[].field. Backups:
// list, create, restore, delete.
import { api, request } from "./api.js";
import { wireNamingPreview } from "./naming.js";
import { $, el, guard, busy, toast, describe, showFieldErrors, clearFieldErrors, fmtBytes, fmtTime } from "./ui.js";

let config = {};

function getPath(obj, path) {
  return path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function setPath(obj, path, v) {
  const keys = path.split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ||= {};
  o[keys[keys.length - 1]] = v;
}

function fill(form) {
  for (const input of form.querySelectorAll("[name]")) {
    const v = getPath(config, input.name);
    if (input.type === "checkbox") input.checked = !!v;
    else if (input.dataset.secret) {
      input.value = "";
      input.placeholder = v ? "A key is set (hidden)" : "No key set";
    } else input.value = v == null ? "" : String(v);
  }
  for (const ol of form.querySelectorAll("ol[data-list]")) fillOrder(ol, getPath(config, ol.dataset.list) || []);
}

/** fillOrder renders an ordered, toggleable list (languages, hosters). */
function fillOrder(ol, chosen) {
  const known = (ol.dataset.known || "").split(",").filter(Boolean);
  const all = [...chosen, ...known.filter((k) => !chosen.includes(k))];
  ol.replaceChildren(...all.map((name) => {
    const id = `o-${ol.dataset.list}-${name}`.replace(/\W/g, "-");
    const up = el("button", { type: "button", class: "btn small", "aria-label": `Move ${name} up` }, "↑");
    const down = el("button", { type: "button", class: "btn small", "aria-label": `Move ${name} down` }, "↓");
    const li = el("li", { dataset: { value: name } },
      el("input", { type: "checkbox", id, checked: chosen.includes(name) }),
      el("label", { for: id }, name), el("span"), up, down);
    up.addEventListener("click", () => { if (li.previousElementSibling) li.previousElementSibling.before(li); up.focus(); });
    down.addEventListener("click", () => { if (li.nextElementSibling) li.nextElementSibling.after(li); down.focus(); });
    return li;
  }));
}

function collect(form) {
  const patch = {};
  for (const input of form.querySelectorAll("[name]")) {
    const t = input.dataset.type;
    let v;
    if (input.type === "checkbox") v = input.checked;
    else if (input.dataset.secret) {
      if (!input.value) continue; // keep the stored key
      v = input.value;
    } else if (t === "int") v = input.value === "" ? null : Number(input.value);
    else if (t === "nullable-int") v = input.value === "" ? null : Number(input.value);
    else if (t === "nullable") v = input.value.trim() === "" ? null : input.value.trim();
    else v = input.value.trim();
    setPath(patch, input.name, v);
  }
  for (const ol of form.querySelectorAll("ol[data-list]")) {
    const chosen = [...ol.children].filter((li) => li.querySelector("input").checked).map((li) => li.dataset.value);
    setPath(patch, ol.dataset.list, chosen);
  }
  return patch;
}

function wireForm(form) {
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    const btn = form.querySelector("button[type=submit]");
    btn.disabled = true;
    btn.setAttribute("aria-busy", "true");
    try {
      const res = await request("PUT", "/api/config", collect(form));
      config = res.data;
      fill(form);
      const restart = res.headers.get("X-Restart-Required");
      const title = form.querySelector("h2")?.textContent || "Settings";
      toast(restart ? `${title} saved. Restart aniworld to apply: ${restart.split(",").join(", ")}` : `${title} saved`);
      form.dataset.saved = String(Date.now());
    } catch (err) {
      if (err.status === 401) return;
      const n = showFieldErrors(form, err);
      toast(n ? `${describe(err)} — see the highlighted fields` : describe(err), "error");
    } finally {
      btn.disabled = false;
      btn.removeAttribute("aria-busy");
    }
  });
}

async function loadBackups() {
  let list;
  try {
    list = await api.get("/api/config/backups");
  } catch (err) {
    if (err.status !== 401) toast(describe(err), "error");
    return;
  }
  if (!Array.isArray(list)) list = (list && list.data) || [];
  $("backups-empty").hidden = list.length > 0;
  $("backups").replaceChildren(...list.map((b) => {
    const name = b.name;
    const restore = el("button", { type: "button", class: "btn small", "aria-label": `Restore ${name}` }, "Restore");
    const del = el("button", { type: "button", class: "btn small danger", "aria-label": `Delete ${name}` }, "Delete");
    restore.addEventListener("click", async () => {
      if (!confirm(`Restore the configuration from ${name}? The current settings are backed up first.`)) return;
      const res = await busy(restore, () => api.post(`/api/config/backups/${encodeURIComponent(name)}/restore`, {}),
        "Configuration restored");
      if (res) { config = res.data || res; fillAll(); loadBackups(); }
    });
    del.addEventListener("click", async () => {
      if (!confirm(`Delete the backup ${name}?`)) return;
      if (await busy(del, () => api.del(`/api/config/backups/${encodeURIComponent(name)}`), "Backup deleted")) loadBackups();
    });
    return el("tr", {}, el("td", {}, el("code", {}, name)), el("td", {}, fmtTime(b.created || b.created_at)),
      el("td", {}, fmtBytes(b.size ?? b.size_bytes)), el("td", { class: "row" }, restore, del));
  }));
}

function fillAll() {
  for (const f of document.querySelectorAll("form.cfg")) fill(f);
}

async function main() {
  await guard();
  try {
    config = await api.get("/api/config");
  } catch (err) {
    toast(describe(err), "error");
    return;
  }
  fillAll();
  for (const f of document.querySelectorAll("form.cfg")) wireForm(f);
  wireNamingPreview();
  $("trigger-rescan").addEventListener("click", () =>
    busy($("trigger-rescan"), () => api.post("/api/scheduler/trigger-rescan", {})));
  $("backup-create").addEventListener("click", async () => {
    if (await busy($("backup-create"), () => api.post("/api/config/backups", {}), "Backup created")) loadBackups();
  });
  document.body.dataset.rendered = "1";
  loadBackups();
}

main().catch((err) => toast(describe(err), "error"));
