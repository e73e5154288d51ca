package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// QueueClaimSQL is the dispatcher's claim, run on every pass; ?1 is the
// clock in Unix milliseconds. Exported so a test can check its query plan.
const QueueClaimSQL = `UPDATE queue_items
		SET status = 'downloading', started_at = COALESCE(started_at, ?1), updated_at = ?1
		WHERE id = (SELECT id FROM queue_items WHERE status = 'pending' AND +not_before <= ?1
			ORDER BY priority_rank DESC, position LIMIT 1)
		RETURNING ` + queueCols

// QueueNextWakeSQL finds the earliest backoff end after ?1 (Unix ms).
const QueueNextWakeSQL = `SELECT MIN(not_before) FROM queue_items
		WHERE status = 'pending' AND not_before > ?`

// QueueClaim moves the first runnable pending item (priority, then
// position, backoff elapsed) to downloading and returns it;
// anime.ErrNotFound when nothing is runnable. The unary + keeps SQLite on
// the run-order index (a walk to the first runnable row) rather than the
// backoff index (which would sort every pending row).
func (db *DB) QueueClaim(ctx context.Context, now time.Time) (QueueItem, error) {
	it, err := scanQueueItem(db.QueryRowContext(ctx, QueueClaimSQL, ms(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return QueueItem{}, fmt.Errorf("claim queue item: %w", anime.ErrNotFound)
	}
	if err != nil {
		return QueueItem{}, fmt.Errorf("claim queue item: %w", err)
	}
	return it, nil
}

// QueueClaimIDSQL claims one named item (?2) if it is pending and its
// backoff has elapsed at ?1 (Unix ms).
const QueueClaimIDSQL = `UPDATE queue_items
		SET status = 'downloading', started_at = COALESCE(started_at, ?1), updated_at = ?1
		WHERE id = ?2 AND status = 'pending' AND not_before <= ?1
		RETURNING ` + queueCols

// QueueClaimID moves the named item to downloading when it is pending and
// runnable at now (a one-shot command running its own items);
// anime.ErrNotFound otherwise.
func (db *DB) QueueClaimID(ctx context.Context, id string, now time.Time) (QueueItem, error) {
	it, err := scanQueueItem(db.QueryRowContext(ctx, QueueClaimIDSQL, ms(now), id))
	if errors.Is(err, sql.ErrNoRows) {
		return QueueItem{}, fmt.Errorf("claim queue item %q: %w", id, anime.ErrNotFound)
	}
	if err != nil {
		return QueueItem{}, fmt.Errorf("claim queue item %q: %w", id, err)
	}
	return it, nil
}

// QueueNextWake is the earliest time a pending item in backoff becomes
// runnable; ok is false when no item waits.
func (db *DB) QueueNextWake(ctx context.Context, now time.Time) (t time.Time, ok bool, err error) {
	var v sql.NullInt64
	err = db.QueryRowContext(ctx, QueueNextWakeSQL, ms(now)).Scan(&v)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("queue next wake: %w", err)
	}
	if !v.Valid {
		return time.Time{}, false, nil
	}
	return fromMS(v.Int64), true, nil
}

// QueueSetStream records the stream a running item downloads from and
// its target (absolute path and the path inside the series folder).
func (db *DB) QueueSetStream(ctx context.Context, id, hoster string, lang anime.Language, sourceURL, target, targetRel string, now time.Time) error {
	_, err := db.ExecContext(ctx, `UPDATE queue_items SET hoster = ?, language = ?, source_url = ?,
		target_path = ?, target_rel = ?, updated_at = ? WHERE id = ? AND status = 'downloading'`,
		hoster, int(lang), sourceURL, target, targetRel, ms(now), id)
	if err != nil {
		return fmt.Errorf("set stream of %q: %w", id, err)
	}
	return nil
}

// QueueSetEpisodeTitle gives an item that has no episode title one; an
// item that has one keeps it.
func (db *DB) QueueSetEpisodeTitle(ctx context.Context, id, title string) error {
	if _, err := db.ExecContext(ctx, `UPDATE queue_items SET episode_title = ? WHERE id = ? AND episode_title = ''`, title, id); err != nil {
		return fmt.Errorf("set episode title of %q: %w", id, err)
	}
	return nil
}

// QueueProgress records a running item's byte counts.
func (db *DB) QueueProgress(ctx context.Context, id string, done, total int64) error {
	_, err := db.ExecContext(ctx, `UPDATE queue_items SET bytes_downloaded = ?, bytes_total = ?
		WHERE id = ? AND status = 'downloading'`, done, total, id)
	if err != nil {
		return fmt.Errorf("record progress of %q: %w", id, err)
	}
	return nil
}

// QueueFinish moves a downloading item to f.Status. A pending result puts
// the item back in line at its old position; anime.ErrNotFound when the
// item is no longer downloading.
func (db *DB) QueueFinish(ctx context.Context, id string, f QueueFinish, now time.Time) error {
	var errText sql.NullString
	if f.Error != nil {
		errText = sql.NullString{String: *f.Error, Valid: true}
	}
	attempts := f.Attempts
	if attempts == nil {
		attempts = []byte("[]")
	}
	res, err := db.ExecContext(ctx, `UPDATE queue_items SET status = ?, error = ?, file_path = ?,
		retry_count = ?, not_before = ?, completed_at = ?, transfer_ms = transfer_ms + ?,
		bytes_downloaded = ?, bytes_total = ?, attempts = ?, updated_at = ?
		WHERE id = ? AND status = 'downloading'`, string(f.Status), errText, f.FilePath,
		f.RetryCount, ms(f.NotBefore), nullMS(f.CompletedAt), f.AddTransferMS, f.BytesDownloaded,
		f.BytesTotal, string(attempts), ms(now), id)
	if err != nil {
		return fmt.Errorf("finish %q: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("finish %q: not downloading: %w", id, anime.ErrNotFound)
	}
	return nil
}

// QueueRecover puts items a crashed process left downloading back to
// pending, keeping their partial data, and reports how many there were.
func (db *DB) QueueRecover(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.ExecContext(ctx, `UPDATE queue_items SET status = 'pending', updated_at = ?
		WHERE status = 'downloading'`, ms(now))
	if err != nil {
		return 0, fmt.Errorf("recover queue: %w", err)
	}
	return res.RowsAffected()
}
