package anime

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameBytes caps a sanitised folder or file name component, in bytes.
// Most file systems allow 255; the margin leaves room for suffixes such as
// ".part" and a temporary-file prefix.
const MaxNameBytes = 200

// forbiddenRunes are the characters Windows, SMB shares and most NAS file
// systems refuse in a name; '/' and '\' would also split a path.
const forbiddenRunes = `<>:"/\|?*`

// SanitizeFolderName turns a series title into a name that is safe as one
// path component on every common file system: it removes < > : " / \ | ? *
// and control characters, collapses runs of white space into one space,
// trims spaces and dots at both ends, keeps every other Unicode character,
// renames Windows reserved device names (CON, NUL, COM1 …) by appending "_",
// and caps the result at MaxNameBytes on a rune boundary. Invalid UTF-8 is
// dropped. It returns "" when nothing usable remains; callers decide what an
// empty name means for them.
//
// "Attack on Titan: Final Season" becomes "Attack on Titan Final Season".
func SanitizeFolderName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	space := false
	for i, r := range name {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(name[i:]); size <= 1 {
				continue // invalid byte
			}
		}
		switch {
		case strings.ContainsRune(forbiddenRunes, r):
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r) && r != '\u200D':
			// Format characters (BOM, bidi overrides) are invisible and
			// make names that look equal differ; ZWJ stays for emoji.
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	out := trimSpaceDots(b.String())
	out = truncateBytes(out, MaxNameBytes)
	out = trimSpaceDots(out)
	if out != "" && isReservedWindowsName(out) {
		out = trimSpaceDots(truncateBytes(out, MaxNameBytes-1))
		stem, ext, _ := strings.Cut(out, ".")
		if ext != "" {
			out = stem + "_." + ext
		} else {
			out = stem + "_"
		}
	}
	return out
}

// FolderName is the folder a series gets by default: the sanitised
// "Name (Year)". The library creates folders with it and search results
// show it, so both always agree.
func FolderName(name string, year int) string {
	return SanitizeFolderName(DisplayName(name, year))
}

// DisplayName is the conventional "Name (Year)" folder title; the year is
// left out when unknown (0) or when name already ends with it.
func DisplayName(name string, year int) string {
	name = strings.TrimSpace(name)
	if year <= 0 {
		return name
	}
	suffix := fmt.Sprintf("(%d)", year)
	if strings.HasSuffix(name, suffix) {
		return name
	}
	if name == "" {
		return suffix
	}
	return name + " " + suffix
}

func trimSpaceDots(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r == '.' || unicode.IsSpace(r) })
}

// truncateBytes cuts s to at most n bytes without splitting a rune.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// isReservedWindowsName reports whether name's stem (up to the first dot) is
// a DOS device name, which Windows refuses whatever the extension.
func isReservedWindowsName(name string) bool {
	stem, _, _ := strings.Cut(name, ".")
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(stem) == 4 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) {
		c := stem[3]
		return c >= '0' && c <= '9'
	}
	if strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT") {
		switch stem[3:] {
		case "¹", "²", "³":
			return true
		}
	}
	return false
}
