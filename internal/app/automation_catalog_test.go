package app

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

// readLog is a provider that records which pages were asked for fresh
// (past the provider cache) and which may come from the cache.
type readLog struct {
	mu      sync.Mutex
	seasons []int
	fresh   map[string]bool // "series", "season N" -> asked fresh
}

func (p *readLog) Site() string                { return "aniworld.to" }
func (p *readLog) SeriesURL(key string) string { return "http://127.0.0.1/anime/stream/" + key }
func (p *readLog) Search(context.Context, string) ([]provider.SearchResult, error) {
	return nil, nil
}
func (p *readLog) Seasons(context.Context, string) ([]provider.Season, error) { return nil, nil }
func (p *readLog) Episode(context.Context, string, int, int) (provider.EpisodeLinks, error) {
	return provider.EpisodeLinks{}, nil
}
func (p *readLog) ResolveLink(context.Context, provider.HosterLink) (anime.Stream, error) {
	return anime.Stream{}, nil
}

func (p *readLog) Series(ctx context.Context, key string) (provider.SeriesDetails, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fresh["series"] = provider.WantsFreshData(ctx)
	return provider.SeriesDetails{Key: key, Seasons: p.seasons}, nil
}

func (p *readLog) Season(ctx context.Context, _ string, n int) (provider.Season, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fresh[fmt.Sprintf("season %d", n)] = provider.WantsFreshData(ctx)
	return provider.Season{Number: n}, nil
}

// TestFreshCatalogUsesTheCache: the monitor's refresh reads the series
// page, the movies, the newest season and the seasons the monitor calls
// active past the provider cache; every other season may come from it.
func TestFreshCatalogUsesTheCache(t *testing.T) {
	tests := []struct {
		name      string
		seasons   []int
		active    []int
		wantFresh []string
		wantCache []string
	}{
		{"long series, nothing recent", []int{0, 1, 2, 3, 4}, nil,
			[]string{"series", "season 0", "season 4"}, []string{"season 1", "season 2", "season 3"}},
		{"a dub is awaited in season 2", []int{0, 1, 2, 3, 4}, []int{2},
			[]string{"series", "season 0", "season 2", "season 4"}, []string{"season 1", "season 3"}},
		{"no movies, one season", []int{1}, nil, []string{"series", "season 1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &readLog{seasons: tt.seasons, fresh: map[string]bool{}}
			c := freshCatalog{reg: provider.NewRegistry(p)}
			got, err := c.Seasons(context.Background(), "aniworld.to", "demo", func(n int) bool { return slices.Contains(tt.active, n) })
			if err != nil || len(got) != len(tt.seasons) {
				t.Fatalf("Seasons = %v, %v", got, err)
			}
			for _, page := range tt.wantFresh {
				if f, read := p.fresh[page]; !read || !f {
					t.Errorf("%s: read=%v fresh=%v, want read past the cache", page, read, f)
				}
			}
			for _, page := range tt.wantCache {
				if f, read := p.fresh[page]; !read || f {
					t.Errorf("%s: read=%v fresh=%v, want read through the cache", page, read, f)
				}
			}
		})
	}
}
