// login.js: POST /api/auth/login with {password, remember}; keeps the
// token in localStorage; shows lockout/rate limits (429 + Retry-After)
// with a countdown to when the next try is allowed.
import { api, setToken, getToken, clearToken, safeNext } from "./api.js";
import { $ } from "./ui.js";

const params = new URLSearchParams(location.search);
let lockTimer = 0;

function say(text, kind) {
  const m = $("login-msg");
  m.textContent = text;
  m.className = "form-msg " + kind;
  m.hidden = !text;
}

function lockFor(seconds, serverMessage) {
  const btn = $("login-submit");
  // The server's message names its own (static) wait; keep its reason and
  // show a live countdown instead.
  let message = (serverMessage || "Too many attempts").replace(/[;,.]?\s*(please\s+)?try again.*$/i, "");
  if (!/[.!]$/.test(message)) message += ".";
  const until = new Date(Date.now() + seconds * 1000);
  clearInterval(lockTimer);
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left <= 0) {
      clearInterval(lockTimer);
      btn.disabled = false;
      say("You can try again now.", "ok");
      return;
    }
    btn.disabled = true;
    say(`${message} Try again in ${left} s (at ${until.toLocaleTimeString()}).`, "error");
  };
  tick();
  lockTimer = setInterval(tick, 1000);
}

async function main() {
  const st = await api.get("/api/auth/status", { noRedirect: true });
  if (!st.configured) {
    location.replace("/setup");
    return;
  }
  if (st.authenticated && getToken()) {
    location.replace(safeNext(params.get("next")));
    return;
  }
  clearToken();
  const note = $("login-note");
  if (params.has("setup")) { note.textContent = "Setup is complete. Log in with your new master password."; note.hidden = false; }
  if (params.has("logged_out")) { note.textContent = "You are logged out."; note.hidden = false; }
  $("main").hidden = false;
  $("password").focus();
  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const btn = $("login-submit");
    const password = $("password").value;
    if (!password) {
      say("Enter the master password.", "error");
      return;
    }
    btn.disabled = true;
    btn.setAttribute("aria-busy", "true");
    say("", "");
    try {
      const res = await api.post("/api/auth/login", { password, remember: $("remember").checked });
      setToken(res.access_token || res.token, res.expires_at);
      location.replace(safeNext(params.get("next")));
      return;
    } catch (err) {
      btn.removeAttribute("aria-busy");
      btn.disabled = false;
      if (err.status === 429) {
        const secs = err.retryAfter || Number(err.details.retry_after) || 60;
        lockFor(secs, err.message || "Too many attempts.");
      } else if (err.status === 401) {
        say(err.message || "Wrong password.", "error");
        $("password").select();
      } else {
        say(err.message, "error");
      }
    }
  });
}

main().catch((err) => say(err.message, "error"));
