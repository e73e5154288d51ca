package app

import (
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/fake/site"
)

// TestRescanSeesNewEpisodes: the provider's pages are cached for hours,
// but a rescan the user asks for fetches them again, so an episode the
// site published after the series was added shows up as missing at once —
// through both ways a user starts one.
func TestRescanSeesNewEpisodes(t *testing.T) {
	fake := site.New(site.Options{Catalog: site.Demo()})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	ta := startApp(t, t.TempDir(), map[string]string{
		"ANIWORLD_PROVIDER_URL": srv.URL,
		"ANIWORLD_ANIME_DIR":    t.TempDir(),
	})
	tok := ta.setupAndLogin(testPassword)
	if code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": srv.URL + "/anime/stream/demo"}); code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	missingIn := func(season int) []int {
		code, _, b := ta.do("GET", "/api/anime/demo", tok, nil)
		if code != 200 {
			t.Fatalf("detail: %d %v", code, b)
		}
		var out []int
		for _, v := range b["missing_episodes"].(map[string]any)[fmt.Sprint(season)].([]any) {
			out = append(out, int(v.(float64)))
		}
		return out
	}
	if got := missingIn(2); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("season 2 missing %v before, want [1 2]", got)
	}

	tests := []struct {
		name  string
		start func() (int, map[string]any)
		wait  func(t *testing.T, want int)
	}{
		{"POST /api/anime/rescan", func() (int, map[string]any) {
			code, _, b := ta.do("POST", "/api/anime/rescan", tok, nil)
			return code, b
		}, func(t *testing.T, want int) {
			// The scan runs in the background and says nothing when it ends;
			// wait for its effect, bounded.
			deadline := time.Now().Add(10 * time.Second)
			for !slices.Contains(missingIn(2), want) {
				if time.Now().After(deadline) {
					t.Fatalf("episode %d never appeared after the rescan: missing %v", want, missingIn(2))
				}
				time.Sleep(20 * time.Millisecond)
			}
		}},
		{"POST /api/scheduler/trigger-rescan", func() (int, map[string]any) {
			code, _, b := ta.do("POST", "/api/scheduler/trigger-rescan", tok, nil)
			return code, b
		}, func(t *testing.T, want int) {
			deadline := time.Now().Add(10 * time.Second)
			for {
				_, _, b := ta.do("GET", "/api/scheduler/config", tok, nil)
				if r, ok := b["last_result"].(map[string]any); ok && r["trigger"] == "manual" {
					if r["status"] != "success" {
						t.Fatalf("rescan result %v", r)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the triggered rescan did not finish")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if got := missingIn(2); !slices.Contains(got, want) {
				t.Fatalf("season 2 missing %v right after the rescan, want episode %d in it", got, want)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := fake.AddEpisode("demo", 2, site.Episode{TitleDE: "Neu", Links: site.LinksFor([]anime.Language{anime.LangGermanDub}, "VOE")})
			if err != nil {
				t.Fatal(err)
			}
			if got := missingIn(2); slices.Contains(got, n) {
				t.Fatalf("episode %d missing before any rescan (%v): the test would prove nothing", n, got)
			}
			// A rescan may still be running from the previous case.
			var code int
			var b map[string]any
			for i := 0; i < 200; i++ {
				if code, b = tt.start(); code != 409 {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			if code != 200 {
				t.Fatalf("start: %d %v", code, b)
			}
			tt.wait(t, n)
		})
	}
}
