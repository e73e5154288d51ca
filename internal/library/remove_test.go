package library

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// TestRemoveKeepsFilesAndStaysRemoved: a series removed with its files
// kept is not added back by later scans (its folder is listed as
// unmatched, with the reason); one removed with its files loses its
// folder; an unknown key is not found.
func TestRemoveKeepsFilesAndStaysRemoved(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1, 2}})
	env.cat.add("bleach", "Bleach", 2004, map[int][]int{1: {1, 2}})
	env.marker(t, "Naruto", "naruto", "Naruto", 2002)
	env.touch(t, "Naruto/Naruto S01E01.mkv")
	env.marker(t, "Bleach", "bleach", "Bleach", 2004)
	env.touch(t, "Bleach/Bleach S01E01.mkv")
	env.scan(t)

	if err := env.svc.Remove(ctx, "naruto", false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(env.dir, "Naruto/Naruto S01E01.mkv")); err != nil {
		t.Fatalf("file gone: %v", err)
	}
	m, err := ReadMarker(filepath.Join(env.dir, "Naruto"))
	if err != nil || !m.Removed || m.Key != "naruto" {
		t.Fatalf("marker %+v %v", m, err)
	}
	for i := 0; i < 2; i++ {
		sum := env.scan(t)
		if sum.Series != 1 || sum.Unmatched != 1 {
			t.Fatalf("scan %d after remove: %+v", i, sum)
		}
		if _, _, err := env.svc.Get(ctx, "naruto"); !errors.Is(err, anime.ErrNotFound) {
			t.Fatalf("scan %d added the removed series back: %v", i, err)
		}
	}
	un, err := env.svc.Unmatched(ctx)
	if err != nil || len(un) != 1 || un[0].Folder != "Naruto" || un[0].Reason != removedReason {
		t.Fatalf("unmatched %+v %v", un, err)
	}

	if err := env.svc.Remove(ctx, "bleach", true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(env.dir, "Bleach")); !os.IsNotExist(err) {
		t.Fatalf("folder kept with deleteFiles: %v", err)
	}
	if err := env.svc.Remove(ctx, "bleach", false); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("second remove: %v", err)
	}
	checkConsistent(t, env.db)
}
