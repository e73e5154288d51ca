// Package jsgate fakes a JavaScript anti-bot gate for tests: a page that
// can only be passed by running its script, as Cloudflare's managed
// challenge can only be passed by a browser.
//
// Without a valid clearance cookie every path answers 403 with a
// "Just a moment..." page carrying a cf-turnstile widget (markers that
// internal/challenge recognises). The page's script computes
// HMAC-SHA-256(key, nonce "|" navigator.userAgent) with crypto.subtle,
// where the key is derived by the server from the nonce and handed to the
// page in scrambled pieces, stores nonce.token in the cookie ClearanceCookie
// and reloads. The server recomputes the token for the request's
// User-Agent, so the cookie only works with the UA of the browser that
// earned it; the same cookie with another UA gets the challenge again.
//
// crypto.subtle needs a secure context: http://127.0.0.1 and
// http://localhost count as potentially trustworthy in Chromium, so the
// fake serves plain HTTP on loopback.
//
// Typical use:
//
//	g := jsgate.New(jsgate.Options{})
//	srv := httptest.NewServer(g)
//	res, _ := http.Get(srv.URL + "/anime/x") // 403, challenge page
package jsgate

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"net/http"
	"strings"
	"sync"
	"time"
)

// ClearanceCookie is the cookie the gate's script sets.
const ClearanceCookie = "aw_clearance"

// Content is the body marker of a page behind the gate.
const Content = "behind-the-gate"

// Mode chooses how the gate behaves.
type Mode int

// Gate modes.
const (
	// Pass: the script earns the cookie and reloads.
	Pass Mode = iota
	// Never: the script never sets the cookie (a challenge no browser
	// passes, for time limits).
	Never
	// RefuseHeadless: the script sets the cookie only in a browser with a
	// fine pointing device (matchMedia "(pointer: fine)"), which headless
	// Chromium lacks and a headed one under Xvfb has, as headless
	// detections look at such signals.
	RefuseHeadless
)

// Options configures a Gate.
type Options struct {
	Mode Mode
	// TTL is the clearance cookie's max-age (default one hour).
	TTL time.Duration
}

// Gate is the fake; it is an http.Handler.
type Gate struct {
	opts   Options
	secret []byte

	mu       sync.Mutex
	mode     Mode
	passed   int
	refused  int
	passedUA map[string]int
}

// New builds a gate with a fresh secret.
func New(o Options) *Gate {
	if o.TTL <= 0 {
		o.TTL = time.Hour
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	return &Gate{opts: o, secret: secret, mode: o.Mode, passedUA: map[string]int{}}
}

// SetMode switches the gate's behaviour while serving.
func (g *Gate) SetMode(m Mode) {
	g.mu.Lock()
	g.mode = m
	g.mu.Unlock()
}

// Passed is how many requests were let through; Refused how many got the
// challenge.
func (g *Gate) Passed() int { g.mu.Lock(); defer g.mu.Unlock(); return g.passed }

// Refused is how many requests got the challenge page.
func (g *Gate) Refused() int { g.mu.Lock(); defer g.mu.Unlock(); return g.refused }

// PassedUA is how many requests with the User-Agent ua were let through.
func (g *Gate) PassedUA(ua string) int { g.mu.Lock(); defer g.mu.Unlock(); return g.passedUA[ua] }

// ServeHTTP answers the content with a valid clearance, the challenge
// otherwise.
func (g *Gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/favicon.ico" {
		http.NotFound(w, r) // browsers ask for it; it is not a page
		return
	}
	ua := r.Header.Get("User-Agent")
	if c, err := r.Cookie(ClearanceCookie); err == nil && g.Valid(c.Value, ua) {
		g.mu.Lock()
		g.passed++
		g.passedUA[ua]++
		g.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html><head><title>Episode page</title></head><body><main id=%q>%s at %s</main></body></html>",
			Content, Content, html.EscapeString(r.URL.Path))
		return
	}
	g.mu.Lock()
	g.refused++
	mode := g.mode
	g.mu.Unlock()
	g.challenge(w, mode)
}

// Valid reports whether value ("nonce.token") is a clearance earned with
// the User-Agent ua.
func (g *Gate) Valid(value, ua string) bool {
	nonce, token, ok := strings.Cut(value, ".")
	if !ok || nonce == "" {
		return false
	}
	want := Token(g.key(nonce), nonce, ua)
	return hmac.Equal([]byte(token), []byte(want))
}

// Token is what the page's script computes: hex HMAC-SHA-256 of
// nonce "|" ua under key.
func Token(key []byte, nonce, ua string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(nonce + "|" + ua))
	return hex.EncodeToString(m.Sum(nil))
}

// key derives a nonce's HMAC key from the gate's secret, so the server
// keeps no state per challenge.
func (g *Gate) key(nonce string) []byte {
	m := hmac.New(sha256.New, g.secret)
	m.Write([]byte(nonce))
	return m.Sum(nil)
}

func (g *Gate) challenge(w http.ResponseWriter, mode Mode) {
	nb := make([]byte, 12)
	_, _ = rand.Read(nb)
	nonce := hex.EncodeToString(nb)
	keyHex := hex.EncodeToString(g.key(nonce))
	// The key travels in four reversed pieces in shuffled order, so no
	// pattern match on the page finds it whole.
	var pieces [4]string
	for i := range pieces {
		pieces[i] = reverse(keyHex[i*16 : (i+1)*16])
	}
	script := fmt.Sprintf(`
(async () => {
  const p = {c: %q, a: %q, d: %q, b: %q};
  const keyHex = ["a", "b", "c", "d"].map(k => p[k].split("").reverse().join("")).join("");
  const key = new Uint8Array(keyHex.match(/../g).map(h => parseInt(h, 16)));
  const nonce = %q;
  const k = await crypto.subtle.importKey("raw", key, {name: "HMAC", hash: "SHA-256"}, false, ["sign"]);
  const sig = await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(nonce + "|" + navigator.userAgent));
  const hex = [...new Uint8Array(sig)].map(b => b.toString(16).padStart(2, "0")).join("");
  const mode = %d;
  if (mode === %d || (mode === %d && matchMedia("(pointer: fine)").matches)) {
    document.cookie = %q + "=" + nonce + "." + hex + "; path=/; max-age=%d; SameSite=Lax";
    location.reload();
  }
})();`, pieces[2], pieces[0], pieces[3], pieces[1], nonce, mode, Pass, RefuseHeadless, ClearanceCookie, int(g.opts.TTL.Seconds()))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="content-type" content="text/html; charset=UTF-8"></head>
<body><div class="main-wrapper"><h1>Checking your connection</h1>
<div class="cf-turnstile" data-sitekey="0x4AAAAAAAfake"></div>
<noscript>Enable JavaScript and cookies to continue</noscript></div>
<script>%s</script></body></html>`, script)
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}
