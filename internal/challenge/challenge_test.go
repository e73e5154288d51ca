package challenge

import (
	"net/http"
	"testing"
)

func TestDetect(t *testing.T) {
	jsd := `<html><head><title>VOE</title></head><body>ok<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script></body></html>`
	cases := []struct {
		name   string
		status int
		h      http.Header
		body   string
		want   Kind
	}{
		{"plain page", 200, nil, "<html><title>Naruto</title></html>", None},
		{"jsd script on 200 is not a challenge", 200, nil, jsd, None},
		{"jsd script on 403 alone is not a challenge", 403, nil, jsd, None},
		{"just a moment", 503, nil, "<html><head><title>Just a moment...</title>", Cloudflare},
		{"just a moment mixed case title on 200", 200, nil, "<TITLE>Just A Moment</TITLE>", Cloudflare},
		{"cf_chl_ token", 200, nil, `<script>window._cf_chl_opt={}</script>`, Cloudflare},
		{"orchestrate challenge on 403", 403, nil, `<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>`, Cloudflare},
		{"orchestrate path on 200 page is noise", 200, nil, `<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>`, None},
		{"turnstile widget", 200, nil, `<div class="cf-turnstile" data-sitekey="0x4AAA"></div>`, Turnstile},
		{"turnstile api script", 200, nil, `<script src="https://challenges.cloudflare.com/turnstile/v0/api.js"></script>`, Turnstile},
		{"player prepare turnstile", 200, nil, `<div id="player-prepare-turnstile"></div>`, Turnstile},
		{"altcha", 200, nil, `<altcha-widget challengeurl="/altcha"></altcha-widget>`, Altcha},
		{"recaptcha", 200, nil, `<div class="g-recaptcha" data-sitekey="x"></div>`, Captcha},
		{"hcaptcha", 200, nil, `<script src="https://hcaptcha.com/1/api.js"></script>`, Captcha},
		{"attention required", 403, nil, `<title>Attention Required! | Cloudflare</title>`, Cloudflare},
		{"checking your browser", 503, nil, `Checking your browser before accessing`, Cloudflare},
		{"stream wird vorbereitet", 200, nil, `<title>Stream wird vorbereitet</title>`, Prepare},
		{"voe prepare modal", 200, nil, `<div class="modal">Video wird vorbereitet…</div>`, Prepare},
		{"ddos-guard server header", 403, http.Header{"Server": {"ddos-guard"}}, "", DDoSGuard},
		{"ddos-guard cookie", 403, http.Header{"Set-Cookie": {"__ddg1_=abc; Path=/"}}, "", DDoSGuard},
		{"ddos-guard header on 200 is fine", 200, http.Header{"Server": {"ddos-guard"}}, "<html>ok</html>", None},
		{"ddos-guard text on 403", 403, nil, "blocked by DDoS-Guard", DDoSGuard},
		{"cf-mitigated header", 403, http.Header{"Cf-Mitigated": {"challenge"}}, "", Cloudflare},
		{"ordinary 404", 404, nil, "<title>404 Not Found</title>", None},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Detect(tc.status, tc.h, []byte(tc.body)); got != tc.want {
				t.Fatalf("Detect = %q, want %q", got, tc.want)
			}
			if got := DetectString(tc.status, tc.h, tc.body); got != tc.want {
				t.Fatalf("DetectString = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDetectOnlyLooksAtPrefix(t *testing.T) {
	body := make([]byte, PeekSize+10)
	for i := range body {
		body[i] = 'a'
	}
	copy(body[PeekSize:], "cf_chl_")
	if got := Detect(200, nil, body); got != None {
		t.Fatalf("marker past the peek counted: %q", got)
	}
}

func FuzzDetect(f *testing.F) {
	f.Add(200, "<title>Just a moment</title>")
	f.Add(403, `<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script>`)
	f.Fuzz(func(t *testing.T, status int, body string) {
		k := Detect(status, nil, []byte(body))
		if k != DetectString(status, nil, body) {
			t.Fatal("Detect and DetectString disagree")
		}
	})
}
