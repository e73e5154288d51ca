package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// QueueBySeries returns the queue items of one series that are not
// completed (pending, downloading, paused, failed), by season and episode,
// newest first within an episode.
func (db *DB) QueueBySeries(ctx context.Context, key string) ([]QueueItem, error) {
	items, err := queryQueueItems(ctx, db, `SELECT `+queueCols+` FROM queue_items
		WHERE serie_id = ? AND status != ? ORDER BY season, episode, updated_at DESC`,
		key, string(anime.StatusCompleted))
	if err != nil {
		return nil, fmt.Errorf("queue items of %q: %w", key, err)
	}
	return items, nil
}

// SetEpisodeLanguage records that an episode of a series is wanted in one
// language (a download started with a language choice); it replaces an
// earlier wish for the same episode.
func (db *DB) SetEpisodeLanguage(ctx context.Context, key string, ep anime.EpisodeRef, lang anime.Language, now time.Time) error {
	_, err := db.ExecContext(ctx, `INSERT INTO episode_language_requests (series_key, season, episode, language, requested_at)
		VALUES (?,?,?,?,?) ON CONFLICT (series_key, season, episode) DO UPDATE SET
		language = excluded.language, requested_at = excluded.requested_at`,
		key, ep.Season, ep.Episode, int(lang), ms(now))
	if err != nil {
		return fmt.Errorf("episode language of %s %s: %w", key, ep, err)
	}
	return nil
}

// ClearEpisodeLanguage forgets an episode's language wish.
func (db *DB) ClearEpisodeLanguage(ctx context.Context, key string, ep anime.EpisodeRef) error {
	_, err := db.ExecContext(ctx, `DELETE FROM episode_language_requests WHERE series_key = ? AND season = ? AND episode = ?`,
		key, ep.Season, ep.Episode)
	if err != nil {
		return fmt.Errorf("clear episode language of %s %s: %w", key, ep, err)
	}
	return nil
}

// EpisodeLanguage answers an episode's language wish; ok is false when
// there is none.
func (db *DB) EpisodeLanguage(ctx context.Context, key string, ep anime.EpisodeRef) (anime.Language, bool, error) {
	var l int
	err := db.QueryRowContext(ctx, `SELECT language FROM episode_language_requests
		WHERE series_key = ? AND season = ? AND episode = ?`, key, ep.Season, ep.Episode).Scan(&l)
	if errors.Is(err, sql.ErrNoRows) {
		return anime.LangUnknown, false, nil
	}
	if err != nil {
		return anime.LangUnknown, false, fmt.Errorf("episode language of %s %s: %w", key, ep, err)
	}
	return anime.Language(l), true, nil
}
