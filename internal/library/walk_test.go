package library

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/store"
)

// TestWalkSeriesMarker checks that the marker the walker reads through the
// open folder (first scans) is exactly what ReadMarker answers.
func TestWalkSeriesMarker(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string)
		wantErr error // nil: a valid marker with key "k"
	}{
		{"regular", func(t *testing.T, dir string) { write(t, dir, MarkerFile, `{"key":"k","name":"K"}`) }, nil},
		{"missing", func(t *testing.T, dir string) {}, anime.ErrNotFound},
		{"bad json", func(t *testing.T, dir string) { write(t, dir, MarkerFile, `{"key":`) }, anime.ErrInvalid},
		{"bad key", func(t *testing.T, dir string) { write(t, dir, MarkerFile, `{"key":"../x"}`) }, anime.ErrInvalid},
		{"too big", func(t *testing.T, dir string) {
			write(t, dir, MarkerFile, `{"key":"k","name":"`+strings.Repeat("x", maxMarkerBytes)+`"}`)
		}, anime.ErrInvalid},
		{"a folder", func(t *testing.T, dir string) { mkdir(t, filepath.Join(dir, MarkerFile)) }, anime.ErrInvalid},
		{"symlink to a marker", func(t *testing.T, dir string) {
			write(t, dir, "real.json", `{"key":"k"}`)
			symlink(t, "real.json", filepath.Join(dir, MarkerFile))
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, nil)
			dir := filepath.Join(env.dir, "Series")
			mkdir(t, dir)
			tt.setup(t, dir)
			sc, err := newScanner(context.Background(), env.svc, env.dir)
			if err != nil {
				t.Fatal(err)
			}
			w, err := sc.walkSeries(dir, true)
			if err != nil {
				t.Fatal(err)
			}
			if runtime.GOOS == "linux" && !w.markerRead {
				t.Fatal("the Linux walker did not read the marker")
			}
			m, err := w.marker, w.markerErr
			if !w.markerRead {
				m, err = ReadMarker(dir)
			}
			if tt.wantErr == nil && (err != nil || m.Key != "k" || m.Site != SiteAniworld) {
				t.Fatalf("marker %+v %v", m, err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v; want %v", err, tt.wantErr)
			}
			rm, rerr := ReadMarker(dir)
			if rm != m || (rerr == nil) != (err == nil) || (rerr != nil && rerr.Error() != err.Error()) {
				t.Fatalf("walker %+v %v; ReadMarker %+v %v", m, err, rm, rerr)
			}
		})
	}
}

// TestWalkSeriesFiles checks both walk modes: sizes read during the walk
// (first scan) agree with sizes filled in afterwards (rescan), and neither
// follows links out of the series folder or into hidden folders.
func TestWalkSeriesFiles(t *testing.T) {
	env := newEnv(t, nil)
	dir := filepath.Join(env.dir, "Naruto")
	write(t, dir, "Season 01/Naruto S01E01.mkv", "12345")
	write(t, dir, "Season 01/Naruto S01E02-E03.mkv", "12")
	write(t, dir, "Season 01/notes.txt", "x")
	write(t, dir, "Naruto S01E04.mp4", "")
	write(t, dir, ".hidden/Naruto S01E05.mkv", "x")
	write(t, dir, "@eaDir/Naruto S01E06.mkv", "x")
	write(t, env.dir, "Other/Other S01E07.mkv", "1234567")
	outside := t.TempDir()
	write(t, outside, "Naruto S01E08.mkv", "x")
	symlink(t, filepath.Join(env.dir, "Other/Other S01E07.mkv"), filepath.Join(dir, "Naruto S01E07.mkv"))
	symlink(t, filepath.Join(outside, "Naruto S01E08.mkv"), filepath.Join(dir, "Naruto S01E08.mkv"))
	symlink(t, outside, filepath.Join(dir, "Season 02"))
	mkdir(t, filepath.Join(dir, "Season 03"))
	sc, err := newScanner(context.Background(), env.svc, env.dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.EpisodeFile{
		{Season: 1, Episode: 4, Path: "Naruto S01E04.mp4", Size: 0},
		{Season: 1, Episode: 7, Path: "Naruto S01E07.mkv", Size: 7},
		{Season: 1, Episode: 1, Path: "Season 01/Naruto S01E01.mkv", Size: 5},
		{Season: 1, Episode: 2, Path: "Season 01/Naruto S01E02-E03.mkv", Size: 2},
		{Season: 1, Episode: 3, Path: "Season 01/Naruto S01E02-E03.mkv", Size: 2},
	}
	wantDirs := []string{"", "Season 01", "Season 03"}
	for _, sizes := range []bool{true, false} {
		w, err := sc.walkSeries(dir, sizes)
		if err != nil {
			t.Fatal(err)
		}
		files := w.files
		if !sizes {
			files = fillSizes(dir, files)
		}
		fingerprint(files, w.dirs) // sorts both
		if !reflect.DeepEqual(files, want) {
			t.Fatalf("sizes=%v: files %+v; want %+v", sizes, files, want)
		}
		var dirs []string
		for _, d := range w.dirs {
			dirs = append(dirs, d.rel)
		}
		if !slices.Equal(dirs, wantDirs) {
			t.Fatalf("sizes=%v: folders %q; want %q", sizes, dirs, wantDirs)
		}
	}
}

func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	mkdir(t, filepath.Dir(p))
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
}
