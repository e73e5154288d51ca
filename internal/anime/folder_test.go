package anime

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitizeFolderName(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"seed example", "Attack on Titan: Final Season", "Attack on Titan Final Season"},
		{"all forbidden", `a<b>c:d"e/f\g|h?i*j`, "abcdefghij"},
		{"collapse whitespace", "  One \t  Piece\n ", "One Piece"},
		{"trim dots", "...Dr. Stone...", "Dr. Stone"},
		{"keeps unicode", "進撃の巨人 (2013)", "進撃の巨人 (2013)"},
		{"control chars", "Bad\x00\x07Name\x1f", "BadName"},
		{"bidi override dropped", "Evil\u202Egnp.exe", "Evilgnp.exe"},
		{"invalid utf8 dropped", "Ok\xffay", "Okay"},
		{"reserved CON", "CON", "CON_"},
		{"reserved lower nul", "nul", "nul_"},
		{"reserved with ext", "com1.txt", "com1_.txt"},
		{"reserved after trim", " LPT9 ", "LPT9_"},
		{"not reserved", "Console", "Console"},
		{"empty", "", ""},
		{"only junk", ` .:?* . `, ""},
		{"ampersand kept", "Tom & Jerry", "Tom & Jerry"},
		{"question mark title", "Why?", "Why"},
		{"colon spaced", "Re:Zero − Starting Life", "ReZero − Starting Life"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SanitizeFolderName(tt.in); got != tt.want {
				t.Fatalf("SanitizeFolderName(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeFolderNameCapsOnRuneBoundary(t *testing.T) {
	in := strings.Repeat("巨", 100) // 300 bytes
	got := SanitizeFolderName(in)
	if len(got) > MaxNameBytes || !utf8.ValidString(got) {
		t.Fatalf("len %d valid %v", len(got), utf8.ValidString(got))
	}
	if len(got) != 198 { // 66 runes of 3 bytes
		t.Fatalf("len = %d; want 198", len(got))
	}
}

func TestDisplayName(t *testing.T) {
	tests := []struct {
		name string
		in   string
		year int
		want string
	}{
		{"with year", "Attack on Titan", 2013, "Attack on Titan (2013)"},
		{"no year", "Attack on Titan", 0, "Attack on Titan"},
		{"already has year", "Attack on Titan (2013)", 2013, "Attack on Titan (2013)"},
		{"trims", "  Naruto ", 2002, "Naruto (2002)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DisplayName(tt.in, tt.year); got != tt.want {
				t.Fatalf("DisplayName = %q; want %q", got, tt.want)
			}
		})
	}
}

func FuzzSanitizeFolderName(f *testing.F) {
	for _, s := range []string{"Attack on Titan: Final Season", "CON", "com1.txt", "..", " . ", "a/b\\c", "進撃の巨人",
		strings.Repeat("é", 150), "x\x00y", "\xff\xfe", "LPT1 .x", "aux."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := SanitizeFolderName(in)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid utf8 %q", out)
		}
		if len(out) > MaxNameBytes {
			t.Fatalf("too long: %d", len(out))
		}
		if strings.ContainsAny(out, forbiddenRunes) {
			t.Fatalf("forbidden rune in %q", out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("control char in %q", out)
			}
		}
		if out != "" && (strings.Trim(out, " .") != out) {
			t.Fatalf("untrimmed %q", out)
		}
		if isReservedWindowsName(out) {
			t.Fatalf("reserved name %q", out)
		}
		if out == "." || out == ".." || strings.Contains(out, "  ") {
			t.Fatalf("bad output %q", out)
		}
		if again := SanitizeFolderName(out); again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, out, again)
		}
	})
}

func TestFolderName(t *testing.T) {
	tests := []struct {
		name, title string
		year        int
		want        string
	}{
		{"title and year", "Attack on Titan: Final Season", 2013, "Attack on Titan Final Season (2013)"},
		{"no year", "One Piece", 0, "One Piece"},
		{"year already there", "Dr. Stone (2019)", 2019, "Dr. Stone (2019)"},
		{"reserved device name", "CON", 0, "CON_"},
		{"invisible format character", "Re\u00adZero", 2016, "ReZero (2016)"},
		{"control character", "Tab\x01Name", 0, "TabName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FolderName(tt.title, tt.year); got != tt.want {
				t.Fatalf("FolderName(%q, %d) = %q, want %q", tt.title, tt.year, got, tt.want)
			}
		})
	}
}

func TestMissingEpisodesRefs(t *testing.T) {
	m := MissingEpisodes{"2": {5, 1}, "0": {3}, "10": {1}, "x": {9}, "-1": {1}}
	got := m.Refs()
	want := []EpisodeRef{{Season: 0, Episode: 3}, {Season: 2, Episode: 1}, {Season: 2, Episode: 5}, {Season: 10, Episode: 1}}
	if len(got) != len(want) {
		t.Fatalf("Refs = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Refs = %v, want %v", got, want)
		}
	}
	if len(MissingEpisodes{}.Refs()) != 0 {
		t.Fatal("empty map has refs")
	}
}
