// live.js: the WebSocket connection (/ws/connect?token=…). It joins the
// given rooms, dispatches {type, timestamp, data} messages to handlers,
// and on a dropped connection shows "offline" in the nav and reconnects
// with exponential backoff (1 s … 30 s, with jitter).
import { getToken } from "./api.js";

/**
 * connect opens the live connection. handlers maps a message type to a
 * function(data, msg); "*" receives every message; "open" is called after
 * each (re)connection once the rooms are joined, so pages can resync.
 * Returns {close()}.
 */
export function connect(rooms, handlers) {
  const badge = document.getElementById("conn");
  let ws = null;
  let attempt = 0;
  let timer = 0;
  let closed = false;
  let countdown = 0;

  const show = (text) => {
    if (!badge) return;
    badge.textContent = text;
    badge.hidden = !text;
  };

  const open = () => {
    if (closed) return;
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${proto}//${location.host}/ws/connect?token=${encodeURIComponent(getToken())}`;
    ws = new WebSocket(url);
    let joined = 0;
    ws.addEventListener("open", () => {
      for (const room of rooms) ws.send(JSON.stringify({ action: "join", data: { room } }));
      if (rooms.length === 0) ready();
    });
    const ready = () => {
      attempt = 0;
      show("");
      document.body.dataset.live = "online";
      if (handlers.open) handlers.open();
    };
    ws.addEventListener("message", (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      const d = msg.data || {};
      if (msg.type === "system_info" && d.action === "joined") {
        joined++;
        if (joined === rooms.length) ready();
        return;
      }
      if (msg.type === "error" && d.code === "AUTHENTICATION_REQUIRED") {
        show("Live updates need a fresh login");
      }
      if (handlers["*"]) handlers["*"](d, msg);
      const h = handlers[msg.type];
      if (h) h(d, msg);
    });
    ws.addEventListener("close", () => {
      ws = null;
      if (closed) return;
      document.body.dataset.live = "offline";
      schedule();
    });
    // "error" is always followed by "close"; nothing to do here.
  };

  const schedule = () => {
    const base = Math.min(30, 2 ** attempt);
    attempt++;
    countdown = Math.max(1, Math.round(base * (0.75 + Math.random() * 0.5)));
    const tick = () => {
      if (closed) return;
      if (countdown <= 0) {
        show("Offline — reconnecting…");
        open();
        return;
      }
      show(`Offline — reconnecting in ${countdown}s`);
      countdown--;
      timer = setTimeout(tick, 1000);
    };
    tick();
  };

  const onHide = () => close();
  window.addEventListener("pagehide", onHide);
  const close = () => {
    closed = true;
    clearTimeout(timer);
    window.removeEventListener("pagehide", onHide);
    if (ws) ws.close(1000, "page closed");
  };
  open();
  return { close };
}
