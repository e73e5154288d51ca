package serienstream

import (
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// The parsers must answer an error for broken input and never panic; what
// they accept must be well formed.

func seed(f *testing.F, pages map[string]string) {
	for _, p := range pages {
		f.Add([]byte(p))
	}
	f.Add([]byte(""))
	f.Add([]byte("<html><h1>"))
	f.Add([]byte(`<tr class="episode-row" onclick="'/serie/x/staffel-1/episode-99999999999999999999'"><th class="episode-number-cell">99999999999</th></tr>`))
	f.Add([]byte(`<h2>S1E1: (</h2><button class="link-box" data-play-url="%zz" data-provider-name="VOE" data-language-label="Deutsch"></button>`))
	f.Add([]byte(`<h1 class="fw-bold">x</h1><div id="season-nav"><a href="/serie/x/staffel-99999">x</a><a href="/serie/x/staffel-">y</a></div>FSK 999`))
}

func FuzzParseSeriesPage(f *testing.F) {
	seed(f, seriesPages)
	c := testClient(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := c.parseSeriesPage(b, "fuzz")
		if err != nil {
			return
		}
		if d.Title == "" {
			t.Errorf("success without a title")
		}
		for i, s := range d.Seasons {
			if s < 0 || (i > 0 && s <= d.Seasons[i-1]) {
				t.Errorf("seasons %v not ascending and non-negative", d.Seasons)
			}
		}
	})
}

func FuzzParseSeasonPage(f *testing.F) {
	seed(f, seasonPages)
	c := testClient(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := c.parseSeasonPage(b, "fuzz", 1)
		if err != nil {
			return
		}
		for i, ep := range s.Episodes {
			if ep.Number <= 0 || (i > 0 && ep.Number <= s.Episodes[i-1].Number) {
				t.Errorf("episode numbers not positive and ascending: %+v", s.Episodes)
			}
		}
	})
}

func FuzzParseEpisodePage(f *testing.F) {
	seed(f, episodePages)
	c := testClient(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		ep, err := c.parseEpisodePage(b, "fuzz", "https://serienstream.to/serie/x/staffel-1/episode-1")
		if err != nil {
			return
		}
		for _, l := range ep.Links {
			if l.Hoster == "" || strings.EqualFold(l.Hoster, "provider") || !l.Lang.Valid() || l.Lang == anime.LangGermanSub ||
				!(strings.HasPrefix(l.URL, "http://") || strings.HasPrefix(l.URL, "https://")) {
				t.Errorf("bad link accepted: %+v", l)
			}
		}
	})
}

func FuzzParseSuggest(f *testing.F) {
	f.Add([]byte(`{"shows":[{"name":"Breaking Bad","url":"/serie/breaking-bad"}]}`))
	f.Add([]byte("\ufeff{\"shows\":[{\"name\":\"<b>x</b>\",\"url\":\"https://h/serie/x/\"}]}"))
	f.Add([]byte(`{"shows":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		hits, err := parseSuggest(b, "fuzz")
		if err != nil {
			return
		}
		for _, h := range hits {
			if h.name == "" || !validSlug(h.slug) {
				t.Errorf("bad hit %+v", h)
			}
		}
	})
}

func FuzzParseSearchPage(f *testing.F) {
	f.Add([]byte(`<div class="search-results-list"><div class="card cover-card"><a href="/serie/x"><img data-src="/c.jpg"></a><h6 class="show-title">X</h6></div></div>`))
	f.Add([]byte(`<main>Keine Ergebnisse</main>`))
	f.Add([]byte(`<div class="search-results-list"><div class="cover-card"><a href="/serie/stream/x">y</a></div></div>`))
	c := testClient(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		hits, err := c.parseSearchPage(b, "fuzz")
		if err != nil {
			return
		}
		for _, h := range hits {
			if h.name == "" || !validSlug(h.slug) {
				t.Errorf("bad hit %+v", h)
			}
		}
	})
}

func validSlug(s string) bool {
	return s != "" && s != "stream" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == "" && s[0] != '-'
}
