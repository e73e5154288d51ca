package aniworld

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/provider"
)

var (
	dub    = anime.LangGermanDub
	engSub = anime.LangEnglishSub
	gerSub = anime.LangGermanSub
)

func TestSeries(t *testing.T) {
	tests := []struct {
		name      string
		key       string
		faults    site.Fault
		check     func(t *testing.T, base string, d provider.SeriesDetails)
		wantErrIs error
	}{
		{name: "ongoing with movies", key: "demo", check: func(t *testing.T, base string, d provider.SeriesDetails) {
			want := provider.SeriesDetails{
				Key: "demo", Site: "aniworld.to", Link: base + "/anime/stream/demo",
				Title:       "Demo & Friends",
				AltTitles:   []string{"デモ", "Demo and Friends", "Demo: Die Serie"},
				Description: `Ein "Demo" & seine Freunde <3 – eine Geschichte über Tests, Fixtures und das Warten auf die nächste Folge. Sie kämpfen gegen Timeouts & flackernde Tests.`,
				StartYear:   2020, Ongoing: true,
				Genres: []string{"Action", "Abenteuer", "Komödie"},
				Cover:  base + "/public/img/cover/demo-stream-cover-AbCdEf_220x330.jpg",
				IMDbID: "tt1234567", FSK: 12,
				Seasons: []int{0, 1, 2},
			}
			if !reflect.DeepEqual(d, want) {
				t.Errorf("got  %+v\nwant %+v", d, want)
			}
			if !d.HasMovies() || d.Folder() != "Demo & Friends (2020)" {
				t.Errorf("HasMovies %v Folder %q", d.HasMovies(), d.Folder())
			}
		}},
		{name: "ended without movies", key: "no-movies", check: func(t *testing.T, base string, d provider.SeriesDetails) {
			if d.Ongoing || d.StartYear != 2019 || d.EndYear != 2021 || d.HasMovies() || !reflect.DeepEqual(d.Seasons, []int{1}) {
				t.Errorf("got %+v", d)
			}
			if !reflect.DeepEqual(d.Genres, []string{"Drama"}) || d.IMDbID != "" || d.FSK != 16 {
				t.Errorf("genres %v imdb %q fsk %d", d.Genres, d.IMDbID, d.FSK)
			}
		}},
		{name: "unknown slug", key: "nope", wantErrIs: anime.ErrNotFound},
		{name: "path injection refused", key: "../admin", wantErrIs: anime.ErrInvalid},
		{name: "ddos-guard", key: "demo", faults: site.FaultDDoSGuard, wantErrIs: anime.ErrChallenge},
		{name: "just a moment", key: "demo", faults: site.FaultJustAMoment, wantErrIs: anime.ErrChallenge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOpts{})
			e.site.SetFaults(tt.faults)
			d, err := e.client.Series(t.Context(), tt.key)
			if tt.wantErrIs != nil {
				if !errors.Is(err, tt.wantErrIs) {
					t.Fatalf("err %v, want %v", err, tt.wantErrIs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, e.srv.URL, d)
		})
	}
}

