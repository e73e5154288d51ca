package provider

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in      string
		want    URLRef
		wantErr bool
	}{
		{in: "https://aniworld.to/anime/stream/attack-on-titan", want: URLRef{"aniworld.to", "attack-on-titan", -1, -1}},
		{in: "https://aniworld.to/anime/stream/demo/", want: URLRef{"aniworld.to", "demo", -1, -1}},
		{in: "https://aniworld.to/anime/stream/demo/staffel-2", want: URLRef{"aniworld.to", "demo", 2, -1}},
		{in: "https://aniworld.to/anime/stream/demo/staffel-2/episode-11", want: URLRef{"aniworld.to", "demo", 2, 11}},
		{in: "https://aniworld.to/anime/stream/demo/filme", want: URLRef{"aniworld.to", "demo", 0, -1}},
		{in: "https://aniworld.to/anime/stream/demo/filme/film-3", want: URLRef{"aniworld.to", "demo", 0, 3}},
		{in: "https://s.to/serie/stream/breaking-bad/staffel-1/episode-1", want: URLRef{"s.to", "breaking-bad", 1, 1}},
		{in: "http://127.0.0.1:8080/anime/stream/demo?x=1", want: URLRef{"aniworld.to", "demo", -1, -1}},
		{in: "https://serienstream.to/serie/breaking-bad", want: URLRef{"s.to", "breaking-bad", -1, -1}},
		{in: "https://serienstream.to/serie/breaking-bad/", want: URLRef{"s.to", "breaking-bad", -1, -1}},
		{in: "https://serienstream.to/serie/breaking-bad/staffel-2", want: URLRef{"s.to", "breaking-bad", 2, -1}},
		{in: "https://serienstream.to/serie/breaking-bad/staffel-2/episode-7", want: URLRef{"s.to", "breaking-bad", 2, 7}},
		{in: "https://serienstream.cx/serie/breaking-bad/staffel-1/episode-1?x=1", want: URLRef{"s.to", "breaking-bad", 1, 1}},
		{in: "https://186.2.175.5/serie/the-office", want: URLRef{"s.to", "the-office", -1, -1}},
		{in: "https://s.to/serie/stream/the-office", want: URLRef{"s.to", "the-office", -1, -1}},
		{in: "https://serienstream.to/serie/stream", want: URLRef{"s.to", "stream", -1, -1}},
		{in: "https://serienstream.to/serie/breaking-bad/staffel-1/film-2", wantErr: true},
		{in: "https://serienstream.to/serie/-bad", wantErr: true},
		{in: "https://serienstream.to/serien", wantErr: true},
		{in: "https://aniworld.to/animes", wantErr: true},
		{in: "https://aniworld.to/anime/stream/../etc", wantErr: true},
		{in: "https://aniworld.to/anime/stream/demo/staffel-1/film-2", wantErr: true},
		{in: "", wantErr: true},
		{in: "https://aniworld.to/anime/stream/demo/staffel-99999999999999999999", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseURL(tt.in)
			if tt.wantErr {
				if !errors.Is(err, anime.ErrInvalid) {
					t.Fatalf("err %v, want ErrInvalid", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v %v, want %+v", got, err, tt.want)
			}
		})
	}
}

func TestFolderName(t *testing.T) {
	tests := []struct {
		name string
		in   string
		year int
		want string
	}{
		{"colon removed", "Attack on Titan: Final Season", 0, "Attack on Titan Final Season"},
		{"with year", "Attack on Titan", 2013, "Attack on Titan (2013)"},
		{"every forbidden char", `a<b>c:d"e/f\g|h?i*j`, 0, "abcdefghij"},
		{"trim spaces and dots", "  ...Demo...  ", 0, "Demo"},
		{"unicode kept", "進撃の巨人 – Ñandú", 0, "進撃の巨人 – Ñandú"},
		{"ampersand kept", "Demo & Friends", 2020, "Demo & Friends (2020)"},
		// The library's rule (one sanitiser): white space becomes one space,
		// other control characters go; a reserved device name is renamed;
		// the year keeps its parentheses. The provider's private copy
		// answered "a b c", "2001" and "CON", so a search result's folder
		// differed from the folder adding created.
		{"control chars dropped, tab a space", "a\tb\x00c", 0, "a bc"},
		{"empty with year", "???", 2001, "(2001)"},
		{"reserved device name", "CON", 0, "CON_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FolderName(tt.in, tt.year); got != tt.want {
				t.Errorf("FolderName(%q, %d) = %q, want %q", tt.in, tt.year, got, tt.want)
			}
		})
	}
}

