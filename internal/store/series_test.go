package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestFilesJSONRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		files []EpisodeFile
		want  string // "" skips the exact-text check
	}{
		{"empty", nil, "[]"},
		{"one", []EpisodeFile{{Season: 1, Episode: 2, Language: anime.LangGermanDub, Path: "Season 01/A - S01E02.mp4", Size: 7}},
			`[["Season 01/A - S01E02.mp4",1,2,1,7]]`},
		{"multi-episode file", []EpisodeFile{{Season: 1, Episode: 1, Path: "a.mkv", Size: 3}, {Season: 1, Episode: 2, Path: "a.mkv", Size: 3}},
			`[["a.mkv",1,1,0,3],["a.mkv",1,2,0,3]]`},
		{"quotes backslash control", []EpisodeFile{{Season: 0, Episode: 1, Path: "x \"y\" \\ \t\n\x01.mp4", Size: -1}},
			`[["x \"y\" \\ \u0009\u000a\u0001.mp4",0,1,0,-1]]`},
		{"not utf-8 kept", []EpisodeFile{{Season: 2, Episode: 3, Path: "bad \xff\xfe name.mp4", Size: 1 << 40}}, ""},
		{"unicode", []EpisodeFile{{Season: 1, Episode: 1, Path: "進撃の巨人 😀/Folge 1.mp4", Size: 9}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := appendFilesJSON(nil, tt.files)
			if tt.want != "" && string(b) != tt.want {
				t.Fatalf("encoded %s; want %s", b, tt.want)
			}
			got, err := decodeFilesJSON(string(b))
			if err != nil {
				t.Fatalf("decode %s: %v", b, err)
			}
			if len(got) != len(tt.files) || (len(got) > 0 && !reflect.DeepEqual(got, tt.files)) {
				t.Fatalf("round trip %+v; want %+v", got, tt.files)
			}
		})
	}
}

func TestDecodeFilesJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []EpisodeFile
		wantErr bool
	}{
		{"spaces and escapes", " [ [ \"a\\/b\\u00e9\\ud83d\\ude00\" , 1 , 2 , 3 , 4 ] ] ", []EpisodeFile{{Path: "a/bé😀", Season: 1, Episode: 2, Language: 3, Size: 4}}, false},
		{"lone surrogate", `[["\ud800x",1,1,0,0]]`, []EpisodeFile{{Path: "\uFFFDx", Season: 1, Episode: 1}}, false},
		{"not an array", `{}`, nil, true},
		{"short entry", `[["a",1,2,3]]`, nil, true},
		{"unterminated string", `[["a`, nil, true},
		{"bad number", `[["a",x,2,3,4]]`, nil, true},
		{"bad escape", `[["\q",1,2,3,4]]`, nil, true},
		{"trailing data", `[] x`, nil, true},
		{"missing comma", `[["a",1,2,3,4]["b",1,2,3,4]]`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeFilesJSON(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v; wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v; want %+v", got, tt.want)
			}
		})
	}
}

// FuzzFilesJSON checks that every path, season, episode and size survives
// the column encoding.
func FuzzFilesJSON(f *testing.F) {
	for _, s := range []string{"Season 01/A - S01E01.mp4", "", "\"\\\x00\x1f\x7f", "\xff", "é😀"} {
		f.Add(s, 1, 2, int64(3))
	}
	f.Fuzz(func(t *testing.T, path string, season, episode int, size int64) {
		in := []EpisodeFile{{Path: path, Season: season, Episode: episode, Language: anime.LangEnglishSub, Size: size}}
		b := appendFilesJSON(nil, in)
		got, err := decodeFilesJSON(string(b))
		if err != nil || !reflect.DeepEqual(got, in) {
			t.Fatalf("round trip of %q: %+v %v", b, got, err)
		}
	})
}

