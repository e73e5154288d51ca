package tmdb

import (
	"errors"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestBestMatch(t *testing.T) {
	aot := SearchResult{ID: 1429, Name: "Attack on Titan", OriginalName: "進撃の巨人", FirstAirDate: "2013-04-07"}
	aotJunior := SearchResult{ID: 65708, Name: "Attack on Titan: Junior High", OriginalName: "進撃！巨人中学校", FirstAirDate: "2015-10-04"}
	aotRecap := SearchResult{ID: 9, Name: "Attack on Titan Recap Special", FirstAirDate: "2014-01-01"}
	hxh1999 := SearchResult{ID: 1, Name: "Hunter x Hunter", OriginalName: "HUNTER×HUNTER", FirstAirDate: "1999-10-16"}
	hxh2011 := SearchResult{ID: 46298, Name: "Hunter x Hunter", OriginalName: "HUNTER×HUNTER", FirstAirDate: "2011-10-02"}
	frieren := SearchResult{ID: 209867, Name: "Frieren: Beyond Journey's End", OriginalName: "葬送のフリーレン", FirstAirDate: "2023-09-29"}
	unrelated := SearchResult{ID: 5, Name: "Cooking Show", FirstAirDate: "2010-01-01"}

	for _, tc := range []struct {
		name    string
		results []SearchResult
		title   string
		year    int
		wantID  int
		wantErr error
	}{
		{"exact match not first", []SearchResult{aotJunior, aotRecap, aot}, "Attack on Titan", 0, 1429, nil},
		{"year picks the remake", []SearchResult{hxh1999, hxh2011}, "Hunter x Hunter", 2011, 46298, nil},
		{"year picks the original", []SearchResult{hxh2011, hxh1999}, "Hunter x Hunter", 1999, 1, nil},
		{"folder year in title", []SearchResult{hxh1999, hxh2011}, "Hunter x Hunter (2011)", 2011, 46298, nil},
		{"punctuation and case ignored", []SearchResult{unrelated, frieren}, "frieren beyond journeys end", 0, 209867, nil},
		{"original japanese name", []SearchResult{aotJunior, aot}, "進撃の巨人", 0, 1429, nil},
		{"prefix still matches", []SearchResult{unrelated, frieren}, "Frieren", 2023, 209867, nil},
		{"nothing close", []SearchResult{unrelated}, "Attack on Titan", 2013, 0, anime.ErrNotFound},
		{"no results", nil, "Attack on Titan", 0, 0, anime.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := BestMatch(tc.results, tc.title, tc.year)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if err == nil && got.ID != tc.wantID {
				t.Errorf("picked %d (%s), want %d", got.ID, got.Name, tc.wantID)
			}
		})
	}
}

func TestSimilarity(t *testing.T) {
	for _, tc := range []struct {
		a, b     string
		min, max float64
	}{
		{"Attack on Titan", "attack-on-titan", 1, 1},
		{"Attack on Titan", "Attack on Titan: Junior High", 0.5, 0.8},
		{"Naruto", "Boruto", 0.5, 0.7},
		{"", "x", 0, 0},
		{"Naruto", "Bleach", 0, 0.4},
	} {
		if got := Similarity(tc.a, tc.b); got < tc.min || got > tc.max {
			t.Errorf("Similarity(%q, %q) = %.2f, want in [%.2f, %.2f]", tc.a, tc.b, got, tc.min, tc.max)
		}
	}
}

func FuzzSimilarity(f *testing.F) {
	f.Add("Attack on Titan", "進撃の巨人")
	f.Add("", "(2019)")
	f.Add("a\xffb", "ab")
	f.Fuzz(func(t *testing.T, a, b string) {
		s := Similarity(a, b)
		if s < 0 || s > 1 {
			t.Fatalf("Similarity(%q, %q) = %v out of range", a, b, s)
		}
		if s2 := Similarity(b, a); s2 != s {
			t.Fatalf("not symmetric: %v vs %v", s, s2)
		}
	})
}

func TestYearDoesNotRescuePoorTitle(t *testing.T) {
	r := SearchResult{ID: 1, Name: "Show", FirstAirDate: "2019-01-01"}
	if _, err := BestMatch([]SearchResult{r}, "Sh", 2019); !errors.Is(err, anime.ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
}
