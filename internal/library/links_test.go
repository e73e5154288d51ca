package library

import (
	"errors"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

// allSites is the site list the app builds with every known mirror:
// aniworld.to with aniworld.cc and its origin IP, serienstream.to with
// serienstream.cx and its origin IP (and the retired s.to forms).
func allSites() []Site {
	aw := func(base string) Site { return Site{Name: SiteAniworld, BaseURL: base, StreamPath: "/anime/stream/"} }
	return append([]Site{aw("https://aniworld.to"), aw("https://aniworld.cc"), aw("https://186.2.175.111")},
		SerienstreamSites([]string{"https://serienstream.to", "https://serienstream.cx", "https://186.2.175.5"})...)
}

// TestParseLinkEveryForm: every form the provider's grammar reads
// (provider.TestLinkForms) on every configured address gives the series
// and its canonical link; the provider's ParseURL agrees on site and key.
func TestParseLinkEveryForm(t *testing.T) {
	const awURL, ssURL = "https://aniworld.to/anime/stream/demo", "https://serienstream.to/serie/the-office"
	tests := []struct {
		in, site, key, canonical string
	}{
		{"https://aniworld.to/anime/stream/demo", SiteAniworld, "demo", awURL},
		{"https://www.aniworld.to/anime/stream/demo/", SiteAniworld, "demo", awURL},
		{"https://aniworld.cc/anime/stream/demo/staffel-1", SiteAniworld, "demo", awURL},
		{"https://aniworld.cc/anime/stream/demo/staffel-1/", SiteAniworld, "demo", awURL},
		{"https://186.2.175.111/anime/stream/demo/staffel-3/episode-12", SiteAniworld, "demo", awURL},
		{"https://aniworld.to/anime/stream/demo/filme/film-2/", SiteAniworld, "demo", awURL},
		{"https://aniworld.to/anime/stream/demo?ref=home", SiteAniworld, "demo", awURL},
		{"https://aniworld.to/anime/stream/demo/staffel-2/episode-5?lang=de#player", SiteAniworld, "demo", awURL},
		{"HTTPS://AniWorld.to/anime/stream/demo", SiteAniworld, "demo", awURL},
		{"https://serienstream.to/serie/the-office", SiteSTo, "the-office", ssURL},
		{"https://serienstream.to/serie/the-office/", SiteSTo, "the-office", ssURL},
		{"https://serienstream.cx/serie/the-office/staffel-2/episode-7/", SiteSTo, "the-office", ssURL},
		{"https://186.2.175.5/serie/the-office/staffel-9/episode-23?x=1", SiteSTo, "the-office", ssURL},
		{"https://s.to/serie/stream/the-office", SiteSTo, "the-office", ssURL},
		{"https://s.to/serie/stream/the-office/staffel-1/episode-1/", SiteSTo, "the-office", ssURL},
		{"https://serienstream.cx/serie/stream/the-office/filme/film-1", SiteSTo, "the-office", ssURL},
		{"https://serienstream.to/serie/stream", SiteSTo, "stream", "https://serienstream.to/serie/stream"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			l, err := ParseLink(allSites(), tt.in)
			if err != nil || l.Site != tt.site || l.Key != tt.key || l.URL != tt.canonical {
				t.Fatalf("ParseLink = %+v, %v; want %s %s %s", l, err, tt.site, tt.key, tt.canonical)
			}
			ref, err := provider.ParseURL(tt.in)
			if err != nil || ref.Site != l.Site || ref.Key != l.Key {
				t.Errorf("provider.ParseURL = %+v, %v: disagrees with ParseLink %+v", ref, err, l)
			}
		})
	}
	for _, bad := range []string{
		"", "aniworld.to/anime/stream/demo", "ftp://aniworld.to/anime/stream/demo", "https://evil.to/anime/stream/demo",
		"https://aniworld.to/serie/demo", "https://serienstream.to/anime/stream/demo", "https://aniworld.to/anime/stream/",
		"https://aniworld.to/anime/stream/-demo", "https://aniworld.to/anime/stream/../x", "https://serienstream.to/serie/",
		"https://127.0.0.1/anime/stream/demo",
	} {
		t.Run("bad "+bad, func(t *testing.T) {
			if l, err := ParseLink(allSites(), bad); !errors.Is(err, anime.ErrInvalid) {
				t.Fatalf("ParseLink(%q) = %+v, %v; want ErrInvalid", bad, l, err)
			}
		})
	}
}

// FuzzParseLink: an accepted link has a valid slug and a canonical link on
// a configured address that parses back to itself; where the provider's
// ParseURL reads the link too, both name the same series.
func FuzzParseLink(f *testing.F) {
	for _, s := range []string{"https://aniworld.to/anime/stream/demo/staffel-1/episode-2", "https://s.to/serie/stream/x",
		"https://serienstream.cx/serie/x/", "https://186.2.175.5/serie/stream", "https://aniworld.cc/anime/stream/x?y=1", "%zz", ""} {
		f.Add(s)
	}
	sites := allSites()
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLink(sites, s)
		if err != nil {
			return
		}
		if !anime.ValidKey(l.Key) || !strings.HasSuffix(l.URL, "/"+l.Key) {
			t.Fatalf("ParseLink(%q) = %+v", s, l)
		}
		if back, err := ParseLink(sites, l.URL); err != nil || back != l {
			t.Errorf("canonical %q parses to %+v, %v", l.URL, back, err)
		}
		if ref, err := provider.ParseURL(s); err == nil && (ref.Key != l.Key || ref.Site != l.Site) {
			t.Errorf("ParseURL(%q) = %+v, ParseLink = %+v", s, ref, l)
		}
	})
}
