package site

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// TestAddEpisodeAtRuntime: an episode added while the site serves shows up
// on the season page and gets working links; a later language shows up on
// its episode page; bad targets are refused.
func TestAddEpisodeAtRuntime(t *testing.T) {
	s := New(Options{Catalog: Demo(), EmbedURL: func(h, id string) string { return "http://127.0.0.1:9/e/" + id }})
	srv := httptest.NewServer(s)
	defer srv.Close()
	n, err := s.AddEpisode("demo", 2, Episode{TitleDE: "Neu im Programm", TitleEN: "Brand New", Links: LinksFor([]anime.Language{anime.LangGermanSub}, "VOE")})
	if err != nil || n != 3 {
		t.Fatalf("AddEpisode = %d, %v", n, err)
	}
	_, _, body := fetch(t, http.MethodGet, srv.URL+"/anime/stream/demo/staffel-2", nil)
	if !strings.Contains(body, "Neu im Programm") || !strings.Contains(body, "episode-3") {
		t.Fatal("new episode not on the season page")
	}
	id, ok := s.LinkID("demo", 2, 3, "VOE", anime.LangGermanSub)
	if !ok {
		t.Fatal("no link id for the new episode")
	}
	if st, h, _ := fetch(t, http.MethodGet, srv.URL+"/redirect/"+id, nil); st != http.StatusFound || !strings.HasSuffix(h.Get("Location"), "/e/"+id) {
		t.Fatalf("redirect %d %q", st, h.Get("Location"))
	}
	if err := s.AddLinks("demo", 2, 3, LinksFor([]anime.Language{anime.LangGermanDub}, "VOE")...); err != nil {
		t.Fatal(err)
	}
	if got := s.Languages("demo", 2, 3); len(got) != 2 {
		t.Fatalf("languages %v", got)
	}
	_, _, body = fetch(t, http.MethodGet, srv.URL+"/anime/stream/demo/staffel-2/episode-3", nil)
	if !strings.Contains(body, `data-lang-key="1"`) {
		t.Fatal("German Dub not on the episode page")
	}
	if n, err := s.AddEpisode("demo", 3, Episode{TitleDE: "Staffel drei"}); err != nil || n != 1 {
		t.Fatalf("new season: %d %v", n, err)
	}
	for _, bad := range []struct {
		slug   string
		season int
	}{{"nope", 1}, {"demo", 9}, {"demo", -1}} {
		if _, err := s.AddEpisode(bad.slug, bad.season, Episode{}); err == nil {
			t.Errorf("AddEpisode(%s, %d) accepted", bad.slug, bad.season)
		}
	}
	if err := s.AddLinks("demo", 1, 99); err == nil {
		t.Error("AddLinks to a missing episode accepted")
	}
}
