// setup.js: first run. Shows the password rules live as they are met and
// posts {master_password, anime_directory} to /api/auth/setup.
import { api } from "./api.js";
import { $ } from "./ui.js";

/** rules mirrors the server's policy (internal/auth/policy.go). */
const rules = {
  min_length: (p) => [...p].length >= 8,
  uppercase: (p) => /\p{Lu}/u.test(p),
  lowercase: (p) => /\p{Ll}/u.test(p),
  digit: (p) => /\p{Nd}/u.test(p),
  special: (p) => /[^\p{L}\p{N}\s\p{Cc}]/u.test(p),
};

function check() {
  const p = $("password").value;
  let ok = true;
  for (const li of document.querySelectorAll("#rules li")) {
    const met = rules[li.dataset.rule](p);
    li.classList.toggle("met", met);
    li.setAttribute("aria-label", (met ? "met: " : "not met: ") + li.textContent);
    ok = ok && met;
  }
  return ok;
}

function say(text, kind) {
  const m = $("setup-msg");
  m.textContent = text;
  m.className = "form-msg " + kind;
  m.hidden = !text;
}

async function main() {
  const st = await api.get("/api/auth/status", { noRedirect: true });
  if (st.configured) {
    location.replace("/login");
    return;
  }
  $("main").hidden = false;
  $("password").addEventListener("input", check);
  check();
  $("setup-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const pw = $("password").value;
    const confirmErr = document.querySelector('[data-error-for="confirm"]');
    confirmErr.hidden = true;
    if (!check()) {
      say("The password does not meet every rule yet.", "error");
      $("password").focus();
      return;
    }
    if (pw !== $("confirm").value) {
      confirmErr.textContent = "The passwords do not match.";
      confirmErr.hidden = false;
      $("confirm").setAttribute("aria-invalid", "true");
      $("confirm").focus();
      return;
    }
    $("confirm").removeAttribute("aria-invalid");
    const btn = $("setup-submit");
    btn.disabled = true;
    btn.setAttribute("aria-busy", "true");
    say("", "");
    try {
      const body = { master_password: pw };
      const dir = $("anime_directory").value.trim();
      if (dir) body.anime_directory = dir;
      await api.post("/api/auth/setup", body);
      say("Saved. Taking you to the login…", "ok");
      location.replace("/login?setup=1");
    } catch (err) {
      let msg = err.message;
      const failed = err.details && (err.details.failed_rules || err.details.rules || err.details.errors);
      if (Array.isArray(failed) && failed.length) {
        msg += ": " + failed.map((r) => r.message || r.rule || String(r)).join("; ");
      }
      say(msg, "error");
    } finally {
      btn.disabled = false;
      btn.removeAttribute("aria-busy");
    }
  });
}

main().catch((err) => say(err.message, "error"));
