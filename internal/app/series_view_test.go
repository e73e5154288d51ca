package app

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/fake/site"
)

// TestSeriesEpisodesView adds the demo series, puts one episode on disk
// and checks GET /api/anime/{key}/episodes joins the site's titles and
// languages with the state here; then a download with a language choice
// shows as queued, and a fresh rescan sees a file that appeared.
func TestSeriesEpisodesView(t *testing.T) {
	fake := httptest.NewServer(site.New(site.Options{Catalog: site.Demo()}))
	defer fake.Close()
	animeDir := t.TempDir()
	ta := startApp(t, t.TempDir(), map[string]string{"ANIWORLD_PROVIDER_URL": fake.URL, "ANIWORLD_ANIME_DIR": animeDir})
	tok := ta.setupAndLogin(testPassword)
	search := func() map[string]any {
		t.Helper()
		var res []map[string]any
		if err := json.Unmarshal([]byte(ta.getRaw("/api/anime/search?query=demo", tok)), &res); err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r["key"] == "demo" {
				return r
			}
		}
		t.Fatalf("no demo in %v", res)
		return nil
	}
	// The search result is completed from the series page (year, cover)
	// and names the folder adding it would create.
	if r := search(); r["in_library"] != false || r["year"] != 2020.0 || r["folder"] != "Demo & Friends" ||
		!strings.HasPrefix(fmt.Sprint(r["cover_url"]), "/covers/remote?") ||
		!strings.HasSuffix(fmt.Sprint(r["cover"]), "/public/img/cover/demo-stream-cover-AbCdEf_220x330.jpg") {
		t.Errorf("search result before adding: %v", r)
	}
	code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": fake.URL + "/anime/stream/demo", "name": "Demo & Friends"})
	if code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	folder := b["folder"].(string)
	if r := search(); r["in_library"] != true || r["folder"] != folder {
		t.Errorf("search result after adding: %v", r)
	}

	episode := func(v map[string]any, season, ep int) map[string]any {
		t.Helper()
		for _, s := range v["seasons"].([]any) {
			sm := s.(map[string]any)
			if int(sm["season"].(float64)) != season {
				continue
			}
			for _, e := range sm["episodes"].([]any) {
				em := e.(map[string]any)
				if int(em["episode"].(float64)) == ep {
					return em
				}
			}
		}
		t.Fatalf("no S%dE%d in %v", season, ep, v["seasons"])
		return nil
	}

	code, _, v := ta.do("GET", "/api/anime/demo/episodes", tok, nil)
	if code != 200 {
		t.Fatalf("episodes: %d %v", code, v)
	}
	if v["fsk"] != 12.0 || v["start_year"] != 2020.0 || v["ongoing"] != true || v["provider_error"] != nil {
		t.Errorf("header fields: fsk %v start %v ongoing %v provider_error %v", v["fsk"], v["start_year"], v["ongoing"], v["provider_error"])
	}
	if g := v["genres"].([]any); len(g) != 3 || g[0] != "Action" {
		t.Errorf("genres %v, want Action, Abenteuer, Komödie (no language tags)", g)
	}
	if !strings.HasPrefix(fmt.Sprint(v["cover_url"]), "/covers/series/demo?") || !strings.HasSuffix(fmt.Sprint(v["site_cover"]), "_220x330.jpg") {
		t.Errorf("cover_url %v site_cover %v", v["cover_url"], v["site_cover"])
	}
	if v["metadata_configured"] != false || v["has_fanart"] != false {
		t.Errorf("metadata_configured %v has_fanart %v without TMDB", v["metadata_configured"], v["has_fanart"])
	}
	e := episode(v, 1, 1)
	if e["title_de"] != "Der Anfang" || e["title_en"] != "The Beginning" || e["state"] != "missing" {
		t.Errorf("S1E1 %v", e)
	}
	if l := e["languages"].([]any); len(l) != 3 || l[0] != "German Dub" {
		t.Errorf("S1E1 languages %v", l)
	}
	if e := episode(v, 1, 3); e["title_de"] != nil || e["title_en"] != "Tom & Jerry's <Revenge>" {
		t.Errorf("S1E3 titles %v", e)
	}
	if e := episode(v, 0, 1); e["title_en"] != "Demo: The Movie" {
		t.Errorf("movie %v", e)
	}
	if c := v["counts"].(map[string]any); c["total"] != 6.0 || c["missing"] != 6.0 {
		t.Errorf("counts %v", c)
	}

	// Queue S1E2 in German Sub: queued, and the wish is recorded.
	code, _, b = ta.do("POST", "/api/anime/demo/download", tok, map[string]any{"episodes": []any{map[string]any{"season": 1, "episode": 2}}, "language": "German Sub"})
	if code != 201 || len(b["added_items"].([]any)) != 1 {
		t.Fatalf("download: %d %v", code, b)
	}
	code, _, b = ta.do("POST", "/api/anime/demo/download", tok, map[string]any{"episodes": []any{"S01E01"}, "language": "Klingon"})
	if code != 422 {
		t.Errorf("bad language: %d %v", code, b)
	}
	_, _, v = ta.do("GET", "/api/anime/demo/episodes", tok, nil)
	if e := episode(v, 1, 2); e["state"] != "queued" || e["item"] == nil {
		t.Errorf("S1E2 after queueing: %v", e)
	}

	// A file appears on disk; the fresh rescan shows it with its size.
	p := filepath.Join(animeDir, folder, "Season 01", "Demo & Friends - S01E01 - 1080p.mkv")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, make([]byte, 1234), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, v = ta.do("POST", "/api/anime/demo/rescan", tok, nil)
	if code != 200 {
		t.Fatalf("rescan: %d %v", code, v)
	}
	e = episode(v, 1, 1)
	files, _ := e["files"].([]any)
	if e["state"] != "on_disk" || len(files) != 1 {
		t.Fatalf("S1E1 after rescan: %v", e)
	}
	if f := files[0].(map[string]any); f["size"] != 1234.0 || f["quality"] != "1080p" || f["name"] != filepath.Base(p) {
		t.Errorf("file %v", f)
	}

	// Remove keeping the files: the folder stays, the marker says removed,
	// the series is gone; adding it again reuses the folder and its file.
	code, _, b = ta.do("DELETE", "/api/anime/demo", tok, nil)
	if code != 200 || b["files_deleted"] != false {
		t.Fatalf("remove: %d %v", code, b)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("file gone after a remove that keeps files: %v", err)
	}
	if marker, err := os.ReadFile(filepath.Join(animeDir, folder, ".aniworld.json")); err != nil || !strings.Contains(string(marker), `"removed": true`) {
		t.Errorf("marker after remove: %s %v", marker, err)
	}
	if code, _, _ := ta.do("GET", "/api/anime/demo/episodes", tok, nil); code != 404 {
		t.Errorf("episodes after remove: %d", code)
	}
	code, _, b = ta.do("POST", "/api/anime/add", tok, map[string]any{"link": fake.URL + "/anime/stream/demo", "name": "Demo & Friends"})
	if code != 200 || b["folder"] != folder {
		t.Fatalf("add again: %d %v (want folder %q)", code, b, folder)
	}
	_, _, v = ta.do("GET", "/api/anime/demo/episodes", tok, nil)
	if e := episode(v, 1, 1); e["state"] != "on_disk" {
		t.Errorf("S1E1 after adding again: %v", e)
	}
	code, _, b = ta.do("DELETE", "/api/anime/demo?delete_files=true", tok, nil)
	if code != 200 || b["files_deleted"] != true {
		t.Fatalf("remove with files: %d %v", code, b)
	}
	if _, err := os.Stat(filepath.Join(animeDir, folder)); !os.IsNotExist(err) {
		t.Errorf("folder after remove with delete_files: %v", err)
	}

	for _, path := range []string{"/api/anime/nope/episodes"} {
		if code, _, b := ta.do("GET", path, tok, nil); code != 404 {
			t.Errorf("%s: %d %v", path, code, b)
		}
	}
	if code, _, _ := ta.do("GET", "/api/anime/demo/episodes", "", nil); code != 401 {
		t.Errorf("without a token: %d", code)
	}
}