func TestCandidates(t *testing.T) {
	links := []HosterLink{
		{Hoster: "Vidmoly", Lang: anime.LangGermanDub, URL: "1"}, {Hoster: "Streamtape", Lang: anime.LangGermanDub, URL: "2"}, {Hoster: "VOE", Lang: anime.LangGermanDub, URL: "3"},
		{Hoster: "Doodstream", Lang: anime.LangGermanDub, URL: "4"}, {Hoster: "VOE", Lang: anime.LangEnglishSub, URL: "5"}, {Hoster: "Vidoza", Lang: anime.LangGermanSub, URL: "6"},
		{Hoster: "LoadX", Lang: anime.LangGermanDub, URL: "7"}, {Hoster: "VOE", Lang: anime.LangEnglishDub, URL: "8"},
	}
	tests := []struct {
		name  string
		prefs Preferences
		want  []string
	}{
		{"defaults (2026 order: VOE, Vidmoly, Vidoza, Doodstream, Vidara, Vidavaca, Filemoon, LoadX, Luluvdo, Streamtape, SpeedFiles)", Preferences{}, []string{"3", "1", "4", "7", "2", "6", "5"}},
		{"custom languages drop the rest", Preferences{Languages: []anime.Language{anime.LangEnglishSub, anime.LangEnglishDub}}, []string{"5", "8"}},
		{"custom hosters case-insensitive", Preferences{Languages: []anime.Language{anime.LangGermanDub}, Hosters: []string{"loadx", " streamtape "}}, []string{"7", "2", "1", "3", "4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, l := range Candidates(links, tt.prefs) {
				got = append(got, l.URL)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("order %v, want %v", got, tt.want)
			}
		})
	}
}

// stubProvider answers one episode and fails ResolveLink per hoster.
type stubProvider struct {
	ep    EpisodeLinks
	fails map[string]error
	calls []string
}

func (s *stubProvider) Site() string                { return "stub.to" }
func (s *stubProvider) SeriesURL(key string) string { return "https://stub.to/anime/stream/" + key }
func (s *stubProvider) Search(context.Context, string) ([]SearchResult, error) {
	return nil, errors.New("unused")
}
func (s *stubProvider) Series(context.Context, string) (SeriesDetails, error) {
	return SeriesDetails{}, errors.New("unused")
}
func (s *stubProvider) Seasons(context.Context, string) ([]Season, error) {
	return nil, errors.New("unused")
}
func (s *stubProvider) Episode(_ context.Context, key string, season, ep int) (EpisodeLinks, error) {
	if key != s.ep.Key {
		return EpisodeLinks{}, fmt.Errorf("series %q: %w", key, anime.ErrNotFound)
	}
	return s.ep, nil
}
func (s *stubProvider) ResolveLink(ctx context.Context, l HosterLink) (anime.Stream, error) {
	s.calls = append(s.calls, l.Hoster)
	if err := s.fails[l.Hoster]; err != nil {
		return anime.Stream{}, err
	}
	return anime.Stream{URL: "https://cdn/" + l.Hoster, Kind: anime.StreamHLS}, nil
}

