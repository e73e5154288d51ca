package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// WantedEpisode is one missing episode of a library series, with what the
// site offers for it where a refresh has seen it (monitor_episodes).
type WantedEpisode struct {
	SerieKey  string
	SerieName string
	Site      string
	Folder    string
	Season    int
	Episode   int
	// Title and Languages (site language names) are empty when no refresh
	// has listed the episode.
	Title     string
	Languages []string
}

// WantedQuery selects a page of the missing episodes across the library,
// ordered by series name, then season and episode.
type WantedQuery struct {
	// Sites matches any of these site names ("" is a series stored before
	// sites were recorded).
	Sites []string
	// Language, when set (a name such as "German Dub"), keeps only the
	// episodes the site is known to offer in it.
	Language string
	Offset   int
	Limit    int
}

func (q WantedQuery) seriesWhere() (string, []any) {
	where := "missing_count > 0"
	var args []any
	if len(q.Sites) > 0 {
		where += " AND site IN (?" + strings.Repeat(",?", len(q.Sites)-1) + ")"
		for _, s := range q.Sites {
			args = append(args, s)
		}
	}
	return where, args
}

// WantedList answers one page of missing episodes and how many match in
// all. Without a language filter it never expands more series than the
// page touches: the series' missing counts, summed in list order over an
// index until the page's end, tell which series hold the page.
func (db *DB) WantedList(ctx context.Context, q WantedQuery) ([]WantedEpisode, int, error) {
	q.Limit, q.Offset = max(q.Limit, 1), max(q.Offset, 0)
	var out []WantedEpisode
	var total int
	var err error
	if q.Language != "" {
		out, total, err = db.wantedByLanguage(ctx, q)
	} else {
		out, total, err = db.wantedPage(ctx, q)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("wanted episodes: %w", err)
	}
	if err := db.wantedDetails(ctx, out); err != nil {
		return nil, 0, fmt.Errorf("wanted episode details: %w", err)
	}
	return out, total, nil
}

func (db *DB) wantedPage(ctx context.Context, q WantedQuery) ([]WantedEpisode, int, error) {
	where, args := q.seriesWhere()
	var total int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(SUM(missing_count), 0) FROM series WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out := []WantedEpisode{}
	if q.Offset >= total {
		return out, total, nil
	}
	// Walk the series in list order over the narrow index columns, summing
	// their missing counts, and stop at the page's end: only the series
	// that hold the page are read whole.
	type part struct {
		key   string
		start int
	}
	var parts []part
	rows, err := db.QueryContext(ctx, `SELECT key, missing_count FROM series WHERE `+where+
		` ORDER BY name COLLATE NOCASE, key`, args...)
	if err != nil {
		return nil, 0, err
	}
	sum := 0
	for rows.Next() && sum < q.Offset+q.Limit {
		var key string
		var n int
		if err := rows.Scan(&key, &n); err != nil {
			rows.Close()
			return nil, 0, err
		}
		if sum+n > q.Offset {
			parts = append(parts, part{key, sum})
		}
		sum += n
	}
	if err := rows.Close(); err != nil {
		return nil, 0, err
	}
	for _, p := range parts {
		var base WantedEpisode
		var missing string
		err := db.QueryRowContext(ctx, `SELECT key, name, site, folder, missing_json FROM series WHERE key = ?`, p.key).
			Scan(&base.SerieKey, &base.SerieName, &base.Site, &base.Folder, &missing)
		if err != nil {
			return nil, 0, err
		}
		for i, ep := range missingOrder(missing) {
			if n := p.start + i; n < q.Offset || n >= q.Offset+q.Limit {
				continue
			}
			w := base
			w.Season, w.Episode = ep[0], ep[1]
			out = append(out, w)
		}
	}
	return out, total, nil
}

