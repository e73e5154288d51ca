package app

import (
	"context"
	"fmt"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/store"
)

// titleLookupTimeout bounds the site lookup of episode titles during
// POST /api/queue/add; past it the items are queued without titles.
const titleLookupTimeout = 10 * time.Second

// queueCatalog answers the queue's questions about a series from the
// library (is the key one of ours?) and the provider's season lists
// (episode titles; the pages are cached by the HTTP client).
type queueCatalog struct {
	db  *store.DB
	reg *provider.Registry
}

var _ queue.Catalog = queueCatalog{}

// CheckSeries: a well-formed key of a series in the library.
func (c queueCatalog) CheckSeries(ctx context.Context, key string) error {
	if !library.ValidKey(key) {
		return fmt.Errorf("%w: not a series key (letters, digits and '-', like attack-on-titan)", anime.ErrInvalid)
	}
	_, err := c.db.SeriesByKey(ctx, key)
	return err
}

// EpisodeTitles reads the series' seasons from its site; each episode's
// title is the German one, else the English one (provider.EpisodeInfo.Title).
func (c queueCatalog) EpisodeTitles(ctx context.Context, key string) (map[[2]int]string, error) {
	rec, err := c.db.SeriesByKey(ctx, key)
	if err != nil {
		return nil, err
	}
	p := c.reg.Default()
	if sp, err := c.reg.Lookup(rec.Series.Site); err == nil {
		p = sp
	}
	if p == nil {
		return nil, fmt.Errorf("%w: no provider for site %q", anime.ErrUnavailable, rec.Series.Site)
	}
	ctx, cancel := context.WithTimeout(ctx, titleLookupTimeout)
	defer cancel()
	seasons, err := p.Seasons(ctx, key)
	if err != nil {
		return nil, err
	}
	titles := map[[2]int]string{}
	for _, s := range seasons {
		for _, e := range s.Episodes {
			if t := e.Title(); t != "" {
				titles[[2]int{s.Number, e.Number}] = t
			}
		}
	}
	return titles, nil
}
