package provider

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// TestLinkForms: every link form a user or a page gives, on every address
// the sites use (aniworld.to, serienstream.to, the retired s.to, the .cc/.cx
// mirrors, the origin IPs, local fakes), with and without season and
// episode, with trailing slashes, query strings and fragments.
func TestLinkForms(t *testing.T) {
	const aw, ss = SiteAniWorld, SiteSerienstream
	tests := []struct {
		in   string
		want URLRef
	}{
		// aniworld.to and its mirrors.
		{"https://aniworld.to/anime/stream/demo", URLRef{aw, "demo", -1, -1}},
		{"https://www.aniworld.to/anime/stream/demo/", URLRef{aw, "demo", -1, -1}},
		{"https://aniworld.cc/anime/stream/demo/staffel-1", URLRef{aw, "demo", 1, -1}},
		{"https://aniworld.cc/anime/stream/demo/staffel-1/", URLRef{aw, "demo", 1, -1}},
		{"https://186.2.175.111/anime/stream/demo/staffel-3/episode-12", URLRef{aw, "demo", 3, 12}},
		{"https://186.2.175.111/anime/stream/demo/staffel-3/episode-12/", URLRef{aw, "demo", 3, 12}},
		{"https://aniworld.to/anime/stream/demo/filme", URLRef{aw, "demo", 0, -1}},
		{"https://aniworld.to/anime/stream/demo/filme/film-2/", URLRef{aw, "demo", 0, 2}},
		{"https://aniworld.to/anime/stream/demo/staffel-0/episode-1", URLRef{aw, "demo", 0, 1}},
		{"https://aniworld.to/anime/stream/demo?ref=home", URLRef{aw, "demo", -1, -1}},
		{"https://aniworld.to/anime/stream/demo/staffel-2/episode-5?lang=de#player", URLRef{aw, "demo", 2, 5}},
		{"  https://aniworld.to/anime/stream/Demo-2  ", URLRef{aw, "Demo-2", -1, -1}},
		{"http://127.0.0.1:8080/anime/stream/demo/staffel-1/episode-1", URLRef{aw, "demo", 1, 1}},
		{"/anime/stream/demo/staffel-1", URLRef{aw, "demo", 1, -1}},
		// serienstream.to (site "s.to") and its mirrors.
		{"https://serienstream.to/serie/the-office", URLRef{ss, "the-office", -1, -1}},
		{"https://serienstream.to/serie/the-office/", URLRef{ss, "the-office", -1, -1}},
		{"https://serienstream.cx/serie/the-office/staffel-2", URLRef{ss, "the-office", 2, -1}},
		{"https://serienstream.cx/serie/the-office/staffel-2/episode-7/", URLRef{ss, "the-office", 2, 7}},
		{"https://186.2.175.5/serie/the-office/staffel-9/episode-23?x=1", URLRef{ss, "the-office", 9, 23}},
		{"http://[::1]:9/serie/the-office", URLRef{ss, "the-office", -1, -1}},
		// The retired s.to engine, on s.to and on the new hosts.
		{"https://s.to/serie/stream/the-office", URLRef{ss, "the-office", -1, -1}},
		{"https://s.to/serie/stream/the-office/staffel-1/episode-1/", URLRef{ss, "the-office", 1, 1}},
		{"https://serienstream.to/serie/stream/the-office/filme/film-1", URLRef{ss, "the-office", 0, 1}},
		// "stream" as a slug of the new form (no slug follows the old prefix).
		{"https://serienstream.to/serie/stream", URLRef{ss, "stream", -1, -1}},
		{"https://serienstream.to/serie/stream/", URLRef{ss, "stream", -1, -1}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseURL(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("ParseURL = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{
		"", "%zz", "https://aniworld.to/", "https://aniworld.to/anime/stream/", "https://aniworld.to/anime/stream//x",
		"https://aniworld.to/anime/stream/-x", "https://aniworld.to/anime/stream/a_b", "https://aniworld.to/anime/stream/../etc",
		"https://aniworld.to/anime/stream/demo/staffel-", "https://aniworld.to/anime/stream/demo/staffel-x",
		"https://aniworld.to/anime/stream/demo/staffel-+1", "https://aniworld.to/anime/stream/demo/staffel-1/episode-",
		"https://aniworld.to/anime/stream/demo/staffel-1/episode-1/extra", "https://aniworld.to/anime/stream/demo//",
		"https://aniworld.to/anime/stream/demo/filme/episode-1", "https://aniworld.to/anime/stream/demo/staffel-1/film-1",
		"https://serienstream.to/serie/the-office/filme", "https://serienstream.to/serie/", "https://serienstream.to/serien/x",
		"https://aniworld.to/anime/stream/demo/staffel-99999999999999999999",
	} {
		t.Run("bad "+bad, func(t *testing.T) {
			if got, err := ParseURL(bad); !errors.Is(err, anime.ErrInvalid) {
				t.Fatalf("ParseURL(%q) = %+v, %v; want ErrInvalid", bad, got, err)
			}
		})
	}
}

func TestCutSeriesPath(t *testing.T) {
	tests := []struct {
		path, prefix, key, rest string
		ok                      bool
	}{
		{"/anime/stream/demo", "/anime/stream/", "demo", "", true},
		{"/anime/stream/demo/", "/anime/stream/", "demo", "/", true},
		{"/anime/stream/demo/staffel-1/episode-2", "/anime/stream/", "demo", "/staffel-1/episode-2", true},
		{"/aw/anime/stream/demo", "/aw/anime/stream/", "demo", "", true},
		{"/serie/stream/demo", "/serie/", "stream", "/demo", true},
		{"/anime/stream/", "/anime/stream/", "", "", false},
		{"/anime/stream/de mo", "/anime/stream/", "", "", false},
		{"/serie/demo", "/anime/stream/", "", "", false},
	}
	for _, tt := range tests {
		key, rest, ok := CutSeriesPath(tt.path, tt.prefix)
		if key != tt.key || rest != tt.rest || ok != tt.ok {
			t.Errorf("CutSeriesPath(%q, %q) = %q, %q, %v; want %q, %q, %v", tt.path, tt.prefix, key, rest, ok, tt.key, tt.rest, tt.ok)
		}
	}
}

// FuzzCutSeriesPath: the slug is always valid, and prefix+slug+rest gives
// the path back.
func FuzzCutSeriesPath(f *testing.F) {
	for _, s := range []string{"/anime/stream/demo/staffel-1", "/serie/x/", "/serie/stream/x", "/anime/stream/", "/x"} {
		f.Add(s, "/anime/stream/")
		f.Add(s, "/serie/")
	}
	f.Fuzz(func(t *testing.T, path, prefix string) {
		key, rest, ok := CutSeriesPath(path, prefix)
		if !ok {
			return
		}
		if !ValidKey(key) || prefix+key+rest != path || (rest != "" && rest[0] != '/') {
			t.Errorf("CutSeriesPath(%q, %q) = %q, %q", path, prefix, key, rest)
		}
	})
}

func TestCheckSeasonAndEpisode(t *testing.T) {
	tests := []struct {
		key             string
		season, episode int
		seasonOK, epOK  bool
	}{
		{"demo", 1, 1, true, true},
		{"demo", 0, 3, true, true}, // movies
		{"demo", -1, 1, false, false},
		{"demo", 2, 0, true, false},
		{"de mo", 1, 1, false, false},
		{"", 1, 1, false, false},
	}
	for _, tt := range tests {
		if err := CheckSeason(tt.key, tt.season); (err == nil) != tt.seasonOK || (err != nil && !errors.Is(err, anime.ErrInvalid)) {
			t.Errorf("CheckSeason(%q, %d) = %v, want ok %v", tt.key, tt.season, err, tt.seasonOK)
		}
		if err := CheckEpisode(tt.key, tt.season, tt.episode); (err == nil) != tt.epOK || (err != nil && !errors.Is(err, anime.ErrInvalid)) {
			t.Errorf("CheckEpisode(%q, %d, %d) = %v, want ok %v", tt.key, tt.season, tt.episode, err, tt.epOK)
		}
	}
}

// TestCacheKeysGroupedBySeries: every page key of a series starts with
// "<key>|" (what PageCache.Forget drops), and different pages never share
// a key.
func TestCacheKeysGroupedBySeries(t *testing.T) {
	keys := []string{SeriesCacheKey("demo"), SeasonCacheKey("demo", 0), SeasonCacheKey("demo", 12), EpisodeCacheKey("demo", 1, 2)}
	seen := map[string]bool{}
	for _, k := range keys {
		if !strings.HasPrefix(k, "demo|") || seen[k] {
			t.Errorf("cache key %q: not grouped under demo| or not unique", k)
		}
		seen[k] = true
	}
	if SeasonCacheKey("demo", 1) == SeasonCacheKey("demo-1", 0) || EpisodeCacheKey("demo", 1, 12) == EpisodeCacheKey("demo", 11, 2) {
		t.Error("different pages share a cache key")
	}
}

func TestRedirectTarget(t *testing.T) {
	cur, _ := url.Parse("https://aniworld.to/redirect/123")
	tests := []struct {
		location, want string
	}{
		{"https://voe.sx/e/abc", "https://voe.sx/e/abc"},
		{"  /redirect/456 ", "https://aniworld.to/redirect/456"},
		{"//vidoza.net/embed-x.html", "https://vidoza.net/embed-x.html"},
		{"", ""},
		{"javascript:alert(1)", ""},
		{"ftp://x/y", ""},
		{"%zz", ""},
	}
	for _, tt := range tests {
		got := ""
		if next, ok := RedirectTarget(cur, tt.location); ok {
			got = next.String()
		}
		if got != tt.want {
			t.Errorf("RedirectTarget(%q) = %q, want %q (\"\": refused)", tt.location, got, tt.want)
		}
	}
}
