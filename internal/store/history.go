package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// DownloadRecord is one finished download (download_history), written by the
// queue_items_history trigger when a queue item becomes completed or
// failed.
type DownloadRecord struct {
	ID           int64
	QueueID      string
	SerieKey     string
	SerieName    string
	SerieFolder  string
	Site         string
	Season       int
	Episode      int
	EpisodeTitle string
	Status       anime.Status
	Error        string
	Hoster       string
	Language     anime.Language
	FilePath     string
	Bytes        int64
	TransferMS   int64
	FailedTries  int
	// Attempts is the item's JSON attempt log; the queue package owns its
	// shape. Left empty by HistoryList for completed entries.
	Attempts   []byte
	AddedAt    time.Time
	StartedAt  *time.Time
	FinishedAt time.Time
}

// DownloadHistoryQuery selects a page of the history, newest first. Empty fields
// do not filter.
type DownloadHistoryQuery struct {
	Status anime.Status
	// Sites matches any of these site names ("" is a series stored before
	// sites were recorded).
	Sites    []string
	SerieKey string
	// Text matches the series name, key or episode title (substring, ASCII
	// case-insensitive).
	Text   string
	Offset int
	Limit  int
}

const historyCols = `id, queue_id, serie_key, serie_name, serie_folder, site, season, episode,
	episode_title, status, error, hoster, language, file_path, bytes, transfer_ms, failed_tries,
	attempts, added_at, started_at, finished_at`

// historyListCols leaves out the attempt log of completed entries.
var historyListCols = strings.Replace(historyCols, "attempts,",
	"CASE WHEN status = 'failed' THEN attempts ELSE '' END,", 1)

func scanDownloadRecord(r rowScanner) (DownloadRecord, error) {
	var (
		e                DownloadRecord
		status, attempts string
		lang             int
		added, finished  int64
		started          sql.NullInt64
	)
	err := r.Scan(&e.ID, &e.QueueID, &e.SerieKey, &e.SerieName, &e.SerieFolder, &e.Site, &e.Season,
		&e.Episode, &e.EpisodeTitle, &status, &e.Error, &e.Hoster, &lang, &e.FilePath, &e.Bytes,
		&e.TransferMS, &e.FailedTries, &attempts, &added, &started, &finished)
	if err != nil {
		return DownloadRecord{}, err
	}
	e.Status, e.Language = anime.Status(status), anime.Language(lang)
	e.AddedAt, e.FinishedAt = fromMS(added), fromMS(finished)
	if started.Valid {
		t := fromMS(started.Int64)
		e.StartedAt = &t
	}
	if attempts != "" {
		e.Attempts = []byte(attempts)
	}
	return e, nil
}

// likePattern escapes s for LIKE ... ESCAPE '\' and wraps it in %.
func likePattern(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s) + "%"
}

func (q DownloadHistoryQuery) where() (string, []any) {
	var conds []string
	var args []any
	if q.Status != "" {
		conds = append(conds, "status = ?")
		args = append(args, string(q.Status))
	}
	if len(q.Sites) > 0 {
		conds = append(conds, "site IN (?"+strings.Repeat(",?", len(q.Sites)-1)+")")
		for _, s := range q.Sites {
			args = append(args, s)
		}
	}
	if q.SerieKey != "" {
		conds = append(conds, "serie_key = ?")
		args = append(args, q.SerieKey)
	}
	if q.Text != "" {
		p := likePattern(q.Text)
		conds = append(conds, `(serie_name LIKE ? ESCAPE '\' OR serie_key LIKE ? ESCAPE '\' OR episode_title LIKE ? ESCAPE '\')`)
		args = append(args, p, p, p)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// DownloadHistory answers one page of the history, newest first, and how many
// entries match in all.
func (db *DB) DownloadHistory(ctx context.Context, q DownloadHistoryQuery) ([]DownloadRecord, int, error) {
	where, args := q.where()
	var total int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM download_history`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count history: %w", err)
	}
	if total == 0 || q.Offset >= total {
		return []DownloadRecord{}, total, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT `+historyListCols+` FROM download_history`+where+
		` ORDER BY finished_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, max(q.Limit, 1), max(q.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("list history: %w", err)
	}
	defer rows.Close()
	out := []DownloadRecord{}
	for rows.Next() {
		e, err := scanDownloadRecord(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("read history: %w", err)
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// DownloadRecordByID reads one entry with its attempt log; anime.ErrNotFound when
// there is none.
func (db *DB) DownloadRecordByID(ctx context.Context, id int64) (DownloadRecord, error) {
	e, err := scanDownloadRecord(db.QueryRowContext(ctx, `SELECT `+historyCols+` FROM download_history WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return DownloadRecord{}, fmt.Errorf("history entry %d: %w", id, anime.ErrNotFound)
	}
	if err != nil {
		return DownloadRecord{}, fmt.Errorf("read history entry %d: %w", id, err)
	}
	return e, nil
}

// ClearDownloadHistory deletes every entry and answers how many there were.
func (db *DB) ClearDownloadHistory(ctx context.Context) (int64, error) {
	res, err := db.ExecContext(ctx, `DELETE FROM download_history`)
	if err != nil {
		return 0, fmt.Errorf("clear history: %w", err)
	}
	return res.RowsAffected()
}

// PruneDownloadHistory applies retention: it deletes entries finished before
// `before` (when not zero) and all but the newest `keep` (when keep > 0),
// and answers how many it deleted.
func (db *DB) PruneDownloadHistory(ctx context.Context, before time.Time, keep int) (int64, error) {
	var n int64
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		if !before.IsZero() {
			res, err := tx.ExecContext(ctx, `DELETE FROM download_history WHERE finished_at < ?`, ms(before))
			if err != nil {
				return err
			}
			d, _ := res.RowsAffected()
			n += d
		}
		if keep > 0 {
			res, err := tx.ExecContext(ctx, `DELETE FROM download_history WHERE id IN (SELECT id
				FROM download_history ORDER BY finished_at DESC, id DESC LIMIT -1 OFFSET ?)`, keep)
			if err != nil {
				return err
			}
			d, _ := res.RowsAffected()
			n += d
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune history: %w", err)
	}
	return n, nil
}