func TestResolverErrors(t *testing.T) {
	ep := EpisodeLinks{Key: "demo", Season: 1, Episode: 2, Languages: []anime.Language{anime.LangGermanDub},
		Links: []HosterLink{{Hoster: "VOE", Lang: anime.LangGermanDub, URL: "a"}, {Hoster: "Vidoza", Lang: anime.LangGermanDub, URL: "b"}}}
	t.Run("every attempt listed", func(t *testing.T) {
		p := &stubProvider{ep: ep, fails: map[string]error{
			"VOE":    fmt.Errorf("voe: %w", anime.ErrChallenge),
			"Vidoza": errors.New("vidoza: status 403"),
		}}
		_, err := NewResolver(p, Preferences{}).Resolve(t.Context(), "demo", 1, 2)
		want := "no stream for demo S01E02 after 2 attempts: VOE (German Dub): voe: anti-bot challenge; Vidoza (German Dub): vidoza: status 403"
		if err == nil || err.Error() != want {
			t.Fatalf("err %v\nwant %s", err, want)
		}
		if !errors.Is(err, anime.ErrChallenge) || !errors.Is(err, anime.ErrUnavailable) {
			t.Errorf("err must match ErrChallenge and ErrUnavailable")
		}
	})
	t.Run("no preferred language", func(t *testing.T) {
		p := &stubProvider{ep: ep}
		_, err := NewResolver(p, Preferences{Languages: []anime.Language{anime.LangEnglishSub}}).Resolve(t.Context(), "demo", 1, 2)
		want := "no stream for demo S01E02: no hoster link in English Sub (offered: German Dub)"
		if err == nil || err.Error() != want || len(p.calls) != 0 {
			t.Fatalf("err %v calls %v\nwant %s", err, p.calls, want)
		}
	})
	t.Run("episode lookup error passes through", func(t *testing.T) {
		_, err := NewResolver(&stubProvider{ep: ep}, Preferences{}).Resolve(t.Context(), "other", 1, 1)
		if !errors.Is(err, anime.ErrNotFound) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("cancelled context stops the walk", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		p := &stubProvider{ep: ep, fails: map[string]error{"VOE": errors.New("x")}}
		p.fails["VOE"] = errors.New("boom")
		cancel()
		_, err := NewResolver(p, Preferences{}).Resolve(ctx, "demo", 1, 2)
		if !errors.Is(err, context.Canceled) || len(p.calls) != 0 {
			t.Fatalf("err %v calls %v", err, p.calls)
		}
	})
	t.Run("success after fallback fills hoster and language", func(t *testing.T) {
		p := &stubProvider{ep: ep, fails: map[string]error{"VOE": errors.New("voe: 403")}}
		res, err := NewResolver(p, Preferences{}).Resolve(t.Context(), "demo", 1, 2)
		if err != nil || res.Stream.Hoster != "Vidoza" || res.Stream.Lang != anime.LangGermanDub || res.Fallbacks() != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		if s := res.Attempts[0].String() + " | " + res.Attempts[1].String(); s != "VOE (German Dub): voe: 403 | Vidoza (German Dub): ok" {
			t.Errorf("attempt log %q", s)
		}
	})
}

func TestRegistry(t *testing.T) {
	a := &stubProvider{}
	r := NewRegistry(a)
	if p, err := r.Lookup("STUB.to"); err != nil || p != Provider(a) {
		t.Errorf("Lookup: %v %v", p, err)
	}
	if _, err := r.Lookup("aniworld.to"); !errors.Is(err, anime.ErrNotFound) {
		t.Errorf("unknown site: %v", err)
	}
	if r.Default() != Provider(a) || len(r.All()) != 1 {
		t.Errorf("Default/All")
	}
	if p, ref, err := r.ForURL("https://stub.to/anime/stream/demo/staffel-1"); err != nil || p != Provider(a) || ref.Key != "demo" {
		t.Errorf("ForURL: %v %+v %v", p, ref, err)
	}
	if _, _, err := r.ForURL("https://elsewhere.example/serie/stream/demo"); !errors.Is(err, anime.ErrNotFound) {
		t.Errorf("ForURL unregistered site: %v", err)
	}
	if !strings.Contains(fmt.Sprint(NewRegistry().Default()), "nil") {
		t.Errorf("empty registry default must be nil")
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"https://aniworld.to/anime/stream/demo/staffel-2/episode-11", "https://s.to/serie/stream/x/filme/film-1",
		"https://serienstream.to/serie/breaking-bad/staffel-1/episode-1", "https://186.2.175.5/serie/x/", "/serie/stream", "%zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseURL(s)
		if err != nil {
			return
		}
		if !ValidKey(ref.Key) || (ref.Site != SiteAniWorld && ref.Site != SiteSerienstream) || ref.Season < -1 || ref.Episode < -1 ||
			(ref.Season == -1 && ref.Episode != -1) {
			t.Errorf("ParseURL(%q) = %+v", s, ref)
		}
	})
}
