package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// QueueItem is one row of the persistent download queue.
type QueueItem struct {
	ID           string
	SerieID      string
	SerieFolder  string
	SerieName    string
	Season       int
	Episode      int
	EpisodeTitle string
	Status       anime.Status
	Priority     anime.Priority
	Position     int64
	AddedAt      time.Time
	StartedAt    *time.Time
	CompletedAt  *time.Time
	UpdatedAt    time.Time
	// NotBefore delays a pending item's next try (retry backoff).
	NotBefore time.Time
	Error     *string
	// RetryCount counts the failed tries of the current round.
	RetryCount int
	SourceURL  *string
	Hoster     string
	Language   anime.Language
	// TargetPath is where the download writes (<target>.part while it runs).
	TargetPath      string
	FilePath        string
	BytesDownloaded int64
	BytesTotal      int64
	TransferMS      int64
	// Attempts is the JSON attempt log; the queue package owns its shape.
	Attempts []byte
}

// QueueAggregate is the trigger-maintained total for one status.
type QueueAggregate struct {
	Items      int
	Bytes      int64
	TransferMS int64
}

// QueueFinish describes how a running item leaves the downloading state.
type QueueFinish struct {
	Status      anime.Status
	Error       *string
	FilePath    string
	RetryCount  int
	NotBefore   time.Time
	CompletedAt *time.Time
	// AddTransferMS is added to the item's transfer time.
	AddTransferMS   int64
	BytesDownloaded int64
	BytesTotal      int64
	Attempts        []byte
}

const queueCols = `id, serie_id, serie_folder, serie_name, season, episode, episode_title, status,
	priority, position, added_at, started_at, completed_at, updated_at, not_before, error,
	retry_count, source_url, hoster, language, target_path, file_path, bytes_downloaded,
	bytes_total, transfer_ms, attempts`

