package api

import (
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/diagnostics"
)

// remux is a download engine's answer to "can HLS be remuxed?".
type remux bool

func (r remux) RemuxAvailable() bool { return bool(r) }

// TestFFmpegHealthFollowsTheEngine: the ffmpeg entry is the download
// engine's own finding, not a second lookup of its own.
func TestFFmpegHealthFollowsTheEngine(t *testing.T) {
	tests := []struct {
		name      string
		engine    diagnostics.RemuxChecker
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
