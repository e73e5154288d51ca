package library

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// Site names as they appear in Series.Site and markers.
const (
	SiteAniworld = "aniworld.to"
	SiteSTo      = "s.to"
)

// Site is one provider the library accepts links for.
type Site struct {
	Name       string // "aniworld.to"
	BaseURL    string // "https://aniworld.to", or a mirror / local fake
	StreamPath string // "/anime/stream/"
}

// DefaultSites are aniworld.to and legacy s.to at their public addresses.
func DefaultSites() []Site {
	return []Site{
		{Name: SiteAniworld, BaseURL: "https://aniworld.to", StreamPath: "/anime/stream/"},
		{Name: SiteSTo, BaseURL: "https://s.to", StreamPath: "/serie/stream/"},
	}
}

// ValidKey is anime.ValidKey, the one slug check.
func ValidKey(key string) bool { return anime.ValidKey(key) }

// SeriesLink is a validated series link.
type SeriesLink struct {
	Site string // Site.Name
	Key  string // the slug
	URL  string // canonical: base URL + stream path + slug
}

// ParseLink validates a series link against sites: http(s), the site's host,
// its stream path, then a slug; a season or episode suffix
// ("/staffel-1/episode-2") is dropped. Anything else is anime.ErrInvalid.
func ParseLink(sites []Site, link string) (SeriesLink, error) {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return SeriesLink{}, fmt.Errorf("%w: link must be an http(s) URL of a series page", anime.ErrInvalid)
	}
	host := strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	for _, s := range sites {
		b, err := url.Parse(s.BaseURL)
		if err != nil || strings.TrimPrefix(strings.ToLower(b.Host), "www.") != host {
			continue
		}
		prefix := strings.TrimSuffix(b.Path, "/") + "/" + strings.Trim(s.StreamPath, "/") + "/"
		rest, ok := strings.CutPrefix(u.Path, prefix)
		if !ok {
			continue
		}
		slug, _, _ := strings.Cut(rest, "/")
		if !ValidKey(slug) {
			return SeriesLink{}, fmt.Errorf("%w: link has no valid series slug", anime.ErrInvalid)
		}
		return SeriesLink{Site: s.Name, Key: slug, URL: strings.TrimSuffix(s.BaseURL, "/") + prefix[len(strings.TrimSuffix(b.Path, "/")):] + slug}, nil
	}
	names := make([]string, 0, len(sites))
	for _, s := range sites {
		names = append(names, strings.TrimSuffix(s.BaseURL, "/")+"/"+strings.Trim(s.StreamPath, "/")+"/<slug>")
	}
	return SeriesLink{}, fmt.Errorf("%w: link must look like %s", anime.ErrInvalid, strings.Join(names, " or "))
}

// SeriesURL is the canonical link of key on the named site, or "" when the
// site is unknown.
func SeriesURL(sites []Site, site, key string) string {
	for _, s := range sites {
		if s.Name == site {
			return strings.TrimSuffix(s.BaseURL, "/") + "/" + strings.Trim(s.StreamPath, "/") + "/" + key
		}
	}
	return ""
}
