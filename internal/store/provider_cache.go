package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// ProviderCacheGet reads one cached provider blob and when it was fetched;
// anime.ErrNotFound when absent.
func (db *DB) ProviderCacheGet(ctx context.Context, key string) ([]byte, time.Time, error) {
	var data []byte
	var ms int64
	err := db.QueryRowContext(ctx, `SELECT data, fetched_at FROM provider_cache WHERE key = ?`, key).Scan(&data, &ms)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, fmt.Errorf("provider cache %q: %w", key, anime.ErrNotFound)
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("provider cache %q: %w", key, err)
	}
	return data, time.UnixMilli(ms), nil
}

// ProviderCachePut stores (or replaces) one provider blob.
func (db *DB) ProviderCachePut(ctx context.Context, key string, data []byte, fetchedAt time.Time) error {
	_, err := db.ExecContext(ctx, `INSERT INTO provider_cache(key, data, fetched_at) VALUES(?, ?, ?)
		ON CONFLICT(key) DO UPDATE SET data = excluded.data, fetched_at = excluded.fetched_at`,
		key, data, fetchedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("provider cache put %q: %w", key, err)
	}
	return nil
}

// ProviderCacheDelete removes every entry whose key starts with prefix
// ("" clears the cache) and reports how many went.
func (db *DB) ProviderCacheDelete(ctx context.Context, prefix string) (int64, error) {
	res, err := db.ExecContext(ctx, `DELETE FROM provider_cache WHERE substr(key, 1, ?) = ?`, len(prefix), prefix)
	if err != nil {
		return 0, fmt.Errorf("provider cache delete: %w", err)
	}
	return res.RowsAffected()
}

// ProviderCachePurge removes entries fetched before cutoff and reports how
// many went.
func (db *DB) ProviderCachePurge(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := db.ExecContext(ctx, `DELETE FROM provider_cache WHERE fetched_at < ?`, cutoff.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("provider cache purge: %w", err)
	}
	return res.RowsAffected()
}
