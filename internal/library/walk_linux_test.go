//go:build linux

package library

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"golang.org/x/sys/unix"
)

// TestReadMarkerAtFIFO: a FIFO in the marker's place is reported as an
// invalid marker instead of blocking the scan.
func TestReadMarkerAtFIFO(t *testing.T) {
	env := newEnv(t, nil)
	dir := filepath.Join(env.dir, "Series")
	mkdir(t, dir)
	if err := unix.Mkfifo(filepath.Join(dir, MarkerFile), 0o644); err != nil {
		t.Fatal(err)
	}
	w := &walker{sizes: true}
	if err := w.walk(dir); err != nil {
		t.Fatal(err)
	}
	if !w.markerRead || !errors.Is(w.markerErr, anime.ErrInvalid) {
		t.Fatalf("marker read %v, err %v; want an invalid marker", w.markerRead, w.markerErr)
	}
}
