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
