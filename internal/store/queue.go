package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
	// TargetPath is where the download writes (<target>.part while it
	// runs) and TargetRel the same file inside the series folder: the
	// target the library named, stored once per item and language.
	TargetPath      string
	TargetRel       string
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
	bytes_total, transfer_ms, attempts, target_rel`

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
		&it.FilePath, &it.BytesDownloaded, &it.BytesTotal, &it.TransferMS, &attempts, &it.TargetRel)
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

// QueueLiveItem reads the live (pending, downloading or paused) item of
// one episode; anime.ErrNotFound when the episode is not in the queue.
func (db *DB) QueueLiveItem(ctx context.Context, serieID string, season, episode int) (QueueItem, error) {
	it, err := scanQueueItem(db.QueryRowContext(ctx, `SELECT `+queueCols+` FROM queue_items
		WHERE serie_id = ? AND season = ? AND episode = ? AND status IN ('pending','downloading','paused')`,
		serieID, season, episode))
	if errors.Is(err, sql.ErrNoRows) {
		return QueueItem{}, fmt.Errorf("live queue item of %s %dx%d: %w", serieID, season, episode, anime.ErrNotFound)
	}
	if err != nil {
		return QueueItem{}, fmt.Errorf("live queue item of %s %dx%d: %w", serieID, season, episode, err)
	}
	return it, nil
}
