package app

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/fake/site"
)

// TestAutomationMoviesAndSpecialsSeparately: through the real server, a
// new movie and a new special on the site are queued only when the
// series follows movies, respectively specials; regular episodes either
// way. Movies stand alone, so "future" takes the movies listed before
// too once movies are switched on.
func TestAutomationMoviesAndSpecialsSeparately(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	f := startAutomationFakes(t, animeDir)
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(`{"monitor":{"enabled":false}}`), 0o600)
	ta := startApp(t, dataDir, map[string]string{"ANIWORLD_PROVIDER_URL": f.siteURL, "ANIWORLD_ANIME_DIR": animeDir})
	tok := ta.setupAndLogin(testPassword)
	if code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": f.siteURL + "/anime/stream/demo",
		"monitor": map[string]any{"mode": "future"}}); code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	ta.do("POST", "/api/queue/pause", tok, nil) // queue only; nothing needs downloading here
	refresh := func() []string {
		t.Helper()
		code, _, b := ta.do("POST", "/api/anime/demo/monitor/refresh", tok, nil)
		if code != 200 {
			t.Fatalf("refresh: %d %v", code, b)
		}
		var out []string
		for _, q := range b["queued"].([]any) {
			m := q.(map[string]any)
			out = append(out, fmt.Sprintf("S%02.0fE%02.0f", m["season"], m["episode"]))
		}
		sort.Strings(out)
		return out
	}
	refresh() // baseline
	dub := site.LinksFor([]anime.Language{anime.LangGermanDub}, "VOE")
	movie, _ := f.site.AddEpisode("demo", 0, site.Episode{TitleDE: "Der zweite Film", TitleEN: "The Second Movie", Links: dub})
	special, _ := f.site.AddEpisode("demo", 0, site.Episode{TitleDE: "OVA: Am Strand", TitleEN: "OVA: Beach Day", Links: dub})
	ep, _ := f.site.AddEpisode("demo", 2, site.Episode{TitleDE: "Weiter geht's", Links: dub})
	steps := []struct {
		name  string
		patch map[string]any
		want  string
	}{
		{"neither", nil, fmt.Sprint([]string{fmt.Sprintf("S02E%02d", ep)})},
		// Movies stand alone: switching them on takes the ones listed before too.
		{"movies", map[string]any{"mode": "future", "movies": true}, fmt.Sprint([]string{"S00E01", fmt.Sprintf("S00E%02d", movie)})},
		{"specials", map[string]any{"mode": "future", "movies": true, "specials": true}, fmt.Sprint([]string{fmt.Sprintf("S00E%02d", special)})},
	}
	for _, s := range steps {
		if s.patch != nil {
			if code, _, b := ta.do("PUT", "/api/anime/demo/monitor", tok, s.patch); code != 200 {
				t.Fatalf("%s: put: %d %v", s.name, code, b)
			}
		}
		if got := fmt.Sprint(refresh()); got != s.want {
			t.Fatalf("%s: queued %s, want %s", s.name, got, s.want)
		}
	}
}
