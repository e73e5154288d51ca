package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// monitorTime is the fixed-width UTC layout of the monitor tables, so that
// text order is time order.
const monitorTime = "2006-01-02T15:04:05.000000000Z"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(monitorTime)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(monitorTime, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

// MonitorRow is one series' monitoring settings and refresh state.
type MonitorRow struct {
	Key            string
	Mode           string
	Languages      []string
	FallbackDays   int
	Movies         bool
	Specials       bool
	Upgrade        bool
	MonitoredSince time.Time
	NextRefresh    time.Time
	LastRefresh    time.Time
	LastError      string
}

const monitorColumns = `series_key, mode, languages_json, fallback_days, movies, specials, upgrade,
	monitored_since, next_refresh_at, last_refresh_at, last_error`

func scanMonitor(row interface{ Scan(...any) error }) (MonitorRow, error) {
	var r MonitorRow
	var langs, since, next, last string
	if err := row.Scan(&r.Key, &r.Mode, &langs, &r.FallbackDays, &r.Movies, &r.Specials, &r.Upgrade,
		&since, &next, &last, &r.LastError); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(langs), &r.Languages); err != nil {
		return r, fmt.Errorf("decode languages of %q: %w", r.Key, err)
	}
	r.MonitoredSince, r.NextRefresh, r.LastRefresh = parseTime(since), parseTime(next), parseTime(last)
	return r, nil
}