func newSeriesDB(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSaveScannedBatchFiles(t *testing.T) {
	ctx := context.Background()
	db := newSeriesDB(t)
	s := anime.Series{Key: "naruto", Name: "Naruto", Site: "aniworld.to", Folder: "Naruto"}
	files := []EpisodeFile{
		{Season: 1, Episode: 2, Path: "b.mkv", Size: 5},
		{Season: 1, Episode: 1, Path: "a.mkv", Size: 4},
		{Season: 1, Episode: 1, Path: "a2 \"q\" \\ \t é.mkv", Size: 6, Language: anime.LangGermanSub},
	}
	steps := []struct {
		name      string
		in        ScannedSeries
		wantFiles []EpisodeFile
		wantCount int
	}{
		{"new series", ScannedSeries{Series: s, Files: files, ReplaceFiles: true, Fingerprint: "f1"},
			[]EpisodeFile{files[1], files[2], files[0]}, 2},
		{"unchanged files kept", ScannedSeries{Series: s, Files: files[:1], ReplaceFiles: false, Fingerprint: "f1"},
			[]EpisodeFile{files[1], files[2], files[0]}, 1},
		{"files replaced", ScannedSeries{Series: s, Files: files[:1], ReplaceFiles: true, Fingerprint: "f2"},
			[]EpisodeFile{files[0]}, 1},
		{"all gone", ScannedSeries{Series: s, ReplaceFiles: true, Fingerprint: "f3"}, nil, 0},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := db.SaveScannedBatch(ctx, []ScannedSeries{st.in}); err != nil {
				t.Fatal(err)
			}
			got, err := db.SeriesEpisodes(ctx, "naruto")
			if err != nil || !slices.Equal(got, st.wantFiles) {
				t.Fatalf("files %+v %v; want %+v", got, err, st.wantFiles)
			}
			rec, err := db.SeriesByKey(ctx, "naruto")
			if err != nil || rec.EpisodeCount != st.wantCount || rec.Fingerprint != st.in.Fingerprint {
				t.Fatalf("record %+v %v; want episode_count %d", rec, err, st.wantCount)
			}
			// The view reads the column with SQLite's JSON functions.
			rows, err := db.QueryContext(ctx, `SELECT e.season, e.episode, e.language, e.path, e.size FROM series_episodes e
				JOIN series s ON s.id = e.series_id WHERE s.key = 'naruto' ORDER BY e.season, e.episode, e.path`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var view []EpisodeFile
			for rows.Next() {
				var f EpisodeFile
				if err := rows.Scan(&f.Season, &f.Episode, &f.Language, &f.Path, &f.Size); err != nil {
					t.Fatal(err)
				}
				view = append(view, f)
			}
			if rows.Err() != nil || !slices.Equal(view, st.wantFiles) {
				t.Fatalf("view rows %+v %v; want %+v", view, rows.Err(), st.wantFiles)
			}
		})
	}
	if got, err := db.SeriesEpisodes(ctx, "unknown"); err != nil || len(got) != 0 {
		t.Fatalf("unknown series: %+v %v", got, err)
	}
	// Deleting a series deletes its files.
	if err := db.SaveScannedBatch(ctx, []ScannedSeries{{Series: s, Files: files, ReplaceFiles: true}}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSeries(ctx, "naruto"); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM series_files`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("series_files rows left: %d %v", left, err)
	}
}

func TestAddEpisodeFile(t *testing.T) {
	ctx := context.Background()
	db := newSeriesDB(t)
	s := anime.Series{Key: "bleach", Name: "Bleach", Folder: "Bleach"}
	if err := db.SaveScannedBatch(ctx, []ScannedSeries{{Series: s, ReplaceFiles: true, Fingerprint: "fp",
		Files:   []EpisodeFile{{Season: 1, Episode: 1, Path: "e1.mp4", Size: 1}},
		Missing: anime.MissingEpisodes{"1": {2, 3}}}}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name        string
		file        EpisodeFile
		remove      bool
		wantMissing anime.MissingEpisodes
		wantFiles   int
		wantCount   int
	}{
		{"new episode leaves missing", EpisodeFile{Season: 1, Episode: 2, Path: "e2.mp4", Size: 2}, true, anime.MissingEpisodes{"1": {3}}, 2, 2},
		{"same path and episode replaced", EpisodeFile{Season: 1, Episode: 2, Path: "e2.mp4", Size: 9}, true, anime.MissingEpisodes{"1": {3}}, 2, 2},
		{"unwanted language stays missing", EpisodeFile{Season: 1, Episode: 3, Path: "e3.mp4", Size: 3}, false, anime.MissingEpisodes{"1": {3}}, 3, 3},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := db.AddEpisodeFile(ctx, "bleach", st.file, st.remove); err != nil {
				t.Fatal(err)
			}
			rec, err := db.SeriesByKey(ctx, "bleach")
			if err != nil || !reflect.DeepEqual(rec.Missing, st.wantMissing) || rec.EpisodeCount != st.wantCount || rec.Fingerprint != "" {
				t.Fatalf("record %+v %v", rec, err)
			}
			files, err := db.SeriesEpisodes(ctx, "bleach")
			if err != nil || len(files) != st.wantFiles || !slices.Contains(files, st.file) {
				t.Fatalf("files %+v %v", files, err)
			}
		})
	}
	if err := db.AddEpisodeFile(ctx, "nope", EpisodeFile{Season: 1, Episode: 1, Path: "x.mp4"}, true); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("unknown series: %v", err)
	}
}

// BenchmarkSaveScannedBatch writes 10,000 new series of 24 episode files
// each into an empty database in batches, as a first scan does.
func BenchmarkSaveScannedBatch(b *testing.B) {
	ctx := context.Background()
	all := make([]ScannedSeries, 10000)
	for i := range all {
		all[i] = benchSeries(i, true)
	}
	for _, size := range []int{64, 256, 1024} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			cpu0 := processCPU()
			for b.Loop() {
				b.StopTimer()
				db := newSeriesDB(b)
				b.StartTimer()
				for batch := range slices.Chunk(all, size) {
					if err := db.SaveScannedBatch(ctx, batch); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64((processCPU()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkListSeries pages through 10,000 series with 24 episode files
// each, 1,000 per page, as GET /api/anime?per_page=1000 does.
func BenchmarkListSeries(b *testing.B) {
	ctx := context.Background()
	for _, withFiles := range []bool{true, false} {
		b.Run(fmt.Sprintf("files=%v", withFiles), func(b *testing.B) {
			db := newSeriesDB(b)
			for n := 0; n < 10000; n += 500 {
				batch := make([]ScannedSeries, 500)
				for i := range batch {
					batch[i] = benchSeries(n+i, withFiles)
				}
				if err := db.SaveScannedBatch(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
			page := 0
			for b.Loop() {
				recs, _, err := db.ListSeries(ctx, SeriesQuery{Offset: page * 1000, Limit: 1000, Sort: SortName, WithMissing: true})
				if err != nil || len(recs) != 1000 {
					b.Fatalf("%d records, %v", len(recs), err)
				}
				page = (page + 1) % 10
			}
		})
	}
}

func benchSeries(n int, withFiles bool) ScannedSeries {
	s := anime.Series{Key: fmt.Sprintf("series-%07d", n), Name: fmt.Sprintf("Series %07d", n), Folder: fmt.Sprintf("Series %07d", n)}
	var files []EpisodeFile
	if withFiles {
		files = make([]EpisodeFile, 24)
		for e := range files {
			files[e] = EpisodeFile{Season: 1 + e%2, Episode: 1 + e/2, Language: anime.LangGermanDub, Size: 1 << 28,
				Path: fmt.Sprintf("Season %02d/%s - S%02dE%02d - (German Dub).mp4", 1+e%2, s.Name, 1+e%2, 1+e/2)}
		}
	}
	return ScannedSeries{Series: s, Files: files, ReplaceFiles: true, Fingerprint: "v2-0123456789abcdef",
		Missing: anime.MissingEpisodes{"1": {13}, "2": {13}}}
}

func TestEncodeMissing(t *testing.T) {
	tests := []struct {
		name  string
		in    anime.MissingEpisodes
		want  string
		count int
	}{
		{"nil", nil, `{}`, 0},
		{"empty seasons dropped", anime.MissingEpisodes{"1": {}, "2": nil}, `{}`, 0},
		{"sorted and unique", anime.MissingEpisodes{"1": {3, 1, 3, 2}}, `{"1":[1,2,3]}`, 3},
		{"no key characters to escape", anime.MissingEpisodes{"Staffel 1_a-b": {1}}, `{"Staffel 1_a-b":[1]}`, 1},
		{"keys in string order", anime.MissingEpisodes{"2": {1}, "10": {5}, "0": {-1}}, `{"0":[-1],"10":[5],"2":[1]}`, 3},
		{"escaped keys", anime.MissingEpisodes{"<a&b>": {1}, "é\"": {2}, "x": {3}}, "", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := EncodeMissing(tt.in)
			ref, refN := encodeMissingJSON(tt.in)
			if got != ref || n != refN {
				t.Fatalf("EncodeMissing = %s, %d; encoding/json gives %s, %d", got, n, ref, refN)
			}
			if (tt.want != "" && got != tt.want) || n != tt.count {
				t.Fatalf("EncodeMissing = %s, %d; want %s, %d", got, n, tt.want, tt.count)
			}
		})
	}
}

// FuzzEncodeMissing: the hand-written encoder writes what encoding/json
// writes, for any season key.
func FuzzEncodeMissing(f *testing.F) {
	f.Add("1", 3, 1, "10", 2)
	f.Add("<é>", -1, 1, "", 0)
	f.Fuzz(func(t *testing.T, k1 string, e1, e2 int, k2 string, e3 int) {
		m := anime.MissingEpisodes{k1: {e1, e2}, k2: {e3}}
		got, n := EncodeMissing(m)
		ref, refN := encodeMissingJSON(m)
		if got != ref || n != refN {
			t.Fatalf("EncodeMissing = %s, %d; encoding/json gives %s, %d", got, n, ref, refN)
		}
	})
}
