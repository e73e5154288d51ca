package serienstream

import (
	"html"
	"net/url"
	"regexp"
	"strings"

	"github.com/aniworld/aniworld/internal/provider"
)

var tagRe = regexp.MustCompile(`<[^>]*>`)

// seriesPrefix is the path before a series slug on serienstream.to.
const seriesPrefix = "/serie/"

// cleanText strips tags, unescapes entities (twice: the site double-escapes
// some titles) and collapses white space.
func cleanText(s string) string {
	s = tagRe.ReplaceAllString(s, "")
	s = html.UnescapeString(html.UnescapeString(s))
	return strings.Join(strings.Fields(s), " ")
}

// slugOf answers the series slug of a series link ("/serie/<slug>" or an
// absolute URL of it on any host); "" for anything else, including the
// legacy "/serie/stream/…" form and season or episode links.
func slugOf(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return ""
	}
	key, rest, ok := provider.CutSeriesPath(u.Path, seriesPrefix)
	if !ok || key == "stream" || (rest != "" && rest != "/") {
		return ""
	}
	return key
}

// slugOfSeason answers the slug of a /serie/<slug>/<season> link (site
// relative or absolute); "" for anything else.
func slugOfSeason(href string) string {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return ""
	}
	key, _, _ := provider.CutSeriesPath(u.Path, seriesPrefix)
	return key
}
