package anime

import (
	"regexp"
	"strings"
	"unicode"
)

var trailingYear = regexp.MustCompile(`\s*[(\[]\s*(\d{4})\s*[)\]]\s*$`)

// SplitYear splits a folder-style name "Attack on Titan (2013)" (or
// "[2013]") into "Attack on Titan" and 2013. A name without a plausible
// trailing year (1900-2200) comes back trimmed with 0. It is the one
// title/year rule: the library matches folders and metadata matches TMDB
// entries with it.
func SplitYear(name string) (string, int) {
	m := trailingYear.FindStringSubmatchIndex(name)
	if m == nil {
		return strings.TrimSpace(name), 0
	}
	y := 0
	for _, r := range name[m[2]:m[3]] {
		y = y*10 + int(r-'0')
	}
	if y < 1900 || y > 2200 {
		return strings.TrimSpace(name), 0
	}
	return strings.TrimSpace(name[:m[0]]), y
}

// NormalizeTitle lowers a title and keeps only letters and digits of every
// script, single spaces between words, apostrophes dropped, so "Attack on
// Titan: Final Season", "attack-on-titan-final-season" and "Hell's" =
// "Hells" compare equal.
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
			continue
		}
		space = true
	}
	return b.String()
}
