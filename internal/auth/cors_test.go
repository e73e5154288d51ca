package auth

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestOriginAllowed(t *testing.T) {
	def, err := NewCORS(CORSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	custom, err := NewCORS(CORSOptions{AllowedOrigins: []string{"https://media.example:8443", "http://lan.box", "https://dev.example:*"}})
	if err != nil {
		t.Fatal(err)
	}
	sameOnly, err := NewCORS(CORSOptions{AllowedOrigins: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	star, err := NewCORS(CORSOptions{AllowedOrigins: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		c      *CORS
		origin string
		host   string
		want   bool
	}{
		{"same origin", def, "http://anime.lan:8000", "anime.lan:8000", true},
		{"same origin behind tls proxy", def, "https://anime.example", "anime.example", true},
		{"same origin default port", def, "https://anime.example:443", "anime.example", true},
		{"same host other port", sameOnly, "http://anime.lan:9999", "anime.lan:8000", false},
		{"localhost any port", def, "http://localhost:5173", "anime.lan:8000", true},
		{"localhost no port", def, "http://localhost", "anime.lan:8000", true},
		{"127.0.0.1 any port", def, "http://127.0.0.1:3000", "anime.lan:8000", true},
		{"ipv6 loopback", def, "http://[::1]:3000", "anime.lan:8000", true},
		{"localhost https not default", def, "https://localhost:3000", "anime.lan:8000", false},
		{"localhost lookalike", def, "http://localhost.evil.example:80", "anime.lan:8000", false},
		{"foreign origin", def, "https://evil.example", "anime.lan:8000", false},
		{"null origin", def, "null", "anime.lan:8000", false},
		{"null origin even with star", star, "null", "anime.lan:8000", false},
		{"garbage origin", def, "::::", "anime.lan:8000", false},
		{"origin with path", def, "http://localhost:3000/x", "anime.lan:8000", false},
		{"exact custom", custom, "https://media.example:8443", "a:1", true},
		{"custom wrong port", custom, "https://media.example:8444", "a:1", false},
		{"custom default port normalised", custom, "http://lan.box:80", "a:1", true},
		{"custom port wildcard", custom, "https://dev.example:1234", "a:1", true},
		{"custom replaces defaults", custom, "http://localhost:3000", "a:1", false},
		{"custom case-insensitive host", custom, "HTTPS://MEDIA.EXAMPLE:8443", "a:1", true},
		{"same-origin only", sameOnly, "http://localhost:3000", "a:1", false},
		{"star allows any", star, "https://whatever.example", "a:1", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.Host = tc.host
			if got := tc.c.OriginAllowed(tc.origin, r); got != tc.want {
				t.Fatalf("OriginAllowed(%q, host %q) = %v; want %v", tc.origin, tc.host, got, tc.want)
			}
		})
	}
}

func TestNewCORSRejectsBadPatterns(t *testing.T) {
	for _, p := range []string{"localhost:3000", "ftp://x", "http://x/path", "http://x:1:*", "http://:*", "http://x:99999"} {
		if _, err := NewCORS(CORSOptions{AllowedOrigins: []string{p}}); err == nil {
			t.Errorf("%q accepted", p)
		}
	}
}

func TestCORSHandler(t *testing.T) {
	c, err := NewCORS(CORSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		method      string
		origin      string
		reqMethod   string // Access-Control-Request-Method
		wantStatus  int
		wantNext    bool
		wantACAO    string
		wantMethods bool
	}{
		{"preflight allowed", "OPTIONS", "http://localhost:3000", "POST", 204, false, "http://localhost:3000", true},
		{"preflight denied", "OPTIONS", "https://evil.example", "POST", 204, false, "", false},
		{"plain OPTIONS passes through", "OPTIONS", "http://localhost:3000", "", 200, true, "http://localhost:3000", false},
		{"simple allowed", "GET", "http://127.0.0.1:8080", "", 200, true, "http://127.0.0.1:8080", false},
		{"simple denied", "POST", "https://evil.example", "", 200, true, "", false},
		{"no origin", "GET", "", "", 200, true, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			called := false
			h := c.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called = true }))
			r := httptest.NewRequest(tc.method, "/api/anime", nil)
			r.Host = "anime.lan:8000"
			if tc.origin != "" {
				r.Header.Set("Origin", tc.origin)
			}
			if tc.reqMethod != "" {
				r.Header.Set("Access-Control-Request-Method", tc.reqMethod)
				r.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			hd := rec.Header()
			if rec.Code != tc.wantStatus || called != tc.wantNext {
				t.Fatalf("status %d next %v; want %d %v", rec.Code, called, tc.wantStatus, tc.wantNext)
			}
			if got := hd.Get("Access-Control-Allow-Origin"); got != tc.wantACAO {
				t.Fatalf("ACAO %q; want %q", got, tc.wantACAO)
			}
			if tc.wantACAO == "" {
				for k := range hd {
					if len(k) > 15 && k[:15] == "Access-Control-" {
						t.Fatalf("denied origin got %s", k)
					}
				}
			}
			if tc.wantMethods {
				if hd.Get("Access-Control-Allow-Methods") == "" || hd.Get("Access-Control-Max-Age") != "600" ||
					hd.Get("Access-Control-Allow-Headers") != "Authorization, Content-Type, X-Request-ID" {
					t.Fatalf("preflight headers %v", hd)
				}
			}
			if tc.origin != "" && hd.Values("Vary") == nil {
				t.Fatal("no Vary: Origin")
			}
			if tc.wantACAO != "" && tc.reqMethod == "" && hd.Get("Access-Control-Expose-Headers") == "" {
				t.Fatal("no Expose-Headers on allowed simple request")
			}
		})
	}
}
