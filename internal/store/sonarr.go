package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// SonarrSeries is one library series as the Sonarr surface knows it: its
// stable integer id and the Sonarr fields kept for Seerr.
type SonarrSeries struct {
	ID               int64
	Key              string
	TVDBID           int
	QualityProfileID int
	SeriesType       string
	SeasonFolder     bool
	Monitored        bool
	MonitorNewItems  string
	// Seasons maps a season number to whether it is monitored; a season
	// missing here follows MonitorNewItems.
	Seasons map[int]bool
	Tags    []int
	AddedAt time.Time
}

const sonarrColumns = `id, series_key, tvdb_id, quality_profile_id, series_type, season_folder, monitored,
	monitor_new_items, seasons_json, tags_json, added_at`

func scanSonarr(row interface{ Scan(...any) error }) (SonarrSeries, error) {
	var s SonarrSeries
	var seasons, tags, added string
	if err := row.Scan(&s.ID, &s.Key, &s.TVDBID, &s.QualityProfileID, &s.SeriesType, &s.SeasonFolder, &s.Monitored,
		&s.MonitorNewItems, &seasons, &tags, &added); err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(seasons), &s.Seasons); err != nil {
		return s, fmt.Errorf("decode seasons of %q: %w", s.Key, err)
	}
	if err := json.Unmarshal([]byte(tags), &s.Tags); err != nil {
		return s, fmt.Errorf("decode tags of %q: %w", s.Key, err)
	}
	if s.Seasons == nil {
		s.Seasons = map[int]bool{}
	}
	if s.Tags == nil {
		s.Tags = []int{}
	}
	s.AddedAt = parseTime(added)
	return s, nil
}

func sonarrOne(row *sql.Row, what string) (SonarrSeries, error) {
	s, err := scanSonarr(row)
	if errors.Is(err, sql.ErrNoRows) {
		return SonarrSeries{}, fmt.Errorf("sonarr series %s: %w", what, anime.ErrNotFound)
	}
	if err != nil {
		return SonarrSeries{}, fmt.Errorf("load sonarr series %s: %w", what, err)
	}
	return s, nil
}

// SonarrSeriesByID loads one mapping by its integer id; anime.ErrNotFound
// when absent.
func (db *DB) SonarrSeriesByID(ctx context.Context, id int64) (SonarrSeries, error) {
	return sonarrOne(db.QueryRowContext(ctx, `SELECT `+sonarrColumns+` FROM sonarr_series WHERE id = ?`, id), fmt.Sprint(id))
}

// SonarrSeriesByKey loads the mapping of a library series.
func (db *DB) SonarrSeriesByKey(ctx context.Context, key string) (SonarrSeries, error) {
	return sonarrOne(db.QueryRowContext(ctx, `SELECT `+sonarrColumns+` FROM sonarr_series WHERE series_key = ?`, key), key)
}

// SonarrSeriesByTVDB loads the mapping with a TVDB id (the oldest when
// several share it).
func (db *DB) SonarrSeriesByTVDB(ctx context.Context, tvdb int) (SonarrSeries, error) {
	return sonarrOne(db.QueryRowContext(ctx, `SELECT `+sonarrColumns+` FROM sonarr_series WHERE tvdb_id = ? AND tvdb_id != 0
		ORDER BY id LIMIT 1`, tvdb), fmt.Sprintf("tvdb:%d", tvdb))
}

// SonarrSeriesList lists every mapping by id.
func (db *DB) SonarrSeriesList(ctx context.Context) ([]SonarrSeries, error) {
	rows, err := db.QueryContext(ctx, `SELECT `+sonarrColumns+` FROM sonarr_series ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list sonarr series: %w", err)
	}
	defer rows.Close()
	var out []SonarrSeries
	for rows.Next() {
		s, err := scanSonarr(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SaveSonarrSeries inserts the mapping of s.Key (keeping an existing id)
// or updates it, and answers the stored row. anime.ErrNotFound when the
// series is not in the library.
func (db *DB) SaveSonarrSeries(ctx context.Context, s SonarrSeries) (SonarrSeries, error) {
	if s.Seasons == nil {
		s.Seasons = map[int]bool{}
	}
	if s.Tags == nil {
		s.Tags = []int{}
	}
	if s.AddedAt.IsZero() {
		s.AddedAt = time.Now()
	}
	sj, _ := json.Marshal(s.Seasons)
	tj, _ := json.Marshal(s.Tags)
	_, err := db.ExecContext(ctx, `INSERT INTO sonarr_series(series_key, tvdb_id, quality_profile_id, series_type,
		season_folder, monitored, monitor_new_items, seasons_json, tags_json, added_at)
		SELECT key, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM series WHERE key = ?
		ON CONFLICT(series_key) DO UPDATE SET tvdb_id = excluded.tvdb_id, quality_profile_id = excluded.quality_profile_id,
		series_type = excluded.series_type, season_folder = excluded.season_folder, monitored = excluded.monitored,
		monitor_new_items = excluded.monitor_new_items, seasons_json = excluded.seasons_json, tags_json = excluded.tags_json`,
		s.TVDBID, s.QualityProfileID, s.SeriesType, s.SeasonFolder, s.Monitored, s.MonitorNewItems,
		string(sj), string(tj), fmtTime(s.AddedAt), s.Key)
	if err != nil {
		return SonarrSeries{}, fmt.Errorf("save sonarr series %q: %w", s.Key, err)
	}
	return db.SonarrSeriesByKey(ctx, s.Key)
}

// DeleteSonarrSeries removes a mapping (the library series stays).
func (db *DB) DeleteSonarrSeries(ctx context.Context, id int64) error {
	_, err := db.ExecContext(ctx, `DELETE FROM sonarr_series WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete sonarr series %d: %w", id, err)
	}
	return nil
}

