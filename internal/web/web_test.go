package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/web"
)

func TestPages(t *testing.T) {
	h := web.New(web.Options{Version: "1.2.3"})
	tests := []struct {
		name, method, path string
		status             int
		ctype              string
		contains           []string
		absent             []string
	}{
		{"library", "GET", "/", 200, "text/html", []string{`data-page="library"`, `/static/js/library.js?v=`, `aria-current="page">Library`, "aniworld 1.2.3", `id="logout"`}, nil},
		{"queue", "GET", "/queue", 200, "text/html", []string{`data-page="queue"`, `aria-current="page">Queue`}, nil},
		{"settings", "GET", "/settings", 200, "text/html", []string{`name="scheduler.interval_minutes"`, `data-error-for="scheduler.interval_minutes"`}, nil},
		{"system", "GET", "/system", 200, "text/html", []string{`id="log-tail"`}, nil},
		{"login has no nav", "GET", "/login", 200, "text/html", []string{`id="remember"`}, []string{`id="logout"`, "<nav"}},
		{"setup lists the rules", "GET", "/setup", 200, "text/html", []string{`data-rule="special"`, `id="anime_directory"`}, []string{`id="logout"`}},
		{"series page carries the key, escaped", "GET", "/series/a%22b%3Cc", 200, "text/html", []string{`data-key="a&#34;b&lt;c"`}, []string{`a"b<c`}},
		{"head", "HEAD", "/queue", 200, "text/html", nil, nil},
		{"unknown path is a friendly 404", "GET", "/nope/x", 404, "text/html", []string{"Page not found", "<code>/nope/x</code>", "Back to the library"}, []string{"notfound.js"}},
		{"series without key", "GET", "/series/", 404, "text/html", nil, nil},
		{"series with slash", "GET", "/series/a/b", 404, "text/html", nil, nil},
		{"post on a page", "POST", "/login", 405, "text/html", []string{"Method not allowed", "can only be loaded"}, []string{"There is no page"}},
		{"static js", "GET", "/static/js/api.js", 200, "text/javascript", []string{"export function getToken"}, nil},
		{"static css", "GET", "/static/css/app.css", 200, "text/css", []string{"prefers-color-scheme: dark"}, nil},
		{"favicon", "GET", "/favicon.ico", 200, "image/svg+xml", []string{"<svg"}, nil},
		{"missing static", "GET", "/static/js/nope.js", 404, "text/plain", nil, nil},
		{"traversal", "GET", "/static/../web.go", 404, "", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if !strings.HasPrefix(rec.Header().Get("Content-Type"), tc.ctype) {
				t.Errorf("content type %q, want %q", rec.Header().Get("Content-Type"), tc.ctype)
			}
			body := rec.Body.String()
			if tc.method == "HEAD" && body != "" {
				t.Errorf("HEAD has a body")
			}
			for _, s := range tc.contains {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q", s)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(body, s) {
					t.Errorf("body has %q", s)
				}
			}
			if strings.HasPrefix(tc.ctype, "text/html") {
				csp := rec.Header().Get("Content-Security-Policy")
				if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
					t.Errorf("CSP %q", csp)
				}
			}
		})
	}
}

// TestNoExternalReferences checks that no page or asset names another
// origin (no CDN) and no inline script runs (the CSP forbids it).
func TestNoExternalReferences(t *testing.T) {
	h := web.New(web.Options{})
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func(p string) string {
		res, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	external := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`)
	inline := regexp.MustCompile(`(?i)<script(?:\s+type="module")?>|\son[a-z]+="`)
	assets := regexp.MustCompile(`/static/[^"?]+`)
	seen := map[string]bool{}
	for _, p := range []string{"/", "/queue", "/settings", "/system", "/login", "/setup", "/series/demo", "/missing"} {
		body := get(p)
		if m := external.FindString(body); m != "" {
			t.Errorf("%s references another origin: %s", p, m)
		}
		if m := inline.FindString(body); m != "" {
			t.Errorf("%s has inline script or handler: %s", p, m)
		}
		for _, a := range assets.FindAllString(body, -1) {
			seen[a] = true
		}
	}
	for a := range seen {
		body := get(a)
		if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
			if !strings.HasSuffix(a, ".svg") || strings.Contains(body, "https://") {
				t.Errorf("%s mentions an absolute URL", a)
			}
		}
	}
	if len(seen) < 3 {
		t.Fatalf("found only %d assets", len(seen))
	}
}

func TestStaticCaching(t *testing.T) {
	h := web.New(web.Options{})
	tests := []struct {
		name      string
		url       string
		cache     string
		revalWith bool
	}{
		{"versioned is immutable", "/static/css/app.css?v=x", "public, max-age=31536000, immutable", false},
		{"plain is revalidated", "/static/js/ui.js", "no-cache", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", tc.url, nil))
			if got := rec.Header().Get("Cache-Control"); got != tc.cache {
				t.Errorf("Cache-Control %q, want %q", got, tc.cache)
			}
			etag := rec.Header().Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			if tc.revalWith {
				req := httptest.NewRequest("GET", tc.url, nil)
				req.Header.Set("If-None-Match", etag)
				rec2 := httptest.NewRecorder()
				h.ServeHTTP(rec2, req)
				if rec2.Code != http.StatusNotModified {
					t.Errorf("revalidation status %d, want 304", rec2.Code)
				}
			}
		})
	}
}

// TestAppServesUI checks the wiring: the real app (app.Build) serves the
// UI pages, the static files, the HTML 404 for unknown pages, and still a
// JSON 404 for unknown API routes.
func TestAppServesUI(t *testing.T) {
	st := startStack(t, stackOptions{noFakes: true, direct: true})
	tests := []struct {
		name, path string
		status     int
		ctype      string
		contains   string
	}{
		{"library page", "/", 200, "text/html", `data-page="library"`},
		{"login page", "/login", 200, "text/html", `data-page="login"`},
		{"series page", "/series/demo", 200, "text/html", `data-key="demo"`},
		{"static module", "/static/js/api.js", 200, "text/javascript", "export function getToken"},
		{"favicon", "/favicon.ico", 200, "image/svg+xml", "<svg"},
		{"unknown page", "/no/such/page", 404, "text/html", "Page not found"},
		{"unknown API route", "/api/no-such-route", 404, "application/json", `"success":false`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := http.Get(st.AppURL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status || !strings.HasPrefix(res.Header.Get("Content-Type"), tc.ctype) {
				t.Fatalf("GET %s: %d %s, want %d %s (is a.wireWeb(deps) called from app.wire?)",
					tc.path, res.StatusCode, res.Header.Get("Content-Type"), tc.status, tc.ctype)
			}
			if !strings.Contains(string(body), tc.contains) {
				t.Errorf("body lacks %q", tc.contains)
			}
		})
	}
}