// missingOrder lists a missing map's episodes by season, then episode.
func missingOrder(js string) [][2]int {
	var m map[string][]int
	if json.Unmarshal([]byte(js), &m) != nil {
		return nil
	}
	var out [][2]int
	for s, eps := range m {
		n, err := strconv.Atoi(s)
		if err != nil {
			continue
		}
		for _, e := range eps {
			out = append(out, [2]int{n, e})
		}
	}
	slices.SortFunc(out, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	return out
}

// wantedByLanguage expands every missing episode of the matching series
// and keeps those the site is known to offer in q.Language.
func (db *DB) wantedByLanguage(ctx context.Context, q WantedQuery) ([]WantedEpisode, int, error) {
	where, args := q.seriesWhere()
	from := ` FROM series s, json_each(s.missing_json) m, json_each(m.value) e
		JOIN monitor_episodes me ON me.series_key = s.key AND me.season = CAST(m.key AS INTEGER) AND me.episode = e.value
		WHERE ` + strings.ReplaceAll(where, "missing_count", "s.missing_count") +
		` AND EXISTS (SELECT 1 FROM json_each(me.languages_json) l WHERE l.key = ?)`
	args = append(args, q.Language)
	var total int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out := []WantedEpisode{}
	if q.Offset >= total {
		return out, total, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT s.key, s.name, s.site, s.folder, CAST(m.key AS INTEGER), e.value`+from+
		` ORDER BY s.name COLLATE NOCASE, s.key, CAST(m.key AS INTEGER), e.value LIMIT ? OFFSET ?`,
		append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var w WantedEpisode
		if err := rows.Scan(&w.SerieKey, &w.SerieName, &w.Site, &w.Folder, &w.Season, &w.Episode); err != nil {
			return nil, 0, err
		}
		out = append(out, w)
	}
	return out, total, rows.Err()
}

// wantedDetails fills titles and site languages from monitor_episodes,
// one query per series on the page.
func (db *DB) wantedDetails(ctx context.Context, eps []WantedEpisode) error {
	type ep struct {
		key  string
		s, e int
	}
	idx := map[ep]int{}
	var keys []string
	for i, w := range eps {
		idx[ep{w.SerieKey, w.Season, w.Episode}] = i
		if !slices.Contains(keys, w.SerieKey) {
			keys = append(keys, w.SerieKey)
		}
	}
	for _, k := range keys {
		rows, err := db.QueryContext(ctx, `SELECT season, episode, title, languages_json FROM monitor_episodes WHERE series_key = ?`, k)
		if err != nil {
			return err
		}
		for rows.Next() {
			var (
				s, e        int
				title, lang string
			)
			if err := rows.Scan(&s, &e, &title, &lang); err != nil {
				rows.Close()
				return err
			}
			i, ok := idx[ep{k, s, e}]
			if !ok {
				continue
			}
			eps[i].Title = title
			eps[i].Languages = languageNames(lang)
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	return nil
}

// languageNames are the keys of a monitor_episodes languages_json map,
// in the order they were first seen.
func languageNames(js string) []string {
	var m map[string]string
	if json.Unmarshal([]byte(js), &m) != nil || len(m) == 0 {
		return nil
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int {
		if c := strings.Compare(m[a], m[b]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return names
}

// EpisodeKey names one episode of one series.
type EpisodeKey struct {
	Serie   string
	Season  int
	Episode int
}

// QueuedEpisodes answers which episodes of the given series (all series
// when keys is empty) have a live queue item: pending, downloading or
// paused. It reads the queue's live-episode index.
func (db *DB) QueuedEpisodes(ctx context.Context, keys []string) (map[EpisodeKey]bool, error) {
	q := `SELECT serie_id, season, episode FROM queue_items WHERE status IN ('pending','downloading','paused')`
	var args []any
	if len(keys) > 0 {
		q += ` AND serie_id IN (?` + strings.Repeat(",?", len(keys)-1) + `)`
		for _, k := range keys {
			args = append(args, k)
		}
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("queued episodes: %w", err)
	}
	defer rows.Close()
	out := map[EpisodeKey]bool{}
	for rows.Next() {
		var k EpisodeKey
		if err := rows.Scan(&k.Serie, &k.Season, &k.Episode); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}