// SonarrTag is one of Seerr's tags.
type SonarrTag struct {
	ID    int64
	Label string
}

// SonarrTags lists the tags by id.
func (db *DB) SonarrTags(ctx context.Context) ([]SonarrTag, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, label FROM sonarr_tags ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list sonarr tags: %w", err)
	}
	defer rows.Close()
	out := []SonarrTag{}
	for rows.Next() {
		var t SonarrTag
		if err := rows.Scan(&t.ID, &t.Label); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// AddSonarrTag answers the tag with this label (case-insensitive),
// creating it when new.
func (db *DB) AddSonarrTag(ctx context.Context, label string) (SonarrTag, error) {
	label = strings.TrimSpace(label)
	if _, err := db.ExecContext(ctx, `INSERT INTO sonarr_tags(label) VALUES(?) ON CONFLICT(label) DO NOTHING`, label); err != nil {
		return SonarrTag{}, fmt.Errorf("add sonarr tag: %w", err)
	}
	var t SonarrTag
	if err := db.QueryRowContext(ctx, `SELECT id, label FROM sonarr_tags WHERE label = ?`, label).Scan(&t.ID, &t.Label); err != nil {
		return SonarrTag{}, fmt.Errorf("read sonarr tag: %w", err)
	}
	return t, nil
}

// SonarrRequest is a request Seerr made that matched no site series.
type SonarrRequest struct {
	TVDBID      int
	Title       string
	Year        int
	Reason      string
	RequestJSON string // the POST /series body, when Seerr got that far
	RequestedAt time.Time
}

// SaveSonarrRequest records (or refreshes) an unmatched request; a stored
// request body is kept when the new one has none.
func (db *DB) SaveSonarrRequest(ctx context.Context, r SonarrRequest) error {
	_, err := db.ExecContext(ctx, `INSERT INTO sonarr_requests(tvdb_id, title, year, reason, request_json, requested_at)
		VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(tvdb_id) DO UPDATE SET
		title = CASE WHEN excluded.title != '' THEN excluded.title ELSE sonarr_requests.title END,
		year = CASE WHEN excluded.year != 0 THEN excluded.year ELSE sonarr_requests.year END,
		reason = excluded.reason,
		request_json = CASE WHEN excluded.request_json != '' THEN excluded.request_json ELSE sonarr_requests.request_json END,
		requested_at = excluded.requested_at`,
		r.TVDBID, r.Title, r.Year, r.Reason, r.RequestJSON, fmtTime(r.RequestedAt))
	if err != nil {
		return fmt.Errorf("save sonarr request %d: %w", r.TVDBID, err)
	}
	return nil
}

// SonarrRequests lists the unmatched requests, newest first.
func (db *DB) SonarrRequests(ctx context.Context) ([]SonarrRequest, error) {
	rows, err := db.QueryContext(ctx, `SELECT tvdb_id, title, year, reason, request_json, requested_at
		FROM sonarr_requests ORDER BY requested_at DESC, tvdb_id`)
	if err != nil {
		return nil, fmt.Errorf("list sonarr requests: %w", err)
	}
	defer rows.Close()
	out := []SonarrRequest{}
	for rows.Next() {
		var r SonarrRequest
		var at string
		if err := rows.Scan(&r.TVDBID, &r.Title, &r.Year, &r.Reason, &r.RequestJSON, &at); err != nil {
			return nil, err
		}
		r.RequestedAt = parseTime(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// SonarrRequest loads one unmatched request; anime.ErrNotFound when absent.
func (db *DB) SonarrRequest(ctx context.Context, tvdb int) (SonarrRequest, error) {
	var r SonarrRequest
	var at string
	err := db.QueryRowContext(ctx, `SELECT tvdb_id, title, year, reason, request_json, requested_at
		FROM sonarr_requests WHERE tvdb_id = ?`, tvdb).Scan(&r.TVDBID, &r.Title, &r.Year, &r.Reason, &r.RequestJSON, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("request tvdb:%d: %w", tvdb, anime.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("load request tvdb:%d: %w", tvdb, err)
	}
	r.RequestedAt = parseTime(at)
	return r, nil
}

// DeleteSonarrRequest forgets an unmatched request.
func (db *DB) DeleteSonarrRequest(ctx context.Context, tvdb int) error {
	if _, err := db.ExecContext(ctx, `DELETE FROM sonarr_requests WHERE tvdb_id = ?`, tvdb); err != nil {
		return fmt.Errorf("delete request tvdb:%d: %w", tvdb, err)
	}
	return nil
}
