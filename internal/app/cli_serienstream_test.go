package app

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	fakess "github.com/aniworld/aniworld/internal/fake/serienstream"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/provider"
)

// TestCLISerienstream: search shows each result's site (every site by
// default, one with --site), resolve and download take serienstream links
// in their new and legacy forms.
func TestCLISerienstream(t *testing.T) {
	media := fakehoster.TestMedia(32<<10, 2, 8<<10)
	farm := fakehoster.Start(media)
	defer farm.Close()
	aw := httptest.NewServer(site.New(site.Options{Catalog: site.Demo(), EmbedURL: farm.EmbedURL}))
	defer aw.Close()
	ss := httptest.NewServer(fakess.New(fakess.Options{EmbedURL: farm.EmbedURL}))
	defer ss.Close()
	animeDir, dataDir := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(sstoConfig), 0o600)
	env := map[string]string{"ANIWORLD_PROVIDER_URL": aw.URL, "ANIWORLD_STO_URL": ss.URL, "ANIWORLD_DATA_DIR": dataDir, "ANIWORLD_ANIME_DIR": animeDir}

	code, out, errOut := runCLI(t, env, "search", "demo")
	if code != 0 || !strings.Contains(out, "SITE") || !hasRow(out, "aniworld.to", "demo") || !hasRow(out, "s.to", "the-office-demo") {
		t.Fatalf("search: %d\n%s%s", code, out, errOut)
	}
	for _, siteName := range []string{"s.to", "serienstream.to"} {
		code, out, _ = runCLI(t, env, "search", "--site", siteName, "--json", "demo")
		var res []provider.SearchResult
		if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res) != 2 {
			t.Fatalf("search --site %s: %d %s", siteName, code, out)
		}
		for _, r := range res {
			if r.Site != "s.to" || !strings.HasPrefix(r.Link, ss.URL+"/serie/") {
				t.Fatalf("search --site %s: %+v", siteName, r)
			}
		}
	}
	if code, _, errOut := runCLI(t, env, "search", "--site", "example.org", "demo"); code != 2 || !strings.Contains(errOut, "unknown site") {
		t.Fatalf("unknown site: %d %s", code, errOut)
	}

	code, out, errOut = runCLI(t, env, "resolve", ss.URL+"/serie/the-office-demo/staffel-1/episode-3", "1", "3")
	if code != 0 || !strings.Contains(out, "language: English Dub") || !strings.Contains(out, "hoster:   Vidoza") {
		t.Fatalf("resolve: %d\n%s%s", code, out, errOut)
	}

	// The legacy link form downloads too (the series is stored in the new form).
	code, out, errOut = runCLI(t, env, "download", "https://s.to/serie/stream/the-office-demo", "--season", "1")
	if code != 0 {
		t.Fatalf("download: %d\n%s\n%s", code, out, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(animeDir, "*", "Season 01", "*.mp4"))
	for i := range files {
		files[i] = filepath.Base(files[i])
	}
	sort.Strings(files)
	want := []string{"The Office & Co - S01E01 - (German Dub).mp4", "The Office & Co - S01E02 - (German Dub).mp4", "The Office & Co - S01E03 - (English Dub).mp4"}
	if strings.Join(files, "|") != strings.Join(want, "|") {
		t.Fatalf("files %v\n%s", files, out)
	}
}

// hasRow reports whether a tabular output has a line starting with the
// given columns.
func hasRow(out string, cols ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= len(cols) && strings.Join(f[:len(cols)], " ") == strings.Join(cols, " ") {
			return true
		}
	}
	return false
}
