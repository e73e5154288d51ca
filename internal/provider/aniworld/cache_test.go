package aniworld

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/store"
)

func TestCacheWithStore(t *testing.T) {
	db, err := store.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e := newEnv(t, envOpts{cache: db})
	clock := &fakeClock{t: time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)}
	e.client.cfg.Now = clock.now
	e.client.cfg.CacheTTL = time.Hour
	ctx := t.Context()

	steps := []struct {
		name         string
		advance      time.Duration
		wantPageHits int // series page + 3 season pages per full fetch
	}{
		{"cold", 0, 1},
		{"warm within ttl", 30 * time.Minute, 1},
		{"stale after ttl", 31 * time.Minute, 2},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			clock.advance(s.advance)
			seasons, err := e.client.Seasons(ctx, "demo")
			if err != nil || len(seasons) != 3 || len(seasons[1].Episodes) != 3 {
				t.Fatalf("seasons %v err %v", seasons, err)
			}
			if got := e.site.Hits("/anime/stream/demo"); got != s.wantPageHits {
				t.Errorf("series page fetched %d times, want %d", got, s.wantPageHits)
			}
			if got := e.site.Hits("/anime/stream/demo/staffel-1"); got != s.wantPageHits {
				t.Errorf("season page fetched %d times, want %d", got, s.wantPageHits)
			}
			ep, err := e.client.Episode(ctx, "demo", 1, 2)
			if err != nil || len(ep.Links) != 5 || ep.Languages[0] != anime.LangGermanDub {
				t.Fatalf("episode %+v err %v", ep, err)
			}
		})
	}
	if _, _, err := db.ProviderCacheGet(ctx, "aniworld.to|demo|series"); err != nil {
		t.Errorf("series not stored under its key: %v", err)
	}

	t.Run("fresh data bypasses the cache", func(t *testing.T) {
		before := e.site.Hits("/anime/stream/demo")
		if _, err := e.client.Series(provider.WithFreshData(ctx), "demo"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.client.Series(ctx, "demo"); err != nil {
			t.Fatal(err)
		}
		if got := e.site.Hits("/anime/stream/demo"); got != before+1 {
			t.Errorf("series page hits %d, want %d (fresh fetch, then cached)", got, before+1)
		}
	})
	t.Run("forget drops one series", func(t *testing.T) {
		if _, err := e.client.Series(ctx, "no-movies"); err != nil {
			t.Fatal(err)
		}
		if err := e.client.Forget(ctx, "demo"); err != nil {
			t.Fatal(err)
		}
		for key, want := range map[string]bool{"aniworld.to|demo|series": false, "aniworld.to|demo|season|1": false, "aniworld.to|demo|episode|1|2": false, "aniworld.to|no-movies|series": true} {
			_, _, err := db.ProviderCacheGet(ctx, key)
			if (err == nil) != want {
				t.Errorf("%s present=%v, want %v", key, err == nil, want)
			}
		}
	})
}

func TestCacheFailuresAreNotFatal(t *testing.T) {
	e := newEnv(t, envOpts{cache: brokenCache{}})
	if _, err := e.client.Series(t.Context(), "demo"); err != nil {
		t.Fatalf("a broken cache must not break the client: %v", err)
	}
	if _, err := e.client.Series(t.Context(), "demo"); err != nil || e.site.Hits("/anime/stream/demo") != 2 {
		t.Fatalf("err %v hits %d", err, e.site.Hits("/anime/stream/demo"))
	}
}

func TestErrorsAreNotCached(t *testing.T) {
	db, err := store.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e := newEnv(t, envOpts{cache: db})
	e.site.SetFaults(1) // DDoS-Guard
	if _, err := e.client.Series(t.Context(), "demo"); !errors.Is(err, anime.ErrChallenge) {
		t.Fatalf("err %v", err)
	}
	e.site.SetFaults(0)
	if d, err := e.client.Series(t.Context(), "demo"); err != nil || d.Title == "" {
		t.Fatalf("after the challenge cleared: %+v %v", d, err)
	}
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type brokenCache struct{}

func (brokenCache) ProviderCacheGet(context.Context, string) ([]byte, time.Time, error) {
	return nil, time.Time{}, errors.New("disk on fire")
}

func (brokenCache) ProviderCachePut(context.Context, string, []byte, time.Time) error {
	return errors.New("disk on fire")
}
