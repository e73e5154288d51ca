package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// wantedLibrary stores series with known missing maps; the names sort
// differently from the keys, and one season number has two digits.
func wantedLibrary(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	lib := []struct {
		key, name, site string
		missing         anime.MissingEpisodes
	}{
		{"zeta", "Alpha Show", "aniworld.to", anime.MissingEpisodes{"1": {3, 1, 2}, "10": {1}, "2": {5}}},
		{"alpha", "beta show", "s.to", anime.MissingEpisodes{"1": {7}}},
		{"complete", "Complete", "aniworld.to", nil},
		{"legacy", "Legacy", "", anime.MissingEpisodes{"0": {1}, "1": {1, 2}}},
		{"omega", "Omega", "s.to", anime.MissingEpisodes{"3": {1, 2, 3, 4}}},
	}
	for _, s := range lib {
		err := db.SaveScannedSeries(ctx, ScannedSeries{Series: anime.Series{Key: s.key, Name: s.name, Site: s.site, Folder: s.name}, Missing: s.missing})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func code(w WantedEpisode) string { return fmt.Sprintf("%s:%dx%d", w.SerieKey, w.Season, w.Episode) }

// checkWanted lists q and compares the page's episodes (by code) and the
// total with want.
func checkWanted(t *testing.T, db *DB, q WantedQuery, want []string) {
	t.Helper()
	page, total, err := db.WantedList(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range page {
		got = append(got, code(w))
	}
	if total != len(want) || !slices.Equal(got, want) {
		t.Errorf("got %v (total %d), want %v", got, total, want)
	}
}

func TestWantedPages(t *testing.T) {
	ctx := context.Background()
	db := newSeriesDB(t)
	wantedLibrary(t, db)
	all := []string{"zeta:1x1", "zeta:1x2", "zeta:1x3", "zeta:2x5", "zeta:10x1", "alpha:1x7",
		"legacy:0x1", "legacy:1x1", "legacy:1x2", "omega:3x1", "omega:3x2", "omega:3x3", "omega:3x4"}
	for _, per := range []int{1, 2, 3, 5, 13, 20} {
		var got []string
		for off := 0; off < len(all)+per; off += per {
			page, total, err := db.WantedList(ctx, WantedQuery{Offset: off, Limit: per})
			if err != nil {
				t.Fatal(err)
			}
			if total != len(all) {
				t.Fatalf("total = %d, want %d", total, len(all))
			}
			if len(page) > per {
				t.Fatalf("page of %d holds %d", per, len(page))
			}
			for _, w := range page {
				got = append(got, code(w))
			}
		}
		if !slices.Equal(got, all) {
			t.Errorf("per_page %d: walked %v\nwant %v", per, got, all)
		}
	}
	tests := []struct {
		name  string
		sites []string
		want  []string
	}{
		{"one site", []string{"s.to"}, []string{"alpha:1x7", "omega:3x1", "omega:3x2", "omega:3x3", "omega:3x4"}},
		{"site with legacy rows", []string{"aniworld.to", ""}, []string{"zeta:1x1", "zeta:1x2", "zeta:1x3", "zeta:2x5", "zeta:10x1", "legacy:0x1", "legacy:1x1", "legacy:1x2"}},
		{"unknown site", []string{"nowhere"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkWanted(t, db, WantedQuery{Sites: tc.sites, Limit: 100}, tc.want)
		})
	}
}

func TestWantedLanguages(t *testing.T) {
	ctx := context.Background()
	db := newSeriesDB(t)
	wantedLibrary(t, db)
	seen := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	err := db.SaveMonitorEpisodes(ctx, "omega", []MonitorEpisode{
		{Season: 3, Episode: 1, Title: "Eins", FirstSeen: seen, Languages: map[string]time.Time{"German Sub": seen, "German Dub": seen.Add(time.Hour)}},
		{Season: 3, Episode: 2, Title: "Zwei", FirstSeen: seen, Languages: map[string]time.Time{"German Sub": seen}},
		{Season: 3, Episode: 9, Title: "on disk", FirstSeen: seen, Languages: map[string]time.Time{"German Dub": seen}},
	})
	if err != nil {
		t.Fatal(err)
	}
	page, total, err := db.WantedList(ctx, WantedQuery{Sites: []string{"s.to"}, Limit: 10})
	if err != nil || total != 5 {
		t.Fatalf("total %d, %v", total, err)
	}
	byCode := map[string]WantedEpisode{}
	for _, w := range page {
		byCode[code(w)] = w
	}
	if w := byCode["omega:3x1"]; w.Title != "Eins" || strings.Join(w.Languages, ",") != "German Sub,German Dub" {
		t.Errorf("3x1 = %+v; want its title and languages in the order they appeared", w)
	}
	if w := byCode["omega:3x3"]; w.Title != "" || w.Languages != nil {
		t.Errorf("3x3 was never listed by a refresh, got %+v", w)
	}
	tests := []struct {
		lang string
		want []string
	}{
		{"German Sub", []string{"omega:3x1", "omega:3x2"}},
		{"German Dub", []string{"omega:3x1"}}, // 3x9 is not missing
		{"English Sub", nil},
		{`German" Dub`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			checkWanted(t, db, WantedQuery{Language: tc.lang, Limit: 10}, tc.want)
		})
	}
	page, total, err = db.WantedList(ctx, WantedQuery{Language: "German Sub", Offset: 1, Limit: 1})
	if err != nil || total != 2 || len(page) != 1 || code(page[0]) != "omega:3x2" || page[0].Title != "Zwei" {
		t.Errorf("second page by language = %+v (total %d, %v)", page, total, err)
	}
}

// BenchmarkWantedPage measures one page of missing episodes deep in a
// library of 10,000 series with 20 missing episodes each.
func BenchmarkWantedPage(b *testing.B) {
	ctx := context.Background()
	db := newSeriesDB(b)
	batch := make([]ScannedSeries, 0, 10000)
	for i := 0; i < 10000; i++ {
		m := anime.MissingEpisodes{"1": {}, "2": {}}
		for e := 1; e <= 10; e++ {
			m["1"] = append(m["1"], e)
			m["2"] = append(m["2"], e)
		}
		batch = append(batch, ScannedSeries{Series: anime.Series{Key: fmt.Sprintf("s%05d", i), Name: fmt.Sprintf("Series %05d", i), Site: "aniworld.to", Folder: fmt.Sprint(i)}, Missing: m})
	}
	if err := db.SaveScannedBatch(ctx, batch); err != nil {
		b.Fatal(err)
	}
	for _, off := range []int{0, 150000} {
		b.Run(fmt.Sprint("offset=", off), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				page, total, err := db.WantedList(ctx, WantedQuery{Offset: off, Limit: 50})
				if err != nil || total != 200000 || len(page) != 50 {
					b.Fatalf("%d of %d, %v", len(page), total, err)
				}
			}
		})
		// The reference: every missing episode expanded and sorted in
		// SQL, then LIMIT/OFFSET (what the language filter has to do).
		b.Run(fmt.Sprint("reference-expand/offset=", off), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				rows, err := db.QueryContext(ctx, `SELECT s.key, CAST(m.key AS INTEGER), e.value
					FROM series s, json_each(s.missing_json) m, json_each(m.value) e WHERE s.missing_count > 0
					ORDER BY s.name COLLATE NOCASE, s.key, CAST(m.key AS INTEGER), e.value LIMIT 50 OFFSET ?`, off)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for rows.Next() {
					n++
				}
				rows.Close()
				if n != 50 {
					b.Fatalf("%d rows", n)
				}
			}
		})
	}
}
