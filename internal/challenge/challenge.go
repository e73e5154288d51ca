// Package challenge is the one detector of anti-bot interstitials (Cloudflare
// "Just a moment" and Turnstile, DDoS-Guard, reCAPTCHA/hCaptcha, ALTCHA, the
// sites' own "Stream wird vorbereitet" gates). The HTTP client, the site
// clients and every hoster extractor ask it, so a marker is added in one place.
//
// It never flags an ordinary 200 page for loading Cloudflare's JavaScript
// Detections script (/cdn-cgi/challenge-platform/scripts/jsd/main.js), which
// Cloudflare injects into every page of many zones.
package challenge

import (
	"bytes"
	"net/http"
	"strings"
)

// Kind names a challenge family. The empty Kind means "ordinary content".
type Kind string

// The challenge kinds the detector reports.
const (
	None       Kind = ""
	Cloudflare Kind = "cloudflare" // "Just a moment", cf_chl_, challenge-running
	Turnstile  Kind = "turnstile"  // a Cloudflare Turnstile widget
	DDoSGuard  Kind = "ddos-guard"
	Captcha    Kind = "captcha" // reCAPTCHA, hCaptcha or another data-sitekey widget
	Altcha     Kind = "altcha"
	Prepare    Kind = "prepare" // "Stream wird vorbereitet" / "Video wird vorbereitet" gates
)

// PeekSize is how much of a body Detect needs to see.
const PeekSize = 64 << 10

// marker is a lower-cased substring that identifies a challenge page.
type marker struct {
	text string
	kind Kind
}

// markers are checked in order; the first match decides the kind. They are
// matched against the lower-cased body prefix.
var markers = []marker{
	{"cf-turnstile", Turnstile},
	{"challenges.cloudflare.com/turnstile", Turnstile},
	{"player-prepare-turnstile", Turnstile},
	{"altcha-widget", Altcha},
	{"<title>just a moment", Cloudflare},
	{"cf_chl_", Cloudflare},
	{"challenge-running", Cloudflare},
	{"checking your browser", Cloudflare},
	{"<title>attention required", Cloudflare},
	{"challenges.cloudflare.com", Cloudflare},
	{"ddos-guard/js-challenge", DDoSGuard},
	{"hcaptcha.com", Captcha},
	{"g-recaptcha", Captcha},
	{"data-sitekey=", Captcha},
	{"<title>stream wird vorbereitet", Prepare},
	{"video wird vorbereitet", Prepare},
}

// errorOnly are markers that mean a challenge only on an error status (403,
// 429, 503): on a 200 page they are ordinary Cloudflare or DDoS-Guard noise.
var errorOnly = []marker{
	{"just a moment", Cloudflare},
	{"ddos-guard", DDoSGuard},
}

// Detect reports which challenge, if any, a response is. body may be a prefix
// of the full body (PeekSize is enough). Cloudflare's "Cf-Mitigated:
// challenge" header and DDoS-Guard's server header or __ddg cookies on a
// 403/503 count as challenges too.
func Detect(status int, h http.Header, body []byte) Kind {
	if len(body) > PeekSize {
		body = body[:PeekSize]
	}
	if h != nil {
		if strings.EqualFold(h.Get("Cf-Mitigated"), "challenge") {
			return Cloudflare
		}
		if isErrorStatus(status) && fromDDoSGuard(h) {
			return DDoSGuard
		}
	}
	lower := bytes.ToLower(body)
	for _, m := range markers {
		if bytes.Contains(lower, []byte(m.text)) {
			return m.kind
		}
	}
	if isErrorStatus(status) {
		for _, m := range errorOnly {
			if bytes.Contains(lower, []byte(m.text)) {
				return m.kind
			}
		}
		if bytes.Contains(lower, []byte("/cdn-cgi/challenge-platform/")) && !onlyJSD(lower) {
			return Cloudflare
		}
	}
	return None
}

// DetectString is Detect for a body already held as a string.
func DetectString(status int, h http.Header, body string) Kind {
	if len(body) > PeekSize {
		body = body[:PeekSize]
	}
	return Detect(status, h, []byte(body))
}

func isErrorStatus(status int) bool {
	return status == http.StatusForbidden || status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

func fromDDoSGuard(h http.Header) bool {
	if strings.Contains(strings.ToLower(h.Get("Server")), "ddos-guard") {
		return true
	}
	for _, c := range h.Values("Set-Cookie") {
		if strings.HasPrefix(strings.TrimSpace(c), "__ddg") {
			return true
		}
	}
	return false
}

// onlyJSD reports whether every challenge-platform reference in body is the
// JavaScript Detections script, which is not a challenge.
func onlyJSD(lower []byte) bool {
	const platform = "/cdn-cgi/challenge-platform/"
	const jsd = "/cdn-cgi/challenge-platform/scripts/jsd/"
	return bytes.Count(lower, []byte(platform)) == bytes.Count(lower, []byte(jsd))
}
