package library

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Candidate is one series as the provider describes it.
type Candidate struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Site        string `json:"site"`
	Link        string `json:"link"`
	Year        int    `json:"year,omitempty"`
	Description string `json:"description,omitempty"`
}

// Catalog is what the library needs from the provider. Implementations
// cache: a rescan asks for every series' episodes again and must not
// re-fetch the site each time.
type Catalog interface {
	// Search finds series by title.
	Search(ctx context.Context, query string) ([]Candidate, error)
	// Series answers one series' details (name, year, description).
	Series(ctx context.Context, site, key string) (Candidate, error)
	// Episodes answers the episode numbers per season (0 = movies and
	// specials) the provider lists for a series.
	Episodes(ctx context.Context, site, key string) (map[int][]int, error)
}

var reTrailingYear = regexp.MustCompile(`\s*[(\[](\d{4})[)\]]\s*$`)

// SplitFolderYear splits "Attack on Titan (2013)" into "Attack on Titan"
// and 2013; a folder without a trailing "(YYYY)" keeps its name and year 0.
func SplitFolderYear(folder string) (name string, year int) {
	m := reTrailingYear.FindStringSubmatchIndex(folder)
	if m == nil {
		return strings.TrimSpace(folder), 0
	}
	y, _ := strconv.Atoi(folder[m[2]:m[3]])
	if y < 1900 || y > 2200 {
		return strings.TrimSpace(folder), 0
	}
	return strings.TrimSpace(folder[:m[0]]), y
}

// NormalizeTitle lowers a title and keeps only letters and digits, single
// spaces between words, so "Attack on Titan: Final Season" and the folder
// "attack on titan final season" compare equal.
func NormalizeTitle(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		if r == '\'' || r == '’' {
			continue // "Hell's" = "Hells"
		}
		space = true
	}
	return b.String()
}

// MatchFolder picks the candidate a marker-less folder confidently belongs
// to: exactly one candidate whose normalised title equals the folder's
// (year stripped), and whose year agrees when both are known. ok is false
// for no match or an ambiguous one, with a reason; it never guesses.
func MatchFolder(folder string, cands []Candidate) (best Candidate, ok bool, reason string) {
	name, year := SplitFolderYear(folder)
	want := NormalizeTitle(name)
	if want == "" {
		return Candidate{}, false, "folder name has no title"
	}
	var hits []Candidate
	for _, c := range cands {
		if !ValidKey(c.Key) {
			continue
		}
		if NormalizeTitle(c.Name) != want && NormalizeTitle(SanitizeFolderName(c.Name)) != want {
			continue
		}
		if year != 0 && c.Year != 0 && year != c.Year {
			continue
		}
		hits = append(hits, c)
	}
	switch {
	case len(hits) == 1:
		return hits[0], true, ""
	case len(hits) > 1:
		// Several equal titles: a year on both sides decides, nothing else.
		var exact []Candidate
		for _, c := range hits {
			if year != 0 && c.Year == year {
				exact = append(exact, c)
			}
		}
		if len(exact) == 1 {
			return exact[0], true, ""
		}
		return Candidate{}, false, "ambiguous: " + strconv.Itoa(len(hits)) + " series share this title"
	case len(cands) == 0:
		return Candidate{}, false, "no search results"
	}
	return Candidate{}, false, "no search result has this title"
}
