package app

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rawDo sends body with exactly the given headers (no Content-Type unless
// listed) and returns the status and body.
func (ta *testApp) rawDo(method, path, body string, hdr ...string) (int, string) {
	ta.t.Helper()
	req, _ := http.NewRequest(method, ta.URL+path, strings.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		ta.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestCrossSiteWritesRefused: a foreign page can neither set up a fresh
// install, nor lock the owner out with bad logins, nor change the config
// with a stolen token; bodies must be declared JSON. The server's own
// origin and a configured origin still work.
func TestCrossSiteWritesRefused(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"security":{"allowed_origins":["https://ui.example"]}}`), 0o600)
	ta := startApp(t, dir, nil)
	setup := `{"master_password":"` + testPassword + `"}`
	const evil = "https://evil.example"

	tests := []struct {
		name   string
		method string
		path   string
		body   string
		hdr    []string
		status int
		code   string
	}{
		{"setup from a foreign page", "POST", "/api/auth/setup", setup, []string{"Origin", evil, "Content-Type", "application/json"}, 403, "AUTHORIZATION_ERROR"},
		{"setup from an opaque origin", "POST", "/api/auth/setup", setup, []string{"Origin", "null", "Content-Type", "text/plain"}, 403, "AUTHORIZATION_ERROR"},
		{"setup as text/plain (no preflight)", "POST", "/api/auth/setup", setup, []string{"Content-Type", "text/plain"}, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"setup without Content-Type", "POST", "/api/auth/setup", setup, nil, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"setup as a form", "POST", "/api/auth/setup", "master_password=x", []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "UNSUPPORTED_MEDIA_TYPE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := ta.rawDo(tc.method, tc.path, tc.body, tc.hdr...)
			if code != tc.status || !strings.Contains(body, `"error":"`+tc.code+`"`) || !strings.Contains(body, `"request_id"`) {
				t.Fatalf("%d %s, want %d %s", code, body, tc.status, tc.code)
			}
		})
	}
	if _, _, b := ta.do("GET", "/api/auth/status", "", nil); b["configured"] != false {
		t.Fatalf("a refused setup configured the install: %v", b)
	}

	// Setup from the server's own page works (browsers send Origin on POST).
	if code, body := ta.rawDo("POST", "/api/auth/setup", setup, "Origin", ta.URL, "Content-Type", "application/json; charset=utf-8"); code != 201 {
		t.Fatalf("same-origin setup: %d %s", code, body)
	}
	// Ten bad logins from a foreign page are refused before they count.
	for range 10 {
		if code, body := ta.rawDo("POST", "/api/auth/login", `{"password":"wrong"}`, "Origin", evil, "Content-Type", "application/json"); code != 403 {
			t.Fatalf("foreign login: %d %s", code, body)
		}
	}
	tok := ta.login(testPassword) // not locked out

	put := `{"scheduler":{"interval_minutes":30}}`
	auth := "Bearer " + tok
	for _, tc := range []struct {
		origin string
		status int
	}{{evil, 403}, {"http://" + strings.TrimPrefix(ta.URL, "http://") + ".evil.example", 403}, {ta.URL, 200}, {"https://ui.example", 200}, {"", 200}} {
		hdr := []string{"Authorization", auth, "Content-Type", "application/json"}
		if tc.origin != "" {
			hdr = append(hdr, "Origin", tc.origin)
		}
		if code, body := ta.rawDo("PUT", "/api/config", put, hdr...); code != tc.status {
			t.Fatalf("PUT /api/config from %q: %d %s, want %d", tc.origin, code, body, tc.status)
		}
	}
	// An authenticated JSON write without the header is 415; a body-less
	// POST needs none.
	if code, body := ta.rawDo("PUT", "/api/config", put, "Authorization", auth); code != 415 {
		t.Fatalf("PUT without Content-Type: %d %s", code, body)
	}
	if code, body := ta.rawDo("POST", "/api/queue/stop", "", "Authorization", auth); code != 200 {
		t.Fatalf("body-less POST: %d %s", code, body)
	}
	// Reads from anywhere are untouched (CORS governs what the page sees).
	if code, body := ta.rawDo("GET", "/health", "", "Origin", evil); code != 200 {
		t.Fatalf("GET /health with foreign origin: %d %s", code, body)
	}
}
