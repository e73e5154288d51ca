package anime

import "testing"

func TestSplitYear(t *testing.T) {
	for _, tc := range []struct {
		in   string
		name string
		year int
	}{
		{"One Piece (1999)", "One Piece", 1999},
		{"One Piece [1999] ", "One Piece", 1999},
		{"Show", "Show", 0},
		{"2012 (0042)", "2012 (0042)", 0},
		{"Steins;Gate 0 (2018)", "Steins;Gate 0", 2018},
	} {
		t.Run(tc.in, func(t *testing.T) {
			name, year := SplitYear(tc.in)
			if name != tc.name || year != tc.year {
				t.Errorf("SplitYear(%q) = %q, %d; want %q, %d", tc.in, name, year, tc.name, tc.year)
			}
		})
	}
}

func TestNormalizeTitle(t *testing.T) {
	tests := []struct{ a, b string }{
		{"Attack on Titan: Final Season", "attack-on-titan-final-season"},
		{"Hell's Paradise", "Hells Paradise"},
		{"  進撃の巨人 ", "進撃の巨人"},
		{"Re:Zero", "re zero"},
	}
	for _, tt := range tests {
		if NormalizeTitle(tt.a) != NormalizeTitle(tt.b) {
			t.Errorf("NormalizeTitle(%q) = %q != NormalizeTitle(%q) = %q", tt.a, NormalizeTitle(tt.a), tt.b, NormalizeTitle(tt.b))
		}
	}
	if NormalizeTitle("One Piece") == NormalizeTitle("One Punch") {
		t.Error("different titles compare equal")
	}
}
