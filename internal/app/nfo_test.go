package app

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/fake/site"
	faketmdb "github.com/aniworld/aniworld/internal/fake/tmdb"
)

func TestNFORoutesEndToEnd(t *testing.T) {
	fake := httptest.NewServer(site.New(site.Options{Catalog: site.Demo()}))
	defer fake.Close()
	tm := httptest.NewServer(faketmdb.New(faketmdb.Options{APIKey: "k3y"}))
	defer tm.Close()
	animeDir := t.TempDir()
	env := map[string]string{
		"ANIWORLD_PROVIDER_URL": fake.URL, "ANIWORLD_ANIME_DIR": animeDir,
		"ANIWORLD_TMDB_API_URL": tm.URL + "/3", "ANIWORLD_TMDB_IMAGE_URL": tm.URL + "/t/p",
	}

	// Without a key every NFO route answers 503 and says how to configure it.
	ta := startApp(t, t.TempDir(), env)
	tok := ta.setupAndLogin(testPassword)
	code, _, b := ta.do("GET", "/api/nfo/missing", tok, nil)
	if code != 503 || !strings.Contains(b["message"].(string), "tmdb_api_key") {
		t.Fatalf("no key: %d %v", code, b)
	}
	ta.Stop()

	env["ANIWORLD_TMDB_API_KEY"] = "k3y"
	ta = startApp(t, t.TempDir(), env)
	tok = ta.setupAndLogin(testPassword)
	code, _, b = ta.do("POST", "/api/anime/add", tok, map[string]any{"link": fake.URL + "/anime/stream/demo"})
	if code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	folder := filepath.Join(animeDir, b["folder"].(string))

	steps := []struct {
		name, method, path string
		body               any
		status             int
		check              func(map[string]any) bool
	}{
		{"check before", "GET", "/api/nfo/demo/check", nil, 200, func(b map[string]any) bool { return b["has_nfo"] == false }},
		{"missing lists it", "GET", "/api/nfo/missing", nil, 200, func(b map[string]any) bool { return b["missing_nfo_count"].(float64) == 1 }},
		{"create", "POST", "/api/nfo/demo/create", map[string]any{"serie_name": "Show", "year": 2019}, 200, func(b map[string]any) bool {
			return strings.HasSuffix(b["nfo_path"].(string), "tvshow.nfo") && b["media_files"].(map[string]any)["has_poster"] == true
		}},
		{"create again conflicts", "POST", "/api/nfo/demo/create", map[string]any{"serie_name": "Show"}, 409, nil},
		{"check after", "GET", "/api/nfo/demo/check", nil, 200, func(b map[string]any) bool { return b["has_nfo"] == true }},
		{"content", "GET", "/api/nfo/demo/content", nil, 200, func(b map[string]any) bool {
			return strings.Contains(b["content"].(string), "<tvshow>") && strings.Contains(b["content"].(string), "85937")
		}},
		{"update", "PUT", "/api/nfo/demo/update?download_media=false", nil, 200, nil},
		{"media status", "GET", "/api/nfo/demo/media/status", nil, 200, func(b map[string]any) bool { return b["has_fanart"] == true }},
		{"media download", "POST", "/api/nfo/demo/media/download", map[string]any{"download_poster": true}, 200, nil},
		{"poster file", "GET", "/api/nfo/demo/media/poster", nil, 200, nil},
		{"unknown artwork kind", "GET", "/api/nfo/demo/media/banner", nil, 422, nil},
		{"artwork of unknown series", "GET", "/api/nfo/nope/media/poster", nil, 404, nil},
		{"unknown series", "GET", "/api/nfo/nope/check", nil, 404, nil},
		{"path characters", "GET", "/api/nfo/..%2f..%2fetc/check", nil, 404, nil},
		{"batch max_concurrent 0", "POST", "/api/nfo/batch/create", map[string]any{"serie_ids": []string{"demo"}, "max_concurrent": 0}, 422, nil},
		{"batch max_concurrent 11", "POST", "/api/nfo/batch/create", map[string]any{"serie_ids": []string{"demo"}, "max_concurrent": 11}, 422, nil},
		{"batch", "POST", "/api/nfo/batch/create", map[string]any{"serie_ids": []string{"demo", "nope"}, "max_concurrent": 2}, 200, func(b map[string]any) bool {
			return b["total"].(float64) == 2 && b["skipped"].(float64) == 1 && b["failed"].(float64) == 1
		}},
	}
	for _, s := range steps {
		code, _, b := ta.do(s.method, s.path, tok, s.body)
		if code != s.status && !(s.name == "path characters" && code == 422) {
			t.Fatalf("%s: %d, want %d: %v", s.name, code, s.status, b)
		}
		if s.check != nil && !s.check(b) {
			t.Fatalf("%s: %v", s.name, b)
		}
	}
	if res, err := http.Get(ta.URL + "/api/nfo/demo/media/poster"); err != nil || res.StatusCode != 401 {
		t.Fatalf("poster without a token: %v %v", res.StatusCode, err)
	}
	req, _ := http.NewRequest("GET", ta.URL+"/api/nfo/demo/media/poster", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	if res, err := http.DefaultClient.Do(req); err != nil || res.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("poster content type: %v %v", res.Header.Get("Content-Type"), err)
	}
	for _, f := range []string{"tvshow.nfo", "poster.jpg", "fanart.jpg", "logo.png", "clearlogo.png"} {
		if _, err := os.Stat(filepath.Join(folder, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
