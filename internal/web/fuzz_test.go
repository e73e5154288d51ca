package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/web"
)

// FuzzServe: whatever the path and method, the UI answers a page (200),
// the friendly 404, a 405, a static file or its plain 404 — never a 5xx,
// never a reflected, unescaped path.
func FuzzServe(f *testing.F) {
	for _, seed := range []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/series/demo"}, {"GET", "/series/%3Cscript%3E"}, {"HEAD", "/queue"},
		{"POST", "/login"}, {"GET", "/static/js/api.js"}, {"GET", "/static/../../etc/passwd"},
		{"GET", "/nope/<b>x</b>"}, {"DELETE", "/series/a/b"}, {"GET", "/favicon.ico"}, {"GET", "/series/%zz"},
	} {
		f.Add(seed.method, seed.path)
	}
	h := web.New(web.Options{})
	f.Fuzz(func(t *testing.T, method, path string) {
		req, err := http.NewRequest("GET", "http://x/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Method = method
		req.URL.Path = "/" + strings.TrimLeft(path, "/")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 304, 404, 405:
		default:
			t.Fatalf("%s %q: status %d", method, path, rec.Code)
		}
		body := rec.Body.String()
		if strings.Contains(req.URL.Path, "<") && strings.Contains(body, req.URL.Path) {
			t.Fatalf("%q reflected unescaped", req.URL.Path)
		}
	})
}
