package serienstream

import (
	"html"
	"net/url"
	"regexp"
	"strings"
)

var (
	tagRe        = regexp.MustCompile(`<[^>]*>`)
	seriesPathRe = regexp.MustCompile(`^/serie/([a-zA-Z0-9][a-zA-Z0-9-]*)/?$`)
)

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
	m := seriesPathRe.FindStringSubmatch(u.Path)
	if m == nil || m[1] == "stream" {
		return ""
	}
	return m[1]
}