type rowScanner interface{ Scan(...any) error }

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func nullMS(t *time.Time) sql.NullInt64 {
	if t == nil || t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

func scanQueueItem(r rowScanner) (QueueItem, error) {
	var (
		it                        QueueItem
		status, prio, attempts    string
		added, updated, notBefore int64
		started, completed        sql.NullInt64
		errText, source           sql.NullString
		lang                      int
	)
	err := r.Scan(&it.ID, &it.SerieID, &it.SerieFolder, &it.SerieName, &it.Season, &it.Episode,
		&it.EpisodeTitle, &status, &prio, &it.Position, &added, &started, &completed, &updated,
		&notBefore, &errText, &it.RetryCount, &source, &it.Hoster, &lang, &it.TargetPath,
		&it.FilePath, &it.BytesDownloaded, &it.BytesTotal, &it.TransferMS, &attempts)
	if err != nil {
		return QueueItem{}, err
	}
	it.Status, it.Priority, it.Language = anime.Status(status), anime.Priority(prio), anime.Language(lang)
	it.AddedAt, it.UpdatedAt, it.NotBefore = fromMS(added), fromMS(updated), fromMS(notBefore)
	if started.Valid {
		t := fromMS(started.Int64)
		it.StartedAt = &t
	}
	if completed.Valid {
		t := fromMS(completed.Int64)
		it.CompletedAt = &t
	}
	if errText.Valid {
		it.Error = &errText.String
	}
	if source.Valid {
		it.SourceURL = &source.String
	}
	it.Attempts = []byte(attempts)
	return it, nil
}

func queryQueueItems(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) ([]QueueItem, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QueueItem
	for rows.Next() {
		it, err := scanQueueItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func nextPositions(ctx context.Context, tx *sql.Tx, n int) (int64, error) {
	var first int64
	err := tx.QueryRowContext(ctx, `UPDATE queue_state SET next_position = next_position + ?
		WHERE id = 1 RETURNING next_position - ?`, n, n).Scan(&first)
	return first, err
}

// QueueInsert adds pending items in one transaction, giving each the next
// free position. An item whose episode is already pending or running is
// skipped; inserted[i] reports whether items[i] was stored.
func (db *DB) QueueInsert(ctx context.Context, items []QueueItem) (inserted []bool, err error) {
	inserted = make([]bool, len(items))
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		pos, err := nextPositions(ctx, tx, len(items))
		if err != nil {
			return fmt.Errorf("allocate positions: %w", err)
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO queue_items (id, serie_id, serie_folder,
			serie_name, season, episode, episode_title, status, priority, priority_rank, position,
			added_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, it := range items {
			res, err := stmt.ExecContext(ctx, it.ID, it.SerieID, it.SerieFolder, it.SerieName,
				it.Season, it.Episode, it.EpisodeTitle, string(anime.StatusPending), string(it.Priority),
				it.Priority.Rank(), pos+int64(i), ms(it.AddedAt), ms(it.AddedAt))
			if err != nil {
				return fmt.Errorf("insert item %s: %w", it.ID, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			inserted[i] = n == 1
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("queue insert: %w", err)
	}
	return inserted, nil
}

// QueueGet reads one item; anime.ErrNotFound when there is none.
func (db *DB) QueueGet(ctx context.Context, id string) (QueueItem, error) {
	it, err := scanQueueItem(db.QueryRowContext(ctx, `SELECT `+queueCols+` FROM queue_items WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return QueueItem{}, fmt.Errorf("queue item %q: %w", id, anime.ErrNotFound)
	}
	if err != nil {
		return QueueItem{}, fmt.Errorf("queue item %q: %w", id, err)
	}
	return it, nil
}

// QueueList returns up to limit items with the given status: pending and
// downloading items in run order (priority, then position), finished ones
// most recent first.
func (db *DB) QueueList(ctx context.Context, status anime.Status, limit int) ([]QueueItem, error) {
	order := `priority_rank DESC, position`
	if status != anime.StatusPending && status != anime.StatusDownloading && status != anime.StatusPaused {
		order = `updated_at DESC`
	}
	items, err := queryQueueItems(ctx, db, `SELECT `+queueCols+` FROM queue_items WHERE status = ?
		ORDER BY `+order+` LIMIT ?`, string(status), limit)
	if err != nil {
		return nil, fmt.Errorf("list %s queue items: %w", status, err)
	}
	return items, nil
}

// QueueStats returns the per-status totals the triggers maintain.
func (db *DB) QueueStats(ctx context.Context) (map[anime.Status]QueueAggregate, error) {
	rows, err := db.QueryContext(ctx, `SELECT status, items, bytes, transfer_ms FROM queue_stats`)
	if err != nil {
		return nil, fmt.Errorf("queue stats: %w", err)
	}
	defer rows.Close()
	out := make(map[anime.Status]QueueAggregate, 6)
	for rows.Next() {
		var s string
		var a QueueAggregate
		if err := rows.Scan(&s, &a.Items, &a.Bytes, &a.TransferMS); err != nil {
			return nil, fmt.Errorf("queue stats: %w", err)
		}
		out[anime.Status(s)] = a
	}
	return out, rows.Err()
}

// QueueState reads whether the queue was left running and/or paused.
func (db *DB) QueueState(ctx context.Context) (running, paused bool, err error) {
	err = db.QueryRowContext(ctx, `SELECT is_running, is_paused FROM queue_state WHERE id = 1`).Scan(&running, &paused)
	if err != nil {
		return false, false, fmt.Errorf("queue state: %w", err)
	}
	return running, paused, nil
}

// SetQueueState persists whether the queue is running and/or paused.
func (db *DB) SetQueueState(ctx context.Context, running, paused bool, now time.Time) error {
	_, err := db.ExecContext(ctx, `UPDATE queue_state SET is_running = ?, is_paused = ?, updated_at = ?
		WHERE id = 1`, running, paused, ms(now))
	if err != nil {
		return fmt.Errorf("set queue state: %w", err)
	}
	return nil
}

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

// QueueSetStream records the stream a running item downloads from.
func (db *DB) QueueSetStream(ctx context.Context, id, hoster string, lang anime.Language, sourceURL, target string, now time.Time) error {
	_, err := db.ExecContext(ctx, `UPDATE queue_items SET hoster = ?, language = ?, source_url = ?,
		target_path = ?, updated_at = ? WHERE id = ? AND status = 'downloading'`,
		hoster, int(lang), sourceURL, target, ms(now), id)
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

// QueueDelete deletes one item unless it is downloading and returns it;
// anime.ErrNotFound when no such item exists, anime.ErrConflict when it is
// downloading.
func (db *DB) QueueDelete(ctx context.Context, id string) (QueueItem, error) {
	it, err := scanQueueItem(db.QueryRowContext(ctx, `DELETE FROM queue_items
		WHERE id = ? AND status != 'downloading' RETURNING `+queueCols, id))
	if err == nil {
		return it, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return QueueItem{}, fmt.Errorf("delete %q: %w", id, err)
	}
	if _, gerr := db.QueueGet(ctx, id); gerr != nil {
		return QueueItem{}, gerr
	}
	return QueueItem{}, fmt.Errorf("delete %q: item is downloading: %w", id, anime.ErrConflict)
}

// QueueDeleteRunning deletes an item whatever its status (the caller has
// stopped its transfer) and returns it.
func (db *DB) QueueDeleteRunning(ctx context.Context, id string) (QueueItem, error) {
	it, err := scanQueueItem(db.QueryRowContext(ctx, `DELETE FROM queue_items WHERE id = ? RETURNING `+queueCols, id))
	if errors.Is(err, sql.ErrNoRows) {
		return QueueItem{}, fmt.Errorf("delete %q: %w", id, anime.ErrNotFound)
	}
	if err != nil {
		return QueueItem{}, fmt.Errorf("delete %q: %w", id, err)
	}
	return it, nil
}

// QueueDeleteStatus deletes every item with the given status (never
// downloading ones) and returns what it deleted.
func (db *DB) QueueDeleteStatus(ctx context.Context, status anime.Status) ([]QueueItem, error) {
	if status == anime.StatusDownloading {
		return nil, fmt.Errorf("delete downloading items: %w", anime.ErrInvalid)
	}
	items, err := queryQueueItems(ctx, db, `DELETE FROM queue_items WHERE status = ? RETURNING `+queueCols, string(status))
	if err != nil {
		return nil, fmt.Errorf("delete %s items: %w", status, err)
	}
	return items, nil
}

// QueueRetry moves failed items back to pending at the end of their
// priority, with a fresh retry budget. An empty ids list retries every
// failed item. Ids that are not failed, and items whose episode was queued
// again meanwhile, are skipped; the answer lists the ids retried.
func (db *DB) QueueRetry(ctx context.Context, ids []string, now time.Time) ([]string, error) {
	var retried []string
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		retried = retried[:0]
		if len(ids) == 0 {
			rows, err := tx.QueryContext(ctx, `SELECT id FROM queue_items WHERE status = 'failed'
				ORDER BY priority_rank DESC, position`)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		pos, err := nextPositions(ctx, tx, len(ids))
		if err != nil {
			return err
		}
		for i, id := range ids {
			res, err := tx.ExecContext(ctx, `UPDATE OR IGNORE queue_items SET status = 'pending',
				position = ?, retry_count = 0, not_before = 0, error = NULL, completed_at = NULL,
				updated_at = ? WHERE id = ? AND status = 'failed'`, pos+int64(i), ms(now), id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				retried = append(retried, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("retry queue items: %w", err)
	}
	return retried, nil
}

// QueueReorder gives the named pending items the positions they occupy
// between them, in the order named. Every id must be a pending item:
// otherwise nothing changes and the error (anime.ErrNotFound) names them.
func (db *DB) QueueReorder(ctx context.Context, ids []string, now time.Time) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		positions := make([]int64, 0, len(ids))
		var missing []string
		for _, id := range ids {
			var p int64
			err := tx.QueryRowContext(ctx, `SELECT position FROM queue_items WHERE id = ? AND status = 'pending'`, id).Scan(&p)
			if errors.Is(err, sql.ErrNoRows) {
				missing = append(missing, id)
				continue
			}
			if err != nil {
				return err
			}
			positions = append(positions, p)
		}
		if len(missing) > 0 {
			return fmt.Errorf("%w: not pending items: %s", anime.ErrNotFound, strings.Join(missing, ", "))
		}
		sort.Slice(positions, func(i, j int) bool { return positions[i] < positions[j] })
		for i, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE queue_items SET position = ?, updated_at = ? WHERE id = ?`,
				positions[i], ms(now), id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reorder queue: %w", err)
	}
	return nil
}

// SetQueuePriority changes the priority of a pending item. An item that
// exists but is no longer pending is anime.ErrConflict; an unknown one
// anime.ErrNotFound.
func (db *DB) SetQueuePriority(ctx context.Context, id string, p anime.Priority, now time.Time) error {
	res, err := db.ExecContext(ctx, `UPDATE queue_items SET priority = ?, priority_rank = ?, updated_at = ?
		WHERE id = ? AND status = 'pending'`, string(p), p.Rank(), ms(now), id)
	if err != nil {
		return fmt.Errorf("set priority: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var status string
	err = db.QueryRowContext(ctx, `SELECT status FROM queue_items WHERE id = ?`, id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("queue item %q: %w", id, anime.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("set priority: %w", err)
	}
	return fmt.Errorf("%w: item %q is %s; only pending items can change priority", anime.ErrConflict, id, status)
}
