package library

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

// Site names as they appear in Series.Site and markers: the provider's.
const (
	SiteAniworld = provider.SiteAniWorld
	SiteSTo      = provider.SiteSerienstream
)

// Site is one provider address the library accepts links for. A site name
// may have several entries (mirrors, a retired form): links of every entry
// are accepted, and the first entry that is not Legacy gives the canonical
// link stored for new series.
type Site struct {
	Name       string // "aniworld.to"
	BaseURL    string // "https://aniworld.to", or a mirror / local fake
	StreamPath string // "/anime/stream/"
	// Legacy marks a retired form (https://s.to/serie/stream/): accepted in
	// links, never stored; a series still carrying it gets its link
	// rewritten to the canonical form on the next scan.
	Legacy bool
}

// DefaultSites are aniworld.to and serienstream.to (site "s.to", with the
// retired s.to form) at their public addresses.
func DefaultSites() []Site {
	return append([]Site{{Name: SiteAniworld, BaseURL: "https://aniworld.to", StreamPath: "/anime/stream/"}},
		SerienstreamSites([]string{"https://serienstream.to"})...)
}

// SerienstreamSites are the entries of serienstream.to (site "s.to") at
// baseURLs, the first being canonical: /serie/<slug> on every address, and
// the retired /serie/stream/<slug> form (on https://s.to and on every
// address) as Legacy. Legacy entries come first so "/serie/stream/x" is
// never read as the series "stream".
func SerienstreamSites(baseURLs []string) []Site {
	out := []Site{{Name: SiteSTo, BaseURL: "https://s.to", StreamPath: "/serie/stream/", Legacy: true}}
	for _, b := range baseURLs {
		out = append(out, Site{Name: SiteSTo, BaseURL: b, StreamPath: "/serie/stream/", Legacy: true})
	}
	for _, b := range baseURLs {
		out = append(out, Site{Name: SiteSTo, BaseURL: b, StreamPath: "/serie/"})
	}
	return out
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
// its base path and stream path, then a slug; what follows the slug (a
// season or episode, "/staffel-1/episode-2", a trailing slash) is dropped,
// and so are a query string and a fragment. The path grammar is the
// provider's (provider.CutSeriesPath); this adds the configured addresses.
// Anything else is anime.ErrInvalid.
func ParseLink(sites []Site, link string) (SeriesLink, error) {
	l, _, err := parseLink(sites, link)
	return l, err
}

// isLegacyLink reports whether link is in a retired form of its site.
func isLegacyLink(sites []Site, link string) bool {
	_, s, err := parseLink(sites, link)
	return err == nil && s.Legacy
}

// parseLink is ParseLink that also answers the entry the link matched. The
// answered URL is the canonical link of the site name (the matched entry's
// own form when the name has no other).
func parseLink(sites []Site, link string) (SeriesLink, Site, error) {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return SeriesLink{}, Site{}, fmt.Errorf("%w: link must be an http(s) URL of a series page", anime.ErrInvalid)
	}
	host := strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	badSlug := false
	for _, s := range sites {
		b, err := url.Parse(s.BaseURL)
		if err != nil || strings.TrimPrefix(strings.ToLower(b.Host), "www.") != host {
			continue
		}
		basePath := strings.TrimSuffix(b.Path, "/")
		streamPath := "/" + strings.Trim(s.StreamPath, "/") + "/"
		slug, _, ok := provider.CutSeriesPath(u.Path, basePath+streamPath)
		if !ok {
			badSlug = badSlug || strings.HasPrefix(u.Path, basePath+streamPath)
			continue
		}
		canonical := SeriesURL(sites, s.Name, slug)
		if canonical == "" {
			canonical = strings.TrimSuffix(s.BaseURL, "/") + streamPath + slug
		}
		return SeriesLink{Site: s.Name, Key: slug, URL: canonical}, s, nil
	}
	if badSlug {
		return SeriesLink{}, Site{}, fmt.Errorf("%w: link has no valid series slug", anime.ErrInvalid)
	}
	names := make([]string, 0, len(sites))
	for _, s := range sites {
		if !s.Legacy {
			names = append(names, strings.TrimSuffix(s.BaseURL, "/")+"/"+strings.Trim(s.StreamPath, "/")+"/<slug>")
		}
	}
	return SeriesLink{}, Site{}, fmt.Errorf("%w: link must look like %s", anime.ErrInvalid, strings.Join(names, " or "))
}

// SeriesURL is the canonical link of key on the named site (its first
// entry that is not Legacy), or "" when the site is unknown.
func SeriesURL(sites []Site, site, key string) string {
	for _, s := range sites {
		if s.Name == site && !s.Legacy {
			return strings.TrimSuffix(s.BaseURL, "/") + "/" + strings.Trim(s.StreamPath, "/") + "/" + key
		}
	}
	return ""
}
