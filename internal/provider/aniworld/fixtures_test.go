package aniworld

import (
	"bytes"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

var update = flag.Bool("update", false, "rewrite testdata/ fixtures from the fake site")

// fixtures are pages captured from internal/fake/site; the parsers are
// tested against these static files too, and the fuzz targets seed from
// them. Run `go test ./internal/provider/aniworld -run TestFixtures -update`
// after changing the fake's markup.
var fixtures = []struct {
	file   string
	method string
	path   string
}{
	{"series_demo.html", http.MethodGet, "/anime/stream/demo"},
	{"series_no_movies.html", http.MethodGet, "/anime/stream/no-movies"},
	{"series_unknown.html", http.MethodGet, "/anime/stream/unknown-show"},
	{"season_demo_1.html", http.MethodGet, "/anime/stream/demo/staffel-1"},
	{"season_demo_filme.html", http.MethodGet, "/anime/stream/demo/filme"},
	{"episode_demo_1_1.html", http.MethodGet, "/anime/stream/demo/staffel-1/episode-1"},
	{"episode_demo_1_2.html", http.MethodGet, "/anime/stream/demo/staffel-1/episode-2"},
	{"search_demo.json", http.MethodPost, "/ajax/search"},
	{"series_search_demo.json", http.MethodGet, "/ajax/seriesSearch?keyword=demo"},
}

func TestFixturesMatchFakeSite(t *testing.T) {
	e := newEnv(t, envOpts{})
	host := strings.TrimPrefix(e.srv.URL, "http://")
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			var resp *http.Response
			var err error
			if f.method == http.MethodPost {
				resp, err = http.PostForm(e.srv.URL+f.path, url.Values{"keyword": {"demo"}})
			} else {
				resp, err = http.Get(e.srv.URL + f.path)
			}
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = bytes.ReplaceAll(body, []byte(host), []byte("aniworld.to"))
			path := filepath.Join("testdata", f.file)
			if *update {
				if err := os.WriteFile(path, body, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(body, want) {
				t.Errorf("fake site output differs from %s; run with -update if the change is intended", path)
			}
		})
	}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fixtureClient(t testing.TB) *Client {
	t.Helper()
	c, err := New(AniWorld("https://aniworld.to", nopDoer{}, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestParseFixtures runs the parsers over the static pages, without any
// server.
func TestParseFixtures(t *testing.T) {
	c := fixtureClient(t)
	t.Run("series", func(t *testing.T) {
		d, err := c.parseSeriesPage(readFixture(t, "series_demo.html"), "demo")
		if err != nil || d.Title != "Demo & Friends" || len(d.Seasons) != 3 || d.Cover != "https://aniworld.to/public/img/cover/demo-stream-cover-AbCdEf_220x330.jpg" {
			t.Errorf("%+v %v", d, err)
		}
	})
	t.Run("unknown series", func(t *testing.T) {
		_, err := c.parseSeriesPage(readFixture(t, "series_unknown.html"), "unknown-show")
		if err == nil || !strings.Contains(err.Error(), "Die gewünschte Serie wurde nicht gefunden") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("series page doubles as season 1", func(t *testing.T) {
		s, err := c.parseSeasonPage(readFixture(t, "series_demo.html"), "demo", 1)
		if err != nil || len(s.Episodes) != 3 {
			t.Errorf("%+v %v", s, err)
		}
	})
	t.Run("movies", func(t *testing.T) {
		s, err := c.parseSeasonPage(readFixture(t, "season_demo_filme.html"), "demo/filme", 0)
		if err != nil || len(s.Episodes) != 1 || s.Episodes[0].TitleDE != "" || s.Episodes[0].URL != "https://aniworld.to/anime/stream/demo/filme/film-1" {
			t.Errorf("%+v %v", s, err)
		}
	})
	t.Run("episode", func(t *testing.T) {
		ep, err := c.parseEpisodePage(readFixture(t, "episode_demo_1_2.html"), "demo S01E02")
		if err != nil || len(ep.Links) != 5 || len(ep.Languages) != 1 || ep.Languages[0] != anime.LangGermanDub || ep.TitleEN != "German Only" || ep.Description != "Nur synchronisiert." {
			t.Errorf("%+v %v", ep, err)
		}
	})
	t.Run("search", func(t *testing.T) {
		hits, err := parseSearchJSON(readFixture(t, "search_demo.json"))
		if err != nil || len(hits) != 3 || hits[0].Link != "/anime/stream/demo" || !strings.Contains(hits[0].Title, "<em>") {
			t.Errorf("%+v %v", hits, err)
		}
	})
	t.Run("series search", func(t *testing.T) {
		hits, err := parseSeriesSearchJSON(readFixture(t, "series_search_demo.json"))
		if err != nil || len(hits) != 1 || hits[0].Link != "demo" || hits[0].ProductionYear != "(2020 - Heute)" {
			t.Errorf("%+v %v", hits, err)
		}
	})
}
