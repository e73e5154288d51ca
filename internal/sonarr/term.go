package sonarr

import (
	"strconv"
	"strings"
)

// TermKind says what a lookup term names.
type TermKind int

// Term kinds.
const (
	TermTitle TermKind = iota // free text
	TermTVDB                  // "tvdb:<id>" (also "tvdbid:")
	TermTMDB                  // "tmdb:<id>" (also "tmdbid:")
)

// Term is a parsed /series/lookup term.
type Term struct {
	Kind  TermKind
	ID    int
	Title string
}

// maxTermLen bounds a lookup term; longer ones are cut.
const maxTermLen = 200

// ParseTerm reads Sonarr's lookup term the way Sonarr does: "tvdb:<id>"
// (any case, spaces around the id allowed) names a TVDB series, "tmdb:" a
// TMDB show, anything else is a title. A prefix with a bad id ("tvdb:abc",
// "tvdb:0") is not an id: it is searched as the title it is. ok is false
// for an empty term.
func ParseTerm(s string) (Term, bool) {
	s = strings.TrimSpace(s)
	if len(s) > maxTermLen {
		s = strings.ToValidUTF8(s[:maxTermLen], "")
	}
	if s == "" {
		return Term{}, false
	}
	if prefix, rest, found := strings.Cut(s, ":"); found {
		kind := TermTitle
		switch strings.ToLower(strings.TrimSpace(prefix)) {
		case "tvdb", "tvdbid":
			kind = TermTVDB
		case "tmdb", "tmdbid":
			kind = TermTMDB
		}
		if kind != TermTitle {
			if id, err := strconv.Atoi(strings.TrimSpace(rest)); err == nil && id > 0 {
				return Term{Kind: kind, ID: id}, true
			}
		}
	}
	return Term{Kind: TermTitle, Title: s}, true
}
