package app

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/aniworld/aniworld/internal/fake/site"
)

// TestSetupRefusedLeavesNoDirectory: a setup refused for its password
// must not create the anime directory it names.
func TestSetupRefusedLeavesNoDirectory(t *testing.T) {
	ta := startApp(t, t.TempDir(), nil)
	dir := filepath.Join(t.TempDir(), "would", "be", "created")
	code, _, b := ta.do("POST", "/api/auth/setup", "", map[string]any{"master_password": "weak", "anime_directory": dir})
	if code != 400 || b["error"] != "VALIDATION_ERROR" {
		t.Fatalf("weak setup: %d %v", code, b)
	}
	if _, err := os.Stat(filepath.Join(dir, "..", "..")); !os.IsNotExist(err) {
		t.Fatalf("a refused setup created %s (%v)", dir, err)
	}
}

// TestQueueAddValidatesFirst: unknown or malformed series and absurd
// numbers are refused at once with 422; "1x1" is read like "1x01"; items
// the client sent without a title get the site's (German, else English).
func TestQueueAddValidatesFirst(t *testing.T) {
	fake := httptest.NewServer(site.New(site.Options{Catalog: site.Demo()}))
	defer fake.Close()
	ta := startApp(t, t.TempDir(), map[string]string{"ANIWORLD_PROVIDER_URL": fake.URL, "ANIWORLD_ANIME_DIR": t.TempDir()})
	tok := ta.setupAndLogin(testPassword)
	if code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": fake.URL + "/anime/stream/demo"}); code != 200 {
		t.Fatalf("add series: %d %v", code, b)
	}

	refused := []struct {
		name string
		body map[string]any
	}{
		{"unknown series", map[string]any{"serie_id": "no-such-series", "episodes": []any{"S01E01"}}},
		{"malformed series", map[string]any{"serie_id": "../../etc", "episodes": []any{"S01E01"}}},
		{"series with spaces", map[string]any{"serie_id": "demo x", "episodes": []any{"S01E01"}}},
		{"absurd season", map[string]any{"serie_id": "demo", "episodes": []any{map[string]any{"season": 99999, "episode": 1}}}},
		{"absurd episode", map[string]any{"serie_id": "demo", "episodes": []any{map[string]any{"season": 1, "episode": 2000000}}}},
		{"absurd code", map[string]any{"serie_id": "demo", "episodes": []any{"S9999E99999"}}},
		{"negative season", map[string]any{"serie_id": "demo", "episodes": []any{map[string]any{"season": -1, "episode": 1}}}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			code, _, b := ta.do("POST", "/api/queue/add", tok, tc.body)
			if code != 422 || b["error"] != "VALIDATION_ERROR" {
				t.Fatalf("%d %v, want 422", code, b)
			}
		})
	}
	_, _, st := ta.do("GET", "/api/queue/status", tok, nil)
	if n := st["statistics"].(map[string]any)["total_items"].(float64); n != 0 {
		t.Fatalf("refused requests queued %v items", n)
	}

	code, _, b := ta.do("POST", "/api/queue/add", tok, map[string]any{"serie_id": "demo",
		"episodes": []any{"1x1", "1x02", map[string]any{"season": 1, "episode": 3}, map[string]any{"season": 1, "episode": 4, "title": "Mine"}}})
	if code != 201 || len(b["item_ids"].([]any)) != 4 {
		t.Fatalf("add 1x1, 1x02, ...: %d %v", code, b)
	}
	code, _, b = ta.do("POST", "/api/queue/add", tok, map[string]any{"serie_id": "demo", "episodes": []any{"1x01"}})
	if code != 201 || len(b["failed_items"].([]any)) != 1 {
		t.Fatalf("1x01 is not the same episode as 1x1: %d %v", code, b)
	}
	want := map[float64]string{1: "Der Anfang", 2: "Nur auf Deutsch", 3: "Tom & Jerry's <Revenge>", 4: "Mine"}
	_, _, st = ta.do("GET", "/api/queue/status", tok, nil)
	pending := st["status"].(map[string]any)["pending_queue"].([]any)
	if len(pending) != 4 {
		t.Fatalf("pending %v", pending)
	}
	for _, it := range pending {
		ep := it.(map[string]any)["episode"].(map[string]any)
		if ep["season"] != 1.0 || ep["title"] != want[ep["episode"].(float64)] {
			t.Fatalf("episode %v: title %q, want %q", ep, ep["title"], want[ep["episode"].(float64)])
		}
	}
}
