package provider

import (
	"strconv"
	"strings"
)

// FolderName turns a display name into a folder name: it removes
// < > : " / \ | ? * and control characters, collapses runs of spaces,
// trims spaces and dots at both ends, keeps every other Unicode character,
// and appends " (year)" when year is known.
//
// This is a private copy for search results; the library package owns the
// canonical sanitiser (providers may not import library).
func FolderName(name string, year int) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case strings.ContainsRune(`<>:"/\|?*`, r):
			continue
		case r < 0x20 || r == 0x7f:
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	s := strings.Join(strings.Fields(b.String()), " ")
	s = strings.Trim(s, " .")
	if year > 0 {
		if s == "" {
			return strconv.Itoa(year)
		}
		s += " (" + strconv.Itoa(year) + ")"
	}
	return s
}
