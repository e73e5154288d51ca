package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// Cache stores parsed pages as JSON blobs with the time they were fetched.
// *store.DB implements it; a nil Cache disables caching. Every site client
// shares it, each under its own "<site>|" key prefix.
type Cache interface {
	// ProviderCacheGet answers anime.ErrNotFound when key is absent.
	ProviderCacheGet(ctx context.Context, key string) (data []byte, fetchedAt time.Time, err error)
	ProviderCachePut(ctx context.Context, key string, data []byte, fetchedAt time.Time) error
}

// PageCache is one site's view of a Cache: its key prefix, freshness and
// clock. The zero value (nil Cache) caches nothing.
type PageCache struct {
	Cache  Cache
	Site   string        // key prefix: "<Site>|<key>"
	TTL    time.Duration // how long a page is fresh
	Now    func() time.Time
	Logger *slog.Logger // cache failures; never fatal
}

// Cached answers a fresh cached value for key, else runs load and stores
// its result. Errors are never cached; cache failures only log;
// WithFreshData(ctx) skips the read (and still stores what load fetched).
func Cached[T any](ctx context.Context, pc PageCache, key string, load func() (T, error)) (T, error) {
	key = pc.Site + "|" + key
	now := pc.Now
	if now == nil {
		now = time.Now
	}
	log := pc.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if pc.Cache != nil && !WantsFreshData(ctx) {
		data, at, err := pc.Cache.ProviderCacheGet(ctx, key)
		switch {
		case err == nil && now().Sub(at) < pc.TTL:
			var v T
			if jerr := json.Unmarshal(data, &v); jerr == nil {
				return v, nil
			}
		case err != nil && !errors.Is(err, anime.ErrNotFound):
			log.Warn("provider cache read", "key", key, "err", err)
		}
	}
	v, err := load()
	if err != nil || pc.Cache == nil {
		return v, err
	}
	if data, jerr := json.Marshal(v); jerr == nil {
		if perr := pc.Cache.ProviderCachePut(ctx, key, data, now()); perr != nil {
			log.Warn("provider cache write", "key", key, "err", perr)
		}
	}
	return v, nil
}

// The cache keys of one series' pages below a site's prefix. They all
// start with "<key>|", which is what Forget drops.

// SeriesCacheKey is the key of a series page.
func SeriesCacheKey(key string) string { return key + "|series" }

// SeasonCacheKey is the key of a season page (0: the movies page).
func SeasonCacheKey(key string, season int) string { return fmt.Sprintf("%s|season|%d", key, season) }

// EpisodeCacheKey is the key of an episode (or movie) page.
func EpisodeCacheKey(key string, season, episode int) string {
	return fmt.Sprintf("%s|episode|%d|%d", key, season, episode)
}

// cacheDeleter is the optional part of a Cache that Forget uses.
type cacheDeleter interface {
	ProviderCacheDelete(ctx context.Context, prefix string) (int64, error)
}

// Forget drops every cached page of one series of pc's site. It is a no-op
// without a cache or when the cache cannot delete.
func (pc PageCache) Forget(ctx context.Context, key string) error {
	d, ok := pc.Cache.(cacheDeleter)
	if !ok {
		return nil
	}
	_, err := d.ProviderCacheDelete(ctx, pc.Site+"|"+key+"|")
	return err
}

// DefaultCacheTTL is how long a parsed page stays fresh unless a site
// client is configured otherwise.
const DefaultCacheTTL = 6 * time.Hour

// ClientDefaults fills a site client's optional settings: DefaultCacheTTL
// for a ttl that is not positive, time.Now for a nil clock, and a
// discarding logger for a nil one.
func ClientDefaults(ttl time.Duration, now func() time.Time, log *slog.Logger) (time.Duration, func() time.Time, *slog.Logger) {
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return ttl, now, log
}
