package app

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/fake/site"
)

func TestAnimeRoutesAgainstFakeSite(t *testing.T) {
	fake := httptest.NewServer(site.New(site.Options{Catalog: site.Demo()}))
	defer fake.Close()
	animeDir := t.TempDir()
	ta := startApp(t, t.TempDir(), map[string]string{
		"ANIWORLD_PROVIDER_URL": fake.URL,
		"ANIWORLD_ANIME_DIR":    animeDir,
	})
	tok := ta.setupAndLogin(testPassword)

	t.Run("search", func(t *testing.T) {
		for _, path := range []string{"/api/anime/search?query=demo", "/api/anime/search?q=demo"} {
			req := httptest.NewRequest("GET", path, nil)
			_ = req
			code, _, _ := ta.do("GET", path, tok, nil)
			if code != 200 {
				t.Fatalf("%s: %d", path, code)
			}
		}
		raw := ta.getRaw("/api/anime/search?query=demo", tok)
		if !strings.Contains(raw, `"key":"demo"`) || !strings.Contains(raw, `"missing_episodes":{}`) {
			t.Fatalf("search: %s", raw)
		}
		code, _, b := ta.do("POST", "/api/anime/search", tok, map[string]any{"query": "demo"})
		if code != 200 {
			t.Fatalf("POST search: %d %v", code, b)
		}
	})
	t.Run("search validation", func(t *testing.T) {
		for _, q := range []string{"", "%20%20", strings.Repeat("a", 201)} {
			code, _, b := ta.do("GET", "/api/anime/search?query="+q, tok, nil)
			if code != 422 || b["error"] != "VALIDATION_ERROR" {
				t.Fatalf("query %q: %d %v", q, code, b)
			}
		}
	})
	t.Run("add, list, detail, conflict", func(t *testing.T) {
		code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": fake.URL + "/anime/stream/demo", "name": "Demo & Friends"})
		if code != 200 || b["key"] != "demo" || b["total_missing"].(float64) < 1 {
			t.Fatalf("add: %d %v", code, b)
		}
		folder := b["folder"].(string)
		if st, err := os.Stat(filepath.Join(animeDir, folder, ".aniworld.json")); err != nil || st.IsDir() {
			t.Fatalf("marker missing in %s: %v", folder, err)
		}
		code, _, b = ta.do("POST", "/api/anime/add", tok, map[string]any{"link": fake.URL + "/anime/stream/demo"})
		if code != 409 || b["error"] != "CONFLICT_ERROR" {
			t.Fatalf("second add: %d %v", code, b)
		}
		code, _, b = ta.do("POST", "/api/anime/add", tok, map[string]any{"link": "https://evil.example/x"})
		if code != 422 {
			t.Fatalf("bad link: %d %v", code, b)
		}
		code, h, _ := ta.do("GET", "/api/anime?per_page=1", tok, nil)
		if code != 200 || h.Get("X-Total-Count") != "1" || !strings.Contains(h.Get("Link"), `rel="first"`) {
			t.Fatalf("list: %d %v", code, h)
		}
		raw := ta.getRaw("/api/anime", tok)
		if !strings.HasPrefix(raw, "[") || !strings.Contains(raw, `"missing_episodes":{"`) {
			t.Fatalf("list body: %s", raw)
		}
		code, h, b = ta.do("GET", "/api/anime/demo", tok, nil)
		if code != 200 || b["key"] != "demo" || h.Get("Deprecation") != "" {
			t.Fatalf("detail: %d %v", code, b)
		}
		code, h, b = ta.do("GET", "/api/anime/"+strings.ReplaceAll(folder, " ", "%20"), tok, nil)
		if code != 200 || b["key"] != "demo" || h.Get("Deprecation") != "true" {
			t.Fatalf("detail by folder: %d %v %v", code, h, b)
		}
		if !strings.Contains(ta.stderr.String(), "deprecated") {
			t.Fatal("no deprecation warning logged")
		}
		code, _, b = ta.do("GET", "/api/anime/no-such-series", tok, nil)
		if code != 404 || b["error"] != "NOT_FOUND_ERROR" {
			t.Fatalf("unknown: %d %v", code, b)
		}
		code, _, b = ta.do("GET", "/api/anime/status", tok, nil)
		if code != 200 || b["series_count"].(float64) != 1 || b["directory"] != animeDir {
			t.Fatalf("status: %d %v", code, b)
		}
	})
	t.Run("rescan", func(t *testing.T) {
		code, _, b := ta.do("POST", "/api/anime/rescan", tok, nil)
		if (code != 200 || b["success"] != true) && code != 409 {
			t.Fatalf("rescan: %d %v", code, b)
		}
	})
	t.Run("list validation", func(t *testing.T) {
		for _, q := range []string{"per_page=1001", "page=0", "sort_by=bogus", "filter=bogus"} {
			if code, _, b := ta.do("GET", "/api/anime?"+q, tok, nil); code != 422 {
				t.Fatalf("%s: %d %v", q, code, b)
			}
		}
	})
}

func TestSearchWithUnreachableProvider(t *testing.T) {
	ta := startApp(t, t.TempDir(), map[string]string{"ANIWORLD_PROVIDER_URL": "http://127.0.0.1:1"})
	tok := ta.setupAndLogin(testPassword)
	code, _, b := ta.do("GET", "/api/anime/search?query=demo", tok, nil)
	if (code != 502 && code != 503) || b["error"] != "PROVIDER_ERROR" {
		t.Fatalf("%d %v", code, b)
	}
}

func TestSearchChallengePage(t *testing.T) {
	s := site.New(site.Options{})
	s.SetFaults(site.FaultJustAMoment)
	fake := httptest.NewServer(s)
	defer fake.Close()
	// Without the browser: this fake's gate never opens, so a browser would
	// only wait its time limit (internal/browser tests the solving).
	ta := startApp(t, t.TempDir(), map[string]string{"ANIWORLD_PROVIDER_URL": fake.URL, "ANIWORLD_BROWSER": "off"})
	tok := ta.setupAndLogin(testPassword)
	code, _, b := ta.do("GET", "/api/anime/search?query=demo", tok, nil)
	if code != 503 || b["error"] != "PROVIDER_ERROR" || !strings.Contains(b["message"].(string), "challenge") {
		t.Fatalf("%d %v", code, b)
	}
}
