package app

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/fake/site"
)

// TestOlderSeedParameters: what a client written against the older API
// sends works — sort_by=updated_at, sort_order, limit on search — and
// POST /api/config/directory without a directory is 400 as it documents.
func TestOlderSeedParameters(t *testing.T) {
	fake := httptest.NewServer(site.New(site.Options{Catalog: site.Generate(5, 1, 3)}))
	defer fake.Close()
	ta := startApp(t, t.TempDir(), map[string]string{"ANIWORLD_PROVIDER_URL": fake.URL, "ANIWORLD_ANIME_DIR": t.TempDir()})
	tok := ta.setupAndLogin(testPassword)
	for _, key := range []string{"series-3", "series-1", "series-2"} {
		if code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": fake.URL + "/anime/stream/" + key}); code != 200 {
			t.Fatalf("add %s: %d %v", key, code, b)
		}
		time.Sleep(3 * time.Millisecond) // updated_at has millisecond resolution
	}

	keys := func(t *testing.T, path string) []string {
		t.Helper()
		var out []string
		for _, it := range decodeList(t, ta.getRaw(path, tok)) {
			out = append(out, it["key"].(string))
		}
		return out
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"sort_by=updated_at", []string{"series-3", "series-1", "series-2"}},
		{"sort_by=updated_at&sort_order=asc", []string{"series-3", "series-1", "series-2"}},
		{"sort_by=updated_at&sort_order=desc", []string{"series-2", "series-1", "series-3"}},
		{"sort_by=name", []string{"series-1", "series-2", "series-3"}},
		{"sort_by=name&sort_order=desc", []string{"series-3", "series-2", "series-1"}},
		{"sort_by=id&sort_order=desc", []string{"series-3", "series-2", "series-1"}},
		{"sort_order=desc", []string{"series-3", "series-2", "series-1"}},
		{"sort_by=updated_at&sort_order=desc&per_page=2&page=2", []string{"series-3"}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got := keys(t, "/api/anime?"+tc.query)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
	if code, _, b := ta.do("GET", "/api/anime?sort_order=sideways", tok, nil); code != 422 {
		t.Fatalf("bad sort_order: %d %v", code, b)
	}

	for _, tc := range []struct {
		path string
		want int
	}{{"/api/anime/search?q=Series", 5}, {"/api/anime/search?q=Series&limit=2", 2}, {"/api/anime/search?query=Series&limit=10", 5}} {
		if n := len(decodeList(t, ta.getRaw(tc.path, tok))); n != tc.want {
			t.Fatalf("%s: %d results, want %d", tc.path, n, tc.want)
		}
	}
	if code, _, b := ta.do("POST", "/api/anime/search", tok, map[string]any{"query": "Series", "limit": 3}); code != 200 {
		t.Fatalf("POST search: %d %v", code, b)
	}

	for _, body := range []map[string]any{{}, {"directory": ""}, {"directory": "   "}} {
		code, _, b := ta.do("POST", "/api/config/directory", tok, body)
		if code != 400 || b["error"] != "BAD_REQUEST" {
			t.Fatalf("directory %v: %d %v, want 400", body, code, b)
		}
	}
}

// decodeList decodes a bare JSON list of objects.
func decodeList(t *testing.T, raw string) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatalf("not a list: %s", raw)
	}
	return out
}
