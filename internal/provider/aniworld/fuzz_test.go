package aniworld

import (
	"testing"
)

// The parsers must answer an error for broken input and never panic.

func seedHTML(f *testing.F, files ...string) {
	for _, name := range files {
		f.Add(readFixture(f, name))
	}
	f.Add([]byte(""))
	f.Add([]byte("<html><div class=\"messageAlert danger\">x</div>"))
	f.Add([]byte(`<table class="seasonEpisodesList"><tbody><tr><td><meta itemprop="episodeNumber" content="-1"><a itemprop="url" href="/x/episode-99999999999999999999"></a></td></tr></tbody></table>`))
	f.Add([]byte(`<div class="hosterSiteVideo"><div class="changeLanguageBox"><img data-lang-key="9" src="/public/img/german.svg"></div><ul class="row"><li data-lang-key="1" data-link-target="%zz"><h4>VOE</h4></li></ul></div>`))
	f.Add([]byte(`<div class="series-title"><h1 data-alternativetitles=",,"><span> </span></h1><small><span itemprop="startDate"><a>99999999999999999999</a></span></small></div><div id="stream"><a href="/staffel-99999999999999999999">x</a></div>`))
}

func FuzzParseSeriesPage(f *testing.F) {
	seedHTML(f, "series_demo.html", "series_no_movies.html", "series_unknown.html")
	c := fixtureClient(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := c.parseSeriesPage(b, "fuzz")
		if err == nil && d.Title == "" {
			t.Errorf("success without a title")
		}
	})
}

func FuzzParseSeasonPage(f *testing.F) {
	seedHTML(f, "season_demo_1.html", "season_demo_filme.html")
	c := fixtureClient(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := c.parseSeasonPage(b, "fuzz", 1)
		if err != nil {
			return
		}
		for _, ep := range s.Episodes {
			if ep.Number <= 0 {
				t.Errorf("episode number %d accepted", ep.Number)
			}
		}
	})
}

func FuzzParseEpisodePage(f *testing.F) {
	seedHTML(f, "episode_demo_1_1.html", "episode_demo_1_2.html")
	c := fixtureClient(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		ep, err := c.parseEpisodePage(b, "fuzz")
		if err != nil {
			return
		}
		for _, l := range ep.Links {
			if !l.Lang.Valid() || l.Hoster == "" || l.URL == "" {
				t.Errorf("incomplete link %+v accepted", l)
			}
		}
	})
}

func FuzzParseSearchJSON(f *testing.F) {
	f.Add(readFixture(f, "search_demo.json"))
	f.Add([]byte("\ufeff\x00[{\"title\":\"a\n<em>b</em>\",\"link\":\"\\/anime\\/stream\\/x\"}]"))
	f.Add([]byte("<html>not json</html>"))
	f.Add([]byte("[{\"title\":1}]"))
	f.Add([]byte(""))
	c := fixtureClient(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		hits, err := parseSearchJSON(b)
		if err != nil {
			return
		}
		for _, h := range hits {
			_ = stripTags(h.Title)
			if key, ok := c.slugFromLink(h.Link); ok && key == "" {
				t.Errorf("empty key accepted from %q", h.Link)
			}
		}
	})
}

func FuzzParseSeriesSearchJSON(f *testing.F) {
	f.Add(readFixture(f, "series_search_demo.json"))
	f.Add([]byte(`[{"name":"x","link":"../../etc","productionYear":"(abc)"}]`))
	f.Add([]byte(`{"name":"not an array"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseSeriesSearchJSON(b)
	})
}
