package store

import (
	"errors"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestProviderCache(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t0 := time.UnixMilli(1_700_000_000_000)

	if _, _, err := db.ProviderCacheGet(ctx, "aniworld.to|series|demo"); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("missing key: err %v, want ErrNotFound", err)
	}
	steps := []struct {
		name string
		key  string
		data string
		at   time.Time
	}{
		{"insert", "aniworld.to|series|demo", `{"title":"Demo"}`, t0},
		{"replace", "aniworld.to|series|demo", `{"title":"Demo 2"}`, t0.Add(time.Hour)},
		{"other site", "s.to|series|demo", `{"title":"S"}`, t0.Add(-time.Hour)},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if err := db.ProviderCachePut(ctx, s.key, []byte(s.data), s.at); err != nil {
				t.Fatal(err)
			}
			data, at, err := db.ProviderCacheGet(ctx, s.key)
			if err != nil || string(data) != s.data || !at.Equal(s.at) {
				t.Errorf("got %q at %v err %v", data, at, err)
			}
		})
	}
	n, err := db.ProviderCachePurge(ctx, t0)
	if err != nil || n != 1 {
		t.Errorf("purge removed %d (err %v), want 1", n, err)
	}
	n, err = db.ProviderCacheDelete(ctx, "aniworld.to|")
	if err != nil || n != 1 {
		t.Errorf("delete removed %d (err %v), want 1", n, err)
	}
	if _, _, err := db.ProviderCacheGet(ctx, "aniworld.to|series|demo"); !errors.Is(err, anime.ErrNotFound) {
		t.Errorf("after delete: err %v", err)
	}
}
