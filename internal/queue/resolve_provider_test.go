package queue

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

func TestHosterOrder(t *testing.T) {
	tests := []struct {
		name             string
		preferred, avoid []string
		want             []string
	}{
		{"preferred order kept", []string{"VOE", "Vidoza", "Doodstream"}, nil, []string{"VOE", "Vidoza", "Doodstream"}},
		{"failed hosters last, in order", []string{"VOE", "Vidoza", "Doodstream", "Filemoon"}, []string{"vidoza", "VOE"},
			[]string{"Doodstream", "Filemoon", "VOE", "Vidoza"}},
		{"avoiding an unlisted hoster changes nothing", []string{"VOE", "Vidoza"}, []string{"Streamtape"}, []string{"VOE", "Vidoza"}},
		{"empty preference: the provider's default order", nil, nil, provider.DefaultHosterOrder()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pref := slices.Clone(tt.preferred)
			if got := HosterOrder(tt.preferred, tt.avoid); !slices.Equal(got, tt.want) {
				t.Fatalf("HosterOrder(%v, %v) = %v, want %v", tt.preferred, tt.avoid, got, tt.want)
			}
			if !slices.Equal(pref, tt.preferred) {
				t.Fatal("the preferred list was changed in place")
			}
		})
	}
}

// linkSite is a provider.Provider offering one episode with the given
// links; ResolveLink fails for the hosters in broken.
type linkSite struct {
	provider.Provider
	links  []provider.HosterLink
	broken map[string]bool
	fresh  bool // the last Episode call's context asked for fresh data
}

func (s *linkSite) Site() string { return "site.test" }

func (s *linkSite) Episode(ctx context.Context, key string, season, episode int) (provider.EpisodeLinks, error) {
	s.fresh = provider.WantsFreshData(ctx)
	return provider.EpisodeLinks{Key: key, Season: season, Episode: episode, Links: s.links,
		Languages: []anime.Language{anime.LangGermanDub, anime.LangGermanSub}}, nil
}

func (s *linkSite) ResolveLink(ctx context.Context, l provider.HosterLink) (anime.Stream, error) {
	if s.broken[l.Hoster] {
		return anime.Stream{}, errors.New("403 Forbidden")
	}
	return anime.Stream{URL: "http://media.test/" + l.Hoster, Kind: anime.StreamMP4}, nil
}

// TestProviderResolver: links are tried in the preferred order with
// avoided hosters last; every try is an attempt (the provider's failures
// with their reasons); a monitored series' languages win and read fresh.
func TestProviderResolver(t *testing.T) {
	at := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	site := &linkSite{links: []provider.HosterLink{
		{Hoster: "VOE", Lang: anime.LangGermanDub, URL: "http://site.test/r/1"},
		{Hoster: "Vidoza", Lang: anime.LangGermanDub, URL: "http://site.test/r/2"},
		{Hoster: "Doodstream", Lang: anime.LangGermanDub, URL: "http://site.test/r/3"},
		{Hoster: "VOE", Lang: anime.LangGermanSub, URL: "http://site.test/r/4"},
	}, broken: map[string]bool{"Vidoza": true}}
	r := ProviderResolver{
		Site: func(context.Context, string) (provider.Provider, error) { return site, nil },
		Preferences: func() provider.Preferences {
			return provider.Preferences{Languages: []anime.Language{anime.LangGermanDub}, Hosters: []string{"VOE", "Vidoza", "Doodstream"}}
		},
		Now: func() time.Time { return at },
	}
	var observed []string
	r.Observe = func(_ context.Context, site string, err error) {
		observed = append(observed, fmt.Sprint(site, " ", err == nil))
	}
	req := ResolveRequest{SerieID: "demo", Episode: anime.EpisodeRef{Season: 1, Episode: 1}, Avoid: []string{"VOE"}}
	s, atts, err := r.Resolve(context.Background(), req)
	if err != nil || s.Hoster != "Doodstream" || s.Lang != anime.LangGermanDub {
		t.Fatalf("stream %+v, %v", s, err)
	}
	want := []Attempt{
		{Stage: StageResolve, Hoster: "Vidoza", Language: anime.LangGermanDub, Error: "403 Forbidden", At: at},
		{Stage: StageResolve, Hoster: "Doodstream", Language: anime.LangGermanDub, OK: true, At: at},
	}
	if !slices.EqualFunc(atts, want, func(a, b Attempt) bool {
		return a.Stage == b.Stage && a.Hoster == b.Hoster && a.Language == b.Language && a.OK == b.OK && a.Error == b.Error && a.At.Equal(b.At)
	}) {
		t.Fatalf("attempts %+v, want %+v", atts, want)
	}
	if site.fresh {
		t.Fatal("an unmonitored series read the episode page fresh")
	}

	// Nothing works: every link tried is a failed attempt.
	site.broken = map[string]bool{"VOE": true, "Vidoza": true, "Doodstream": true}
	_, atts, err = r.Resolve(context.Background(), ResolveRequest{SerieID: "demo", Episode: req.Episode})
	var re *provider.ResolveError
	if !errors.As(err, &re) || len(atts) != 3 || slices.ContainsFunc(atts, func(a Attempt) bool { return a.OK || a.Error == "" }) {
		t.Fatalf("all broken: %v %+v", err, atts)
	}
	if !slices.Equal(observed, []string{"site.test true", "site.test false"}) {
		t.Fatalf("the site's health heard %v", observed)
	}

	// A monitored series wants German Sub: its language, read fresh.
	site.broken = nil
	r.Wanted = func(_ context.Context, key string, _ anime.EpisodeRef) []anime.Language {
		if key == "demo" {
			return []anime.Language{anime.LangGermanSub}
		}
		return nil
	}
	s, _, err = r.Resolve(context.Background(), ResolveRequest{SerieID: "demo", Episode: req.Episode})
	if err != nil || s.Lang != anime.LangGermanSub || !site.fresh {
		t.Fatalf("monitored: %+v %v fresh=%v", s, err, site.fresh)
	}
}