func TestSeasons(t *testing.T) {
	e := newEnv(t, envOpts{})
	got, err := e.client.Seasons(t.Context(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[int]int{}
	for _, s := range got {
		counts[s.Number] = len(s.Episodes)
	}
	if !reflect.DeepEqual(counts, map[int]int{0: 1, 1: 3, 2: 2}) {
		t.Fatalf("episode counts %v", counts)
	}
	base := e.srv.URL + "/anime/stream/demo"
	tests := []struct {
		name    string
		season  int
		episode int
		want    provider.EpisodeInfo
	}{
		{"movie has empty german title", 0, 1, provider.EpisodeInfo{Number: 1, TitleEN: "Demo: The Movie", Languages: []anime.Language{dub}, Hosters: []string{"VOE", "Vidoza"}, URL: base + "/filme/film-1"}},
		{"all languages", 1, 1, provider.EpisodeInfo{Number: 1, TitleDE: "Der Anfang", TitleEN: "The Beginning", Languages: []anime.Language{dub, engSub, gerSub}, Hosters: site.AllHosters(), URL: base + "/staffel-1/episode-1"}},
		{"dub only", 1, 2, provider.EpisodeInfo{Number: 2, TitleDE: "Nur auf Deutsch", TitleEN: "German Only", Languages: []anime.Language{dub}, Hosters: site.AllHosters(), URL: base + "/staffel-1/episode-2"}},
		{"entities and empty strong", 1, 3, provider.EpisodeInfo{Number: 3, TitleEN: "Tom & Jerry's <Revenge>", Languages: []anime.Language{dub, engSub, gerSub}, Hosters: site.AllHosters(), URL: base + "/staffel-1/episode-3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s provider.Season
			for _, x := range got {
				if x.Number == tt.season {
					s = x
				}
			}
			ep := s.Episodes[tt.episode-1]
			if !reflect.DeepEqual(ep, tt.want) {
				t.Errorf("got  %+v\nwant %+v", ep, tt.want)
			}
		})
	}
	if _, err := e.client.Season(t.Context(), "no-movies", 0); !errors.Is(err, anime.ErrNotFound) {
		t.Errorf("movies of a show without movies: err %v, want ErrNotFound", err)
	}
	if _, err := e.client.Season(t.Context(), "demo", 7); !errors.Is(err, anime.ErrNotFound) {
		t.Errorf("unknown season: err %v, want ErrNotFound", err)
	}
}

func TestEpisode(t *testing.T) {
	tests := []struct {
		name      string
		key       string
		season    int
		episode   int
		wantLangs []anime.Language
		wantLinks int
		wantTitle string
		wantErrIs error
	}{
		{name: "three languages five hosters", key: "demo", season: 1, episode: 1, wantLangs: []anime.Language{dub, engSub, gerSub}, wantLinks: 15, wantTitle: "Der Anfang"},
		{name: "dub only", key: "demo", season: 1, episode: 2, wantLangs: []anime.Language{dub}, wantLinks: 5, wantTitle: "Nur auf Deutsch"},
		{name: "movie", key: "demo", season: 0, episode: 1, wantLangs: []anime.Language{dub}, wantLinks: 2},
		{name: "no-movies show subs only", key: "no-movies", season: 1, episode: 2, wantLangs: []anime.Language{engSub, gerSub}, wantLinks: 10, wantTitle: "Zwei"},
		{name: "unknown episode", key: "demo", season: 1, episode: 9, wantErrIs: anime.ErrNotFound},
		{name: "unknown series", key: "nope", season: 1, episode: 1, wantErrIs: anime.ErrNotFound},
		{name: "episode zero", key: "demo", season: 1, episode: 0, wantErrIs: anime.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOpts{})
			ep, err := e.client.Episode(t.Context(), tt.key, tt.season, tt.episode)
			if tt.wantErrIs != nil {
				if !errors.Is(err, tt.wantErrIs) {
					t.Fatalf("err %v, want %v", err, tt.wantErrIs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ep.Languages, tt.wantLangs) || len(ep.Links) != tt.wantLinks || ep.TitleDE != tt.wantTitle {
				t.Errorf("langs %v links %d title %q", ep.Languages, len(ep.Links), ep.TitleDE)
			}
			if ep.Key != tt.key || ep.Season != tt.season || ep.Episode != tt.episode {
				t.Errorf("ref %s %d %d", ep.Key, ep.Season, ep.Episode)
			}
			for _, l := range ep.Links {
				id := strings.TrimPrefix(l.URL, e.srv.URL+"/redirect/")
				info, ok := e.site.Link(id)
				if !ok || info.Hoster != l.Hoster || info.Lang != l.Lang || info.Season != tt.season || info.Episode != tt.episode {
					t.Errorf("link %+v does not match site link %+v", l, info)
				}
			}
		})
	}
}

// TestParseErrorsNameTheStep feeds pages whose markup changed and checks
// the message says which step and page broke.
func TestParseErrorsNameTheStep(t *testing.T) {
	c, err := New(AniWorld("https://aniworld.to", nopDoer{}, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		parse func() error
		want  string
	}{
		{"series without title", func() error {
			_, err := c.parseSeriesPage([]byte("<html><div class=series-title></div></html>"), "demo")
			return err
		},
			`aniworld: series page "demo": no div.series-title h1 found`},
		{"series without nav", func() error {
			_, err := c.parseSeriesPage([]byte(`<div class="series-title"><h1><span>X</span></h1></div>`), "demo")
			return err
		}, `aniworld: series page "demo": no div#stream season navigation found`},
		{"season without table", func() error {
			_, err := c.parseSeasonPage([]byte("<html><body>neu</body></html>"), "demo/staffel-1", 1)
			return err
		},
			`aniworld: season page "demo/staffel-1": no table.seasonEpisodesList found`},
		{"season row without number", func() error {
			_, err := c.parseSeasonPage([]byte(`<table class="seasonEpisodesList"><tbody><tr><td>?</td></tr></tbody></table>`), "demo/staffel-1", 1)
			return err
		}, `aniworld: season page "demo/staffel-1": row 1: no episode number (meta[itemprop=episodeNumber] or episode-N link)`},
		{"episode without video box", func() error { _, err := c.parseEpisodePage([]byte("<html></html>"), "demo S01E01"); return err },
			`aniworld: episode page "demo S01E01": no div.hosterSiteVideo found`},
		{"episode with unreadable hosters", func() error {
			_, err := c.parseEpisodePage([]byte(`<div class="hosterSiteVideo"><ul class="row"><li data-lang-key="x"></li></ul></div>`), "demo S01E01")
			return err
		}, `aniworld: episode page "demo S01E01": 1 hoster entries in div.hosterSiteVideo, none readable (entry 1: data-lang-key "x")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse()
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err %v\nwant %s", err, tt.want)
			}
			var pe *ParseError
			if !errors.Is(err, anime.ErrProvider) || !errors.As(err, &pe) {
				t.Errorf("want a *ParseError wrapping ErrProvider")
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"relative base", AniWorld("/x", nopDoer{}, nil, nil)},
		{"ftp base", AniWorld("ftp://aniworld.to", nopDoer{}, nil, nil)},
		{"no doer", AniWorld("https://aniworld.to", nil, nil, nil)},
		{"no site", Config{BaseURL: "https://aniworld.to", Doer: nopDoer{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); !errors.Is(err, anime.ErrInvalid) {
				t.Errorf("err %v, want ErrInvalid", err)
			}
		})
	}
}
