package store

import (
	"context"
	"fmt"
	"strings"
)

// SeriesSort orders ListSeries.
type SeriesSort string

// Sort orders. Each is an index walk (0004_library.sql, 0010_covers.sql).
const (
	SortName       SeriesSort = "name"       // name, case-insensitive
	SortKey        SeriesSort = "key"        // key
	SortMissing    SeriesSort = "missing"    // by missing episode count
	SortUpdated    SeriesSort = "updated"    // last change (scan, metadata), oldest first
	SortYear       SeriesSort = "year"       // start year, then name
	SortAdded      SeriesSort = "added"      // when the series joined the library
	SortDownloaded SeriesSort = "downloaded" // when its last download finished ('' never)
)

// SeriesQuery filters and pages ListSeries. The filters combine (AND).
type SeriesQuery struct {
	Offset, Limit int
	Sort          SeriesSort
	// Desc sorts by the field descending (ties stay in name, key order).
	Desc        bool
	WithMissing bool   // only series with at least one missing episode
	NoEpisodes  bool   // only series without any episode on disk
	Complete    bool   // only series without missing episodes
	Downloading bool   // only series with an episode queued or downloading
	Failed      bool   // only series with a failed download in the queue
	Monitored   bool   // only series whose monitoring mode is not "none"
	Site        string // only this site's series ("" any)
}

// Queue states a series' badges count (queue_items.status).
const (
	liveStatuses = `'pending','downloading','paused'`
)

// where answers the filter. The unary + keeps a filter column from being
// used as an index (SQLite's rule): every page is then a walk of the sort
// order's index with the filters checked on the way, never a sort of the
// filtered rows (TestHotListQueriesUseIndexes).
func (q SeriesQuery) where() (string, []any) {
	var where []string
	var args []any
	if q.WithMissing {
		where = append(where, "+missing_count > 0")
	}
	if q.NoEpisodes {
		where = append(where, "+episode_count = 0")
	}
	if q.Complete {
		where = append(where, "+missing_count = 0")
	}
	if q.Downloading {
		where = append(where, "EXISTS (SELECT 1 FROM queue_items q WHERE q.serie_id = series.key AND q.status IN ("+liveStatuses+"))")
	}
	if q.Failed {
		where = append(where, "EXISTS (SELECT 1 FROM queue_items q WHERE q.serie_id = series.key AND q.status = 'failed')")
	}
	if q.Monitored {
		where = append(where, "EXISTS (SELECT 1 FROM series_monitor m WHERE m.series_key = series.key AND m.mode <> 'none')")
	}
	if q.Site != "" {
		where = append(where, "+site = ?")
		args = append(args, q.Site)
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

func (q SeriesQuery) order() string {
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	switch q.Sort {
	case SortKey:
		return "key" + dir
	case SortMissing:
		return "missing_count" + dir + ", name COLLATE NOCASE, key"
	case SortUpdated:
		return "updated_at" + dir + ", key"
	case SortYear:
		return "year" + dir + ", name COLLATE NOCASE" + dir + ", key" + dir
	case SortAdded:
		return "added_at" + dir + ", key" + dir
	case SortDownloaded:
		return "downloaded_at" + dir + ", key" + dir
	}
	return "name COLLATE NOCASE" + dir + ", key" + dir
}

// ListSeriesSQL is the page query of q (exported for the index checks).
func ListSeriesSQL(q SeriesQuery) (string, []any) {
	cond, args := q.where()
	return `SELECT ` + seriesColumns + ` FROM series` + cond + ` ORDER BY ` + q.order() + ` LIMIT ? OFFSET ?`, args
}

// ListSeries pages through the library and answers the page and the total
// number of series matching q.
func (db *DB) ListSeries(ctx context.Context, q SeriesQuery) ([]SeriesRecord, int, error) {
	cond, args := q.where()
	var total int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM series`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count series: %w", err)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = -1
	}
	query, args := ListSeriesSQL(q)
	rows, err := db.QueryContext(ctx, query, append(args, limit, max(q.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("list series: %w", err)
	}
	defer rows.Close()
	var out []SeriesRecord
	for rows.Next() {
		r, err := scanSeries(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list series: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list series: %w", err)
	}
	return out, total, nil
}

// SeriesBadges is what the library grid shows beside a series: its queue
// items by state and whether it is monitored.
type SeriesBadges struct {
	Queued      int // pending or paused
	Downloading int
	Failed      int
	Monitored   bool
}

// seriesQueueBadgesSQL reads the queue side of SeriesBadges for a page of keys.
const seriesQueueBadgesSQL = `SELECT serie_id, status, COUNT(*) FROM queue_items
	WHERE serie_id IN (%s) AND status IN (` + liveStatuses + `,'failed') GROUP BY serie_id, status`

// SeriesBadgesOf answers the badges of the given series (a page of the
// list: two indexed queries, whatever the library's size).
func (db *DB) SeriesBadgesOf(ctx context.Context, keys []string) (map[string]SeriesBadges, error) {
	out := make(map[string]SeriesBadges, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(keys)), ",")
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf(seriesQueueBadgesSQL, marks), args...)
	if err != nil {
		return nil, fmt.Errorf("series badges: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key, status string
		var n int
		if err := rows.Scan(&key, &status, &n); err != nil {
			return nil, fmt.Errorf("series badges: %w", err)
		}
		b := out[key]
		switch status {
		case "downloading":
			b.Downloading += n
		case "failed":
			b.Failed += n
		default:
			b.Queued += n
		}
		out[key] = b
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("series badges: %w", err)
	}
	mrows, err := db.QueryContext(ctx, `SELECT series_key FROM series_monitor WHERE mode <> 'none' AND series_key IN (`+marks+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("series badges: %w", err)
	}
	defer mrows.Close()
	for mrows.Next() {
		var key string
		if err := mrows.Scan(&key); err != nil {
			return nil, fmt.Errorf("series badges: %w", err)
		}
		b := out[key]
		b.Monitored = true
		out[key] = b
	}
	return out, mrows.Err()
}
