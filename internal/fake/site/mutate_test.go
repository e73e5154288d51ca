package site

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestAddEpisode(t *testing.T) {
	s := New(Options{})
	srv := httptest.NewServer(s)
	defer srv.Close()
	langs := []anime.Language{anime.LangGermanDub}
	tests := []struct {
		name     string
		slug     string
		season   int
		wantN    int
		wantErr  bool
		wantPage string
	}{
		{"next episode of season 1", "demo", 1, 4, false, "/anime/stream/demo/staffel-1/episode-4"},
		{"new season", "demo", 3, 1, false, "/anime/stream/demo/staffel-3/episode-1"},
		{"movie", "demo", 0, 2, false, "/anime/stream/demo/filme/film-2"},
		{"season gap", "demo", 5, 0, true, ""},
		{"unknown series", "nope", 1, 0, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.wantPage != "" {
				if code, _, _ := fetch(t, "GET", srv.URL+tt.wantPage, nil); code != 404 {
					t.Fatalf("%s before adding: %d, want 404", tt.wantPage, code)
				}
			}
			n, err := s.AddEpisode(tt.slug, tt.season, Episode{TitleDE: "Neu " + tt.name, Links: LinksFor(langs, "VOE")})
			if (err != nil) != tt.wantErr || n != tt.wantN {
				t.Fatalf("AddEpisode = %d, %v; want %d (error %v)", n, err, tt.wantN, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			code, _, body := fetch(t, "GET", srv.URL+tt.wantPage, nil)
			if code != 200 || !strings.Contains(body, "<h4>VOE</h4>") {
				t.Fatalf("%s after adding: %d", tt.wantPage, code)
			}
			id, ok := s.LinkID(tt.slug, tt.season, n, "VOE", anime.LangGermanDub)
			if !ok {
				t.Fatal("new link has no id")
			}
			if code, _, _ := fetch(t, "GET", srv.URL+"/redirect/"+id, nil); code != 302 {
				t.Fatalf("redirect of the new link: %d", code)
			}
		})
	}
}
