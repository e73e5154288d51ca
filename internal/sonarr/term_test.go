package sonarr

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseTerm(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Term
		ok   bool
	}{
		{"tvdb:424536", Term{Kind: TermTVDB, ID: 424536}, true},
		{"  TVDB: 81189 ", Term{Kind: TermTVDB, ID: 81189}, true},
		{"tvdbid:5", Term{Kind: TermTVDB, ID: 5}, true},
		{"tmdb:1396", Term{Kind: TermTMDB, ID: 1396}, true},
		{"tvdb:0", Term{Kind: TermTitle, Title: "tvdb:0"}, true},
		{"tvdb:-3", Term{Kind: TermTitle, Title: "tvdb:-3"}, true},
		{"tvdb:abc", Term{Kind: TermTitle, Title: "tvdb:abc"}, true},
		{"Re:Zero", Term{Kind: TermTitle, Title: "Re:Zero"}, true},
		{"Frieren: Nach dem Ende der Reise", Term{Kind: TermTitle, Title: "Frieren: Nach dem Ende der Reise"}, true},
		{"   ", Term{}, false},
		{"", Term{}, false},
	} {
		got, ok := ParseTerm(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseTerm(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	long := strings.Repeat("ä", 300)
	if got, _ := ParseTerm(long); len(got.Title) > maxTermLen || !utf8.ValidString(got.Title) {
		t.Errorf("long term not cut to valid UTF-8: %d bytes", len(got.Title))
	}
}

// FuzzParseTerm: any term parses without panicking into an id > 0 or a
// non-empty, bounded, valid title.
func FuzzParseTerm(f *testing.F) {
	for _, s := range []string{"tvdb:1", "tvdb: 99", "TMDB:7", "tvdb:", ":", "tvdb:9999999999999999999999", "Re:Zero", "\xff\xfe", "tvdb:\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		term, ok := ParseTerm(s)
		if !ok {
			if strings.TrimSpace(s) != "" && len(strings.TrimSpace(s)) <= maxTermLen {
				t.Fatalf("non-empty term %q rejected", s)
			}
			return
		}
		switch term.Kind {
		case TermTVDB, TermTMDB:
			if term.ID <= 0 || term.Title != "" {
				t.Fatalf("%q: %+v", s, term)
			}
		case TermTitle:
			if term.Title == "" || len(term.Title) > maxTermLen {
				t.Fatalf("%q: %+v", s, term)
			}
		}
	})
}
