package api

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/store"
)

// TestHealthReportsLowDisk: /health/detailed is degraded (still 200) when
// the data or anime directory's disk is low on space, and names it.
func TestHealthReportsLowDisk(t *testing.T) {
	dir := t.TempDir()
	anime := filepath.Join(dir, "anime")
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := config.Default()
	c.DataDir, c.AnimeDirectory = dir, anime
	s := New(Deps{Config: config.NewManager(filepath.Join(dir, "c.json"), c, config.Overrides{}), DB: db, Version: "t"})

	const mb = 1 << 20
	tests := []struct {
		name             string
		dataFree, dTotal uint64
		animeFree, aTot  uint64
		disk             string
		path             string
	}{
		{"plenty", 50_000 * mb, 100_000 * mb, 50_000 * mb, 100_000 * mb, Healthy, ""},
		{"data disk nearly full", 300 * mb, 100_000 * mb, 50_000 * mb, 100_000 * mb, Degraded, dir},
		{"anime disk nearly full", 50_000 * mb, 100_000 * mb, 10 * mb, 2_000 * mb, Degraded, anime},
		{"small disk, 20 % free", 20 * mb, 100 * mb, 20 * mb, 100 * mb, Healthy, ""},
		{"small disk, 5 % free", 5 * mb, 100 * mb, 50 * mb, 100 * mb, Degraded, dir},
	}
	saved := diskUsage
	defer func() { diskUsage = saved }()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			diskUsage = func(p string) (uint64, uint64, error) {
				if p == anime {
					return tc.animeFree, tc.aTot, nil
				}
				return tc.dataFree, tc.dTotal, nil
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest("GET", "/health/detailed", nil))
			var b DetailedHealthBody
			json.Unmarshal(rec.Body.Bytes(), &b)
			if rec.Code != 200 || b.Dependencies.Disk.Status != tc.disk {
				t.Fatalf("%d disk %+v", rec.Code, b.Dependencies.Disk)
			}
			if tc.disk == Degraded && (b.Status != Degraded || b.Dependencies.Disk.Path != tc.path) {
				t.Fatalf("overall %s, disk %+v; want degraded naming %s", b.Status, b.Dependencies.Disk, tc.path)
			}
		})
	}
}

// remux is a download engine's answer to "can HLS be remuxed?".
type remux bool

func (r remux) RemuxAvailable() bool { return bool(r) }

// TestFFmpegHealthFollowsTheEngine: the ffmpeg entry is the download
// engine's own finding, not a second lookup of its own.
func TestFFmpegHealthFollowsTheEngine(t *testing.T) {
	tests := []struct {
		name      string
		engine    RemuxChecker
		status    string
		available bool
	}{
		{"engine with ffmpeg", remux(true), Healthy, true},
		{"engine without ffmpeg", remux(false), Degraded, false},
		{"no engine", nil, Degraded, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			c := config.Default()
			c.DataDir = dir
			s := New(Deps{Config: config.NewManager(filepath.Join(dir, "c.json"), c, config.Overrides{}), Version: "t", Remux: tc.engine})
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest("GET", "/health/detailed", nil))
			var b DetailedHealthBody
			if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
				t.Fatal(err)
			}
			if f := b.Dependencies.FFmpeg; f.Status != tc.status || f.Available != tc.available {
				t.Fatalf("ffmpeg %+v", f)
			}
		})
	}
}