// MonitorSettings loads a series' monitoring row; anime.ErrNotFound when
// the series has none.
func (db *DB) MonitorSettings(ctx context.Context, key string) (MonitorRow, error) {
	r, err := scanMonitor(db.QueryRowContext(ctx, `SELECT `+monitorColumns+` FROM series_monitor WHERE series_key = ?`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return MonitorRow{}, fmt.Errorf("monitoring of %q: %w", key, anime.ErrNotFound)
	}
	if err != nil {
		return MonitorRow{}, fmt.Errorf("load monitoring of %q: %w", key, err)
	}
	return r, nil
}

// SaveMonitorSettings inserts or replaces a series' monitoring settings
// (the refresh state columns are written as given). anime.ErrNotFound
// when the series is not in the library.
func (db *DB) SaveMonitorSettings(ctx context.Context, r MonitorRow) error {
	langs := r.Languages
	if langs == nil {
		langs = []string{}
	}
	lj, _ := json.Marshal(langs)
	_, err := db.ExecContext(ctx, `INSERT INTO series_monitor(`+monitorColumns+`)
		SELECT key, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM series WHERE key = ?
		ON CONFLICT(series_key) DO UPDATE SET mode = excluded.mode, languages_json = excluded.languages_json,
		fallback_days = excluded.fallback_days, movies = excluded.movies, specials = excluded.specials,
		upgrade = excluded.upgrade, monitored_since = excluded.monitored_since,
		next_refresh_at = excluded.next_refresh_at, last_refresh_at = excluded.last_refresh_at,
		last_error = excluded.last_error, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
		r.Mode, string(lj), r.FallbackDays, r.Movies, r.Specials, r.Upgrade, fmtTime(r.MonitoredSince),
		fmtTime(r.NextRefresh), fmtTime(r.LastRefresh), r.LastError, r.Key)
	if err != nil {
		return fmt.Errorf("save monitoring of %q: %w", r.Key, err)
	}
	if _, err := db.MonitorSettings(ctx, r.Key); err != nil {
		return fmt.Errorf("series %q: %w", r.Key, anime.ErrNotFound)
	}
	return nil
}

// MonitorRows lists every series' monitoring row, monitored ones due
// first (by next refresh).
func (db *DB) MonitorRows(ctx context.Context) ([]MonitorRow, error) {
	rows, err := db.QueryContext(ctx, `SELECT `+monitorColumns+` FROM series_monitor ORDER BY next_refresh_at, series_key`)
	if err != nil {
		return nil, fmt.Errorf("list monitoring: %w", err)
	}
	defer rows.Close()
	var out []MonitorRow
	for rows.Next() {
		r, err := scanMonitor(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SetMonitorRefresh records a refresh: when it ran, when the next is due
// and the error it ended with ("" for none).
func (db *DB) SetMonitorRefresh(ctx context.Context, key string, last, next time.Time, errText string) error {
	_, err := db.ExecContext(ctx, `UPDATE series_monitor SET last_refresh_at = ?, next_refresh_at = ?, last_error = ?
		WHERE series_key = ?`, fmtTime(last), fmtTime(next), errText, key)
	if err != nil {
		return fmt.Errorf("record refresh of %q: %w", key, err)
	}
	return nil
}

// MonitorEpisode is one episode a refresh saw on the site.
type MonitorEpisode struct {
	Season    int
	Episode   int
	Title     string
	FirstSeen time.Time
	Baseline  bool
	// Languages maps a language name to when it was first seen.
	Languages      map[string]time.Time
	QueuedLanguage string
	QueuedAt       time.Time
}

// MonitorEpisodes lists what refreshes saw of a series, by season and episode.
func (db *DB) MonitorEpisodes(ctx context.Context, key string) ([]MonitorEpisode, error) {
	rows, err := db.QueryContext(ctx, `SELECT season, episode, title, first_seen_at, baseline, languages_json,
		queued_language, queued_at FROM monitor_episodes WHERE series_key = ? ORDER BY season, episode`, key)
	if err != nil {
		return nil, fmt.Errorf("list monitored episodes of %q: %w", key, err)
	}
	defer rows.Close()
	var out []MonitorEpisode
	for rows.Next() {
		var e MonitorEpisode
		var first, langs, queuedAt string
		if err := rows.Scan(&e.Season, &e.Episode, &e.Title, &first, &e.Baseline, &langs, &e.QueuedLanguage, &queuedAt); err != nil {
			return nil, err
		}
		raw := map[string]string{}
		if err := json.Unmarshal([]byte(langs), &raw); err != nil {
			return nil, fmt.Errorf("decode languages of %q %dx%d: %w", key, e.Season, e.Episode, err)
		}
		e.Languages = make(map[string]time.Time, len(raw))
		for k, v := range raw {
			e.Languages[k] = parseTime(v)
		}
		e.FirstSeen, e.QueuedAt = parseTime(first), parseTime(queuedAt)
		out = append(out, e)
	}
	return out, rows.Err()
}

// SaveMonitorEpisodes upserts episodes of a series in one transaction.
func (db *DB) SaveMonitorEpisodes(ctx context.Context, key string, eps []MonitorEpisode) error {
	if len(eps) == 0 {
		return nil
	}
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO monitor_episodes(series_key, season, episode, title,
			first_seen_at, baseline, languages_json, queued_language, queued_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(series_key, season, episode) DO UPDATE SET title = excluded.title,
			first_seen_at = excluded.first_seen_at, baseline = excluded.baseline, languages_json = excluded.languages_json,
			queued_language = excluded.queued_language, queued_at = excluded.queued_at`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, e := range eps {
			raw := make(map[string]string, len(e.Languages))
			for k, v := range e.Languages {
				raw[k] = fmtTime(v)
			}
			lj, _ := json.Marshal(raw)
			if _, err := st.ExecContext(ctx, key, e.Season, e.Episode, e.Title, fmtTime(e.FirstSeen), e.Baseline,
				string(lj), e.QueuedLanguage, fmtTime(e.QueuedAt)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save monitored episodes of %q: %w", key, err)
	}
	return nil
}

// HistoryEntry is one line of the monitor history.
type HistoryEntry struct {
	At         time.Time
	Kind       string
	SeriesKey  string
	SeriesName string
	Season     int
	Episode    int
	Title      string
	Language   string
}

// AddMonitorHistory appends entries and drops those older than keep.
func (db *DB) AddMonitorHistory(ctx context.Context, entries []HistoryEntry, keepAfter time.Time) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		for _, h := range entries {
			if _, err := tx.ExecContext(ctx, `INSERT INTO monitor_history(at, kind, series_key, series_name, season, episode, title, language)
				VALUES(?, ?, ?, ?, ?, ?, ?, ?)`, fmtTime(h.At), h.Kind, h.SeriesKey, h.SeriesName, h.Season, h.Episode, h.Title, h.Language); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM monitor_history WHERE at < ?`, fmtTime(keepAfter))
		return err
	})
	if err != nil {
		return fmt.Errorf("write monitor history: %w", err)
	}
	return nil
}

// MonitorHistory lists entries at or after since, oldest first.
func (db *DB) MonitorHistory(ctx context.Context, since time.Time) ([]HistoryEntry, error) {
	rows, err := db.QueryContext(ctx, `SELECT at, kind, series_key, series_name, season, episode, title, language
		FROM monitor_history WHERE at >= ? ORDER BY at, id`, fmtTime(since))
	if err != nil {
		return nil, fmt.Errorf("read monitor history: %w", err)
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var h HistoryEntry
		var at string
		if err := rows.Scan(&at, &h.Kind, &h.SeriesKey, &h.SeriesName, &h.Season, &h.Episode, &h.Title, &h.Language); err != nil {
			return nil, err
		}
		h.At = parseTime(at)
		out = append(out, h)
	}
	return out, rows.Err()
}
