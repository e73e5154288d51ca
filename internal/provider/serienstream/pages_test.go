package serienstream

import (
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

// testClient is a client for parser tests; parsers never send requests.
func testClient(t testing.TB) *Client {
	t.Helper()
	c, err := New(Config{BaseURLs: []string{"https://serienstream.to"}, Doer: http.DefaultClient})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The same series page written four ways: the site's markup, minified with
// other attribute order and extra classes, wrapped in more layout with
// comments and noise, and with single quotes and upper-case tags.
var seriesPages = map[string]string{
	"spec": `<!DOCTYPE html><html><body>
<nav><a href="/">SerienStream</a><h1 class="visually-hidden"></h1></nav>
<main><img class="lazy" src="data:image/gif;base64,R0l" data-src="/media/images/channel/desktop/breaking-bad-a1b2c3?format=jpg">
<h1 class="h2 mb-1 fw-bold">Breaking Bad</h1>
<a class="small text-muted" href="/jahr/2008">2008</a> <span class="badge">FSK 16</span>
<a href="https://www.imdb.com/title/tt0903747/">IMDb</a>
<span class="description-text">Ein Chemielehrer &amp; sein Schüler.</span>
<ul><li class="series-group"><strong class="me-1">Genre:</strong><a class="link-light" href="/genre/drama">Drama</a>, <a class="link-light" href="/genre/krimi">Krimi</a></li>
<li class="series-group"><strong class="me-1">Besetzung:</strong><a class="link-light" href="/p/1">Bryan Cranston</a>, <a class="link-light" href="/p/2">Aaron Paul</a></li>
<li class="series-group"><strong class="me-1">Regisseur:</strong><a class="link-light" href="/p/3">Vince Gilligan</a></li>
<li class="series-group"><strong class="me-1">Land:</strong><a class="link-light" href="/land/usa">USA</a></li></ul>
<div id="season-nav"><ul><li><a href="/serie/breaking-bad/staffel-1">1</a></li><li><a href="/serie/breaking-bad/staffel-2" class="active">2</a></li><li><a href="/serie/breaking-bad/staffel-0">Specials</a></li></ul></div>
</main></body></html>`,
	"minified": `<html><body><div class="wrap"><h1 data-x="1" class="fw-bold h2 mb-1 title-xl">Breaking   Bad</h1><div id="season-nav" class="nav sticky"><ul class="nav"><li class="x"><a class="nav-link" href="https://serienstream.to/serie/breaking-bad/staffel-2/">Staffel 2</a></li><li><a href="/serie/breaking-bad/staffel-1" class="nav-link">Staffel 1</a></li><li><a href="/serie/breaking-bad/filme">Filme</a></li></ul></div><span class="text-light description-text small">Ein Chemielehrer &amp;amp; sein Schüler.</span><li class="series-group d-flex"><strong>Genre:</strong> <a href="/genre/drama">Drama</a> <a href="/genre/krimi">Krimi</a></li><li class="series-group"><strong class="me-1">Besetzung:</strong><span><a href="/p/1">Bryan Cranston</a></span><span><a href="/p/2">Aaron Paul</a></span></li><p>FSK: 16 · <a href="/jahr/2008" class="text-muted">2008</a> · <a rel="noopener" target="_blank" href="http://imdb.com/title/tt0903747">IMDb</a></p><img alt="poster" data-src="/media/images/channel/desktop/breaking-bad-ffff?format=jpg" class="poster"></div></body></html>`,
	"wrapped": `<html><head><script>var h1="<h1>no</h1>";</script></head><body>
<!-- header --><header><div class="container"><div class="row"><div class="col">
<section class="series"><div class="series-header"><div class="inner">
  <h1
     class="h2 mb-1 fw-bold"
  >
     Breaking Bad
  </h1>
  <div class="meta"><a href="/jahr/2008" class="small text-muted">2008</a><span>|</span><span>FSK 16</span></div>
  <p><span class="description-text">Ein Chemielehrer &amp; sein Schüler.</span><a class="more">mehr</a></p>
  <ul class="list-unstyled"><li class="series-group"><strong class="me-1">Genre:</strong>
     <a class="link-light" href="/genre/drama">Drama</a>,
     <a class="link-light" href="/genre/krimi">Krimi</a>
  </li><li class="series-group"><strong class="me-1">Produzent:</strong><a class="link-light" href="/p/9">Sony</a></li></ul>
  <a class="imdb" href="https://m.imdb.com/title/tt0903747/?ref=x">IMDb</a>
  <picture><img src="/media/images/channel/desktop/breaking-bad-0000?format=jpg" alt=""></picture>
</div></div></section>
<div id="season-nav"><ul><li><a href="/serie/other-show/staffel-9">Other</a></li><li><a href="/serie/breaking-bad/staffel-1">1</a></li><li><a href="/serie/breaking-bad/staffel-2">2</a></li></ul></div>
</div></div></div></header><footer>FSK-Hinweis</footer></body></html>`,
	"quotes": `<HTML><BODY><H1 CLASS='h2 mb-1 fw-bold'>Breaking Bad</H1><SPAN CLASS='description-text'>Ein Chemielehrer &amp; sein Schüler.</SPAN>
<LI CLASS='series-group'><STRONG CLASS='me-1'>Genre:</STRONG><A CLASS='link-light' HREF='/genre/drama'>Drama</A><A CLASS='link-light' HREF='/genre/krimi'>Krimi</A></LI>
<A HREF='/jahr/2008'>2008</A> FSK 16 <A HREF='https://www.imdb.com/title/tt0903747'>IMDb</A><IMG DATA-SRC='/media/images/channel/desktop/breaking-bad-1?format=jpg'>
<DIV ID='season-nav'><UL><LI><A HREF='/serie/breaking-bad/staffel-1'>1</A></LI><LI><A HREF='/serie/breaking-bad/staffel-2'>2</A></LI></UL></DIV></BODY></HTML>`,
}

func TestParseSeriesPageVariants(t *testing.T) {
	c := testClient(t)
	for name, page := range seriesPages {
		t.Run(name, func(t *testing.T) {
			d, err := c.parseSeriesPage([]byte(page), "breaking-bad")
			if err != nil {
				t.Fatal(err)
			}
			if d.Title != "Breaking Bad" || d.StartYear != 2008 || d.FSK != 16 || d.IMDbID != "tt0903747" ||
				d.Description != "Ein Chemielehrer & sein Schüler." || !slices.Equal(d.Genres, []string{"Drama", "Krimi"}) ||
				d.Site != "s.to" || d.Link != "https://serienstream.to/serie/breaking-bad" {
				t.Errorf("details %+v", d)
			}
			if d.Cover == "" || d.Cover[:len("https://serienstream.to/media/images/channel/desktop/breaking-bad-")] != "https://serienstream.to/media/images/channel/desktop/breaking-bad-" {
				t.Errorf("cover %q", d.Cover)
			}
			want := []int{1, 2}
			if name == "spec" || name == "minified" {
				want = []int{0, 1, 2} // specials / movies entry
			}
			if !slices.Equal(d.Seasons, want) {
				t.Errorf("seasons %v, want %v", d.Seasons, want)
			}
		})
	}
	d, _ := c.parseSeriesPage([]byte(seriesPages["spec"]), "breaking-bad")
	if !slices.Equal(d.Cast, []string{"Bryan Cranston", "Aaron Paul"}) || !slices.Equal(d.Directors, []string{"Vince Gilligan"}) || !slices.Equal(d.Countries, []string{"USA"}) {
		t.Errorf("people %+v", d)
	}
	for name, page := range map[string]string{"no h1": `<html><body><p>x</p></body></html>`, "empty h1": `<h1> </h1>`, "empty": ``} {
		if _, err := c.parseSeriesPage([]byte(page), "x"); !errors.Is(err, anime.ErrProvider) {
			t.Errorf("%s: err %v, want a parse error", name, err)
		}
	}
}

var seasonPages = map[string]string{
	"spec": `<table class="table"><tbody>
<tr class="episode-row" onclick="window.location='/serie/breaking-bad/staffel-1/episode-1'"><th class="episode-number-cell">1</th>
<td><strong class="episode-title-ger">Der Einstieg</strong> <span class="episode-title-eng">Pilot</span></td>
<td><img src="/img/voe.svg" alt="VOE"><img src="/img/vidoza.svg" alt="Vidoza"></td><td><img alt="Deutsch" src="/flags/de.svg"><img alt="Englisch" src="/flags/en.svg"></td></tr>
<tr class="episode-row" onclick="window.location='/serie/breaking-bad/staffel-1/episode-2'"><th class="episode-number-cell">2</th>
<td><strong class="episode-title-ger">Die Katze ist im Sack</strong> <span class="episode-title-eng">Cat&#39;s in the Bag...</span></td><td><img alt="Vidoza"></td></tr>
</tbody></table>`,
	"escaped onclick, reordered attrs": `<table><tr onclick="window.location.href = &#39;\/serie\/breaking-bad\/staffel-1\/episode-2&#39;;" data-id="7" class="table-row episode-row odd"><td class="x"><span class="episode-title-eng">Cat&#39;s in the Bag...</span><strong class="fw-bold episode-title-ger">Die Katze ist im Sack</strong></td><th scope="row" class="episode-number-cell text-end">Folge 2</th><td><img alt="Vidoza" class="hoster"/></td></tr>
<tr data-id="6" class="episode-row" onclick="go('/serie/breaking-bad/staffel-1/episode-1')"><th class="episode-number-cell">E01</th><td><strong class="episode-title-ger">Der Einstieg</strong><span class="episode-title-eng">Pilot</span></td><td><img alt="VOE"><img alt="Vidoza"><img alt="VOE"></td></tr></table>`,
	"links instead of onclick, no number cell": `<div class="table-responsive"><table><tbody>
<tr class="episode-row"><td><a href="/serie/breaking-bad/staffel-1/episode-1"><strong class="episode-title-ger">Der Einstieg</strong>
<span class="episode-title-eng">Pilot</span></a></td><td><img alt="VOE"><img alt=""><img alt="Vidoza"></td></tr>
<tr class="episode-row"><td><a href="https://serienstream.to/serie/breaking-bad/staffel-1/episode-2"><strong class="episode-title-ger">Die Katze ist im Sack</strong><span class="episode-title-eng">Cat's in the Bag...</span></a></td><td><img alt="Vidoza"></td></tr>
</tbody></table></div>`,
}

func TestParseSeasonPageVariants(t *testing.T) {
	c := testClient(t)
	for name, page := range seasonPages {
		t.Run(name, func(t *testing.T) {
			s, err := c.parseSeasonPage([]byte(page), "breaking-bad/staffel-1", 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Episodes) != 2 {
				t.Fatalf("episodes %+v", s.Episodes)
			}
			e1, e2 := s.Episodes[0], s.Episodes[1]
			if e1.Number != 1 || e1.TitleDE != "Der Einstieg" || e1.TitleEN != "Pilot" || !slices.Equal(e1.Hosters, []string{"VOE", "Vidoza"}) ||
				e1.URL != "https://serienstream.to/serie/breaking-bad/staffel-1/episode-1" {
				t.Errorf("episode 1 %+v", e1)
			}
			if e2.Number != 2 || e2.TitleDE != "Die Katze ist im Sack" || e2.TitleEN != "Cat's in the Bag..." || !slices.Equal(e2.Hosters, []string{"Vidoza"}) {
				t.Errorf("episode 2 %+v", e2)
			}
		})
	}
	s, _ := c.parseSeasonPage([]byte(seasonPages["spec"]), "x", 1)
	if !slices.Equal(s.Episodes[0].Languages, []anime.Language{anime.LangGermanDub, anime.LangEnglishDub}) {
		t.Errorf("flags %v", s.Episodes[0].Languages)
	}
	untitled := `<table><tr class="episode-row" onclick="location='/serie/x/staffel-3/episode-1'"><th class="episode-number-cell">1</th><td></td><td></td></tr></table>`
	if s, err := c.parseSeasonPage([]byte(untitled), "x", 3); err != nil || len(s.Episodes) != 1 || s.Episodes[0].Title() != "" {
		t.Errorf("untitled season: %+v %v", s, err)
	}
	for name, page := range map[string]string{
		"no rows":   `<table><tr><td>1</td></tr></table>`,
		"no number": `<table><tr class="episode-row"><td>Titel</td></tr></table>`,
	} {
		if _, err := c.parseSeasonPage([]byte(page), "x", 1); !errors.Is(err, anime.ErrProvider) {
			t.Errorf("%s: err %v, want a parse error", name, err)
		}
	}
}

var episodePages = map[string]string{
	"spec": `<div class="episode-header"><h2 class="h4 mb-1">S01E02: Die Katze ist im Sack (Cat's in the Bag...)</h2></div>
<div class="link-boxes">
<button class="link-box" data-play-url="/r?t=off" data-provider-name="Provider" data-language-label="Deutsch" data-language-id="1">Netflix</button>
<button class="link-box" data-play-url="/r?t=a1" data-provider-name="VOE" data-language-label="Deutsch" data-language-id="1">VOE</button>
<button class="link-box" data-play-url="/r?t=a2" data-provider-name="Vidoza" data-language-label="Englisch" data-language-id="2">Vidoza</button>
</div>`,
	"attribute order, whitespace, wrappers": `<section><header><h2>Staffel 1</h2><h2
  class="h4 mb-1 text-light">
  S01E02:   Die Katze ist im Sack
  (Cat's in the Bag...)
</h2></header><div class="row"><div class="col"><button data-language-id="1" data-provider-name=" VOE " type="button" class="btn link-box active" data-language-label="Deutsch" data-play-url="https://serienstream.to/r?t=a1"><i class="icon"></i></button></div>
<div class="col"><button class="btn btn-outline link-box" data-provider-name="provider" data-play-url="/r?t=off" data-language-label="Deutsch"></button><button type="button" data-play-url="/r?t=a2" data-language-label="Englisch" class="link-box" data-provider-name="Vidoza" data-language-id="2"></button></div></div></section>`,
	"language by id only": `<h2 class="h4">S01E02: Die Katze ist im Sack (Cat's in the Bag...)</h2>
<button class="link-box" data-play-url="/r?t=a1" data-provider-name="VOE" data-language-label="Deutsch" data-language-id="1"></button>
<button class="link-box" data-play-url="/r?t=a2" data-provider-name="Vidoza" data-language-label="Englisch" data-language-id="2"></button>
<button class="link-box" data-play-url="/r?t=a3" data-provider-name="Doodstream" data-language-id="2"></button>
<button class="link-box" data-play-url="/r?t=a4" data-provider-name="Filemoon" data-language-id="9"></button>
<button class="link-box" data-play-url="javascript:alert(1)" data-provider-name="Evil" data-language-label="Deutsch"></button>`,
}

func TestParseEpisodePageVariants(t *testing.T) {
	c := testClient(t)
	const page = "https://serienstream.to/serie/breaking-bad/staffel-1/episode-2"
	for name, body := range episodePages {
		t.Run(name, func(t *testing.T) {
			ep, err := c.parseEpisodePage([]byte(body), "bb S01E02", page)
			if err != nil {
				t.Fatal(err)
			}
			if ep.TitleDE != "Die Katze ist im Sack" || ep.TitleEN != "Cat's in the Bag..." {
				t.Errorf("titles %q / %q", ep.TitleDE, ep.TitleEN)
			}
			want := []provider.HosterLink{
				{Hoster: "VOE", Lang: anime.LangGermanDub, URL: "https://serienstream.to/r?t=a1", Page: page},
				{Hoster: "Vidoza", Lang: anime.LangEnglishDub, URL: "https://serienstream.to/r?t=a2", Page: page},
			}
			if name == "language by id only" {
				want = append(want, provider.HosterLink{Hoster: "Doodstream", Lang: anime.LangEnglishDub, URL: "https://serienstream.to/r?t=a3", Page: page})
			}
			if !slices.Equal(ep.Links, want) {
				t.Errorf("links\n%+v\nwant\n%+v", ep.Links, want)
			}
			if !slices.Equal(ep.Languages, []anime.Language{anime.LangGermanDub, anime.LangEnglishDub}) {
				t.Errorf("languages %v", ep.Languages)
			}
		})
	}
	if ep, err := c.parseEpisodePage([]byte(`<h2>S02E05: Nur Deutsch</h2>`), "x", page); err != nil || ep.TitleDE != "Nur Deutsch" || ep.TitleEN != "" || len(ep.Links) != 0 {
		t.Errorf("episode without links: %+v %v", ep, err)
	}
	if _, err := c.parseEpisodePage([]byte(`<html><body>Wartungsarbeiten</body></html>`), "x", page); !errors.Is(err, anime.ErrProvider) {
		t.Errorf("maintenance page: %v", err)
	}
}

func TestParseSuggest(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []searchHit
		err  bool
	}{
		{"spec", `{"shows":[{"name":"Breaking Bad","url":"/serie/breaking-bad"},{"name":"Better Call Saul","url":"/serie/better-call-saul/"}]}`,
			[]searchHit{{slug: "breaking-bad", name: "Breaking Bad"}, {slug: "better-call-saul", name: "Better Call Saul"}}, false},
		{"bom, extra fields, absolute url, markup", "\ufeff" + ` {"people":[{"name":"X"}],"shows":[{"id":5,"name":"<em>Breaking</em> Bad &amp; Co","url":"https://serienstream.to/serie/breaking-bad","cover":null}]}`,
			[]searchHit{{slug: "breaking-bad", name: "Breaking Bad & Co"}}, false},
		{"non-series urls dropped", `{"shows":[{"name":"S1","url":"/serie/x/staffel-1"},{"name":"Old","url":"/serie/stream/x"},{"name":"","url":"/serie/y"},{"name":"P","url":"/person/z"}]}`,
			[]searchHit{}, false},
		{"no shows", `{"shows":[]}`, []searchHit{}, false},
		{"html", `<!DOCTYPE html><html>`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSuggest([]byte(tt.body), "q")
			if tt.err {
				if !errors.Is(err, anime.ErrProvider) {
					t.Fatalf("err %v", err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("got %+v %v, want %+v", got, err, tt.want)
			}
		})
	}
}

func TestParseSearchPage(t *testing.T) {
	c := testClient(t)
	tests := []struct {
		name string
		body string
		want []searchHit
		err  bool
	}{
		{"spec", `<div class="search-results-list"><div class="card cover-card"><a href="/serie/breaking-bad"><img data-src="/media/images/channel/desktop/breaking-bad-1?format=jpg"></a><h6 class="show-title">Breaking Bad</h6></div>
<div class="card cover-card"><a href="/serie/better-call-saul"><img src="/media/images/channel/desktop/bcs-2?format=jpg"></a><h6 class="show-title">Better Call Saul</h6></div></div>`,
			[]searchHit{{"breaking-bad", "Breaking Bad", "https://serienstream.to/media/images/channel/desktop/breaking-bad-1?format=jpg"},
				{"better-call-saul", "Better Call Saul", "https://serienstream.to/media/images/channel/desktop/bcs-2?format=jpg"}}, false},
		{"wrappers, other classes, no cover, title from alt", `<main><div class="row search-results-list g-3"><div class="col"><div class="h-100 cover-card card shadow"><div class="inner">
<a class="stretched-link" href="https://serienstream.to/serie/breaking-bad/">x</a><div class="card-body"><h6 class="mb-0 show-title text-truncate"> Breaking
 Bad </h6></div></div></div></div><div class="col"><div class="card cover-card"><a href="/serie/better-call-saul"><img alt="Better Call Saul" src="data:image/gif;base64,R0"></a></div></div>
<div class="col"><div class="card cover-card"><a href="/person/x"><h6 class="show-title">A Person</h6></a></div></div></div></main>`,
			[]searchHit{{"breaking-bad", "Breaking Bad", ""}, {"better-call-saul", "Better Call Saul", ""}}, false},
		{"no results", `<main><div class="search-results-list"></div><p>Keine Ergebnisse gefunden.</p></main>`, []searchHit{}, false},
		{"no results without list", `<main><p class="empty">Keine Ergebnisse für „xyz“</p></main>`, []searchHit{}, false},
		{"other page", `<html><body><h1>Wartung</h1></body></html>`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.parseSearchPage([]byte(tt.body), "q")
			if tt.err {
				if !errors.Is(err, anime.ErrProvider) {
					t.Fatalf("err %v", err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("got %+v %v, want %+v", got, err, tt.want)
			}
		})
	}
}

func TestBaseURLs(t *testing.T) {
	def := DefaultBaseURLs()
	tests := []struct {
		in   string
		want []string
	}{
		{"", def},
		{"https://s.to", def},
		{"https://www.s.to/", def},
		{"https://serienstream.to", def},
		{"https://serienstream.cx", []string{"https://serienstream.cx", "https://serienstream.to", "https://186.2.175.5"}},
		{"http://127.0.0.1:8080", []string{"http://127.0.0.1:8080"}},
		{"http://user:pw@127.0.0.1:8080/ss/?x=1#y", []string{"http://127.0.0.1:8080/ss"}},
		{"https://serienstream.to/?utm=1", def},
		{"::bad", def},
	}
	for _, tt := range tests {
		if got := BaseURLs(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("BaseURLs(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if _, err := New(Config{BaseURLs: []string{"https://s.to"}, Doer: http.DefaultClient}); !errors.Is(err, anime.ErrInvalid) {
		t.Errorf("s.to as base url: %v", err)
	}
}
