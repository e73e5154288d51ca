package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// SeriesRecord is one library series as stored: the series, its
// denormalised missing-episode map and bookkeeping from the last scan.
type SeriesRecord struct {
	ID           int64
	Series       anime.Series
	Missing      anime.MissingEpisodes
	MissingCount int
	EpisodeCount int // distinct (season, episode) pairs on disk
	Fingerprint  string
	ScanError    string
}

// EpisodeFile is one episode on disk. A multi-episode file is stored once
// per episode it holds, with the same Path.
type EpisodeFile struct {
	Season   int
	Episode  int
	Language anime.Language
	Path     string // relative to the series folder, '/'-separated
	Size     int64
}

// SeriesState is the slice of a stored series the scanner compares against
// to skip unchanged series without writing.
type SeriesState struct {
	ID          int64
	Series      anime.Series // Key, Name, Site, Folder, Link, Year
	Fingerprint string
	MissingJSON string
	ScanError   string
}

// ScannedSeries is what one scan learned about one series.
type ScannedSeries struct {
	Series       anime.Series // Description is written only when not empty
	Files        []EpisodeFile
	ReplaceFiles bool // false: files are unchanged, keep the stored rows
	Missing      anime.MissingEpisodes
	Fingerprint  string
	ScanError    string
}

// SeriesSort orders ListSeries.
type SeriesSort string

// Sort orders.
const (
	SortName    SeriesSort = "name"    // name, case-insensitive
	SortKey     SeriesSort = "key"     // key
	SortMissing SeriesSort = "missing" // most missing first
)

// SeriesQuery filters and pages ListSeries.
type SeriesQuery struct {
	Offset, Limit int
	Sort          SeriesSort
	WithMissing   bool // only series with at least one missing episode
	NoEpisodes    bool // only series without any episode on disk
}

// UnmatchedRecord is a library folder the scanner could not identify.
type UnmatchedRecord struct {
	Folder     string
	Reason     string
	Candidates []byte // JSON array, owned by the caller's format
	SeenAt     time.Time
}

const seriesColumns = `id, key, name, site, folder, link, year, description, tmdb_id,
	missing_json, missing_count, episode_count, fingerprint, scan_error, added_at, updated_at`

func scanSeries(row interface{ Scan(...any) error }) (SeriesRecord, error) {
	var r SeriesRecord
	var missing, added, updated string
	s := &r.Series
	if err := row.Scan(&r.ID, &s.Key, &s.Name, &s.Site, &s.Folder, &s.Link, &s.Year, &s.Description, &s.TMDBID,
		&missing, &r.MissingCount, &r.EpisodeCount, &r.Fingerprint, &r.ScanError, &added, &updated); err != nil {
		return SeriesRecord{}, err
	}
	r.Missing = anime.MissingEpisodes{}
	if err := json.Unmarshal([]byte(missing), &r.Missing); err != nil {
		return SeriesRecord{}, fmt.Errorf("series %s: decode missing episodes: %w", s.Key, err)
	}
	s.AddedAt, _ = time.Parse(time.RFC3339Nano, added)
	s.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated)
	return r, nil
}

// EncodeMissing is the canonical JSON of a missing map: seasons as keys,
// episodes ascending and unique, empty seasons dropped.
func EncodeMissing(m anime.MissingEpisodes) (string, int) {
	clean := anime.MissingEpisodes{}
	n := 0
	for season, eps := range m {
		if len(eps) == 0 {
			continue
		}
		e := slices.Clone(eps)
		slices.Sort(e)
		e = slices.Compact(e)
		clean[season] = e
		n += len(e)
	}
	b, _ := json.Marshal(clean) // map[string][]int cannot fail
	return string(b), n
}

// InsertSeries adds a new series and answers its row id; anime.ErrConflict
// when the key is already in the library.
func (db *DB) InsertSeries(ctx context.Context, s anime.Series) (int64, error) {
	var id int64
	err := db.QueryRowContext(ctx, `INSERT INTO series(key, name, site, folder, link, year, description, tmdb_id)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING RETURNING id`,
		s.Key, s.Name, s.Site, s.Folder, s.Link, s.Year, s.Description, s.TMDBID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("series %q: %w: already in the library", s.Key, anime.ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("insert series %q: %w", s.Key, err)
	}
	return id, nil
}

// DeleteSeries removes one series and its episode rows.
func (db *DB) DeleteSeries(ctx context.Context, key string) error {
	res, err := db.ExecContext(ctx, `DELETE FROM series WHERE key = ?`, key)
	if err != nil {
		return fmt.Errorf("delete series %q: %w", key, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("series %q: %w", key, anime.ErrNotFound)
	}
	return nil
}

// SeriesByKey loads one series; anime.ErrNotFound when absent.
func (db *DB) SeriesByKey(ctx context.Context, key string) (SeriesRecord, error) {
	r, err := scanSeries(db.QueryRowContext(ctx, `SELECT `+seriesColumns+` FROM series WHERE key = ?`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return SeriesRecord{}, fmt.Errorf("series %q: %w", key, anime.ErrNotFound)
	}
	if err != nil {
		return SeriesRecord{}, fmt.Errorf("load series %q: %w", key, err)
	}
	return r, nil
}

// SeriesByFolder loads the series stored under a folder name; anime.ErrNotFound
// when absent.
func (db *DB) SeriesByFolder(ctx context.Context, folder string) (SeriesRecord, error) {
	r, err := scanSeries(db.QueryRowContext(ctx, `SELECT `+seriesColumns+` FROM series WHERE folder = ? ORDER BY id LIMIT 1`, folder))
	if errors.Is(err, sql.ErrNoRows) {
		return SeriesRecord{}, fmt.Errorf("series folder %q: %w", folder, anime.ErrNotFound)
	}
	if err != nil {
		return SeriesRecord{}, fmt.Errorf("load series folder %q: %w", folder, err)
	}
	return r, nil
}

// CountSeries is the number of series in the library.
func (db *DB) CountSeries(ctx context.Context) (int, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM series`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count series: %w", err)
	}
	return n, nil
}

// ListSeries pages through the library and answers the page and the total
// number of series matching q.
func (db *DB) ListSeries(ctx context.Context, q SeriesQuery) ([]SeriesRecord, int, error) {
	var where []string
	if q.WithMissing {
		where = append(where, "missing_count > 0")
	}
	if q.NoEpisodes {
		where = append(where, "episode_count = 0")
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	order := "name COLLATE NOCASE, key"
	switch q.Sort {
	case SortKey:
		order = "key"
	case SortMissing:
		order = "missing_count DESC, name COLLATE NOCASE, key"
	}
	var total int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM series`+cond).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count series: %w", err)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = -1
	}
	rows, err := db.QueryContext(ctx, `SELECT `+seriesColumns+` FROM series`+cond+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
		limit, max(q.Offset, 0))
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

// SeriesStates loads, per key, what the scanner needs to decide whether a
// series changed since the last scan.
func (db *DB) SeriesStates(ctx context.Context) (map[string]SeriesState, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, key, name, site, folder, link, year, fingerprint, missing_json, scan_error FROM series`)
	if err != nil {
		return nil, fmt.Errorf("load series states: %w", err)
	}
	defer rows.Close()
	out := map[string]SeriesState{}
	for rows.Next() {
		var st SeriesState
		s := &st.Series
		if err := rows.Scan(&st.ID, &s.Key, &s.Name, &s.Site, &s.Folder, &s.Link, &s.Year, &st.Fingerprint, &st.MissingJSON, &st.ScanError); err != nil {
			return nil, fmt.Errorf("load series states: %w", err)
		}
		out[s.Key] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load series states: %w", err)
	}
	return out, nil
}

const upsertScannedSQL = `INSERT INTO series(key, name, site, folder, link, year, description,
		missing_json, missing_count, episode_count, fingerprint, scan_error, scanned_at)
	VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))
	ON CONFLICT(key) DO UPDATE SET name = excluded.name, site = excluded.site, folder = excluded.folder,
		link = excluded.link, year = excluded.year,
		description = CASE WHEN excluded.description <> '' THEN excluded.description ELSE series.description END,
		missing_json = excluded.missing_json, missing_count = excluded.missing_count,
		episode_count = excluded.episode_count, fingerprint = excluded.fingerprint,
		scan_error = excluded.scan_error, scanned_at = excluded.scanned_at,
		updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
	RETURNING id`

// SaveScannedSeries writes one scanned series in a single transaction: the
// series row (created when new, with its missing map and counts) and, when
// ReplaceFiles is set, its episode rows.
func (db *DB) SaveScannedSeries(ctx context.Context, in ScannedSeries) error {
	return db.SaveScannedBatch(ctx, []ScannedSeries{in})
}

// SaveScannedBatch writes several scanned series in one transaction (each
// as SaveScannedSeries would): all of them are applied or none, so no series
// is ever half-written, and the per-transaction cost is shared.
func (db *DB) SaveScannedBatch(ctx context.Context, batch []ScannedSeries) error {
	if len(batch) == 0 {
		return nil
	}
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		up, err := tx.PrepareContext(ctx, upsertScannedSQL)
		if err != nil {
			return err
		}
		defer up.Close()
		var replaced []int64
		var rows []episodeRow
		for _, in := range batch {
			s := in.Series
			mj, mc := EncodeMissing(in.Missing)
			var id int64
			if err := up.QueryRowContext(ctx, s.Key, s.Name, s.Site, s.Folder, s.Link, s.Year, s.Description,
				mj, mc, distinctEpisodes(in.Files), in.Fingerprint, in.ScanError).Scan(&id); err != nil {
				return fmt.Errorf("series %q: %w", s.Key, err)
			}
			if !in.ReplaceFiles {
				continue
			}
			replaced = append(replaced, id)
			for _, f := range in.Files {
				rows = append(rows, episodeRow{I: id, P: f.Path, S: f.Season, E: f.Episode, L: int(f.Language), Z: f.Size})
			}
		}
		if len(replaced) == 0 {
			return nil
		}
		ids, _ := json.Marshal(replaced)
		if _, err := tx.ExecContext(ctx, `DELETE FROM series_episodes WHERE series_id IN (SELECT value FROM json_each(?))`, string(ids)); err != nil {
			return err
		}
		return insertEpisodes(ctx, tx, rows)
	})
	if err != nil {
		return fmt.Errorf("save scanned series: %w", err)
	}
	return nil
}

func distinctEpisodes(files []EpisodeFile) int {
	type ep struct{ s, e int }
	seen := make(map[ep]struct{}, len(files))
	for _, f := range files {
		seen[ep{f.Season, f.Episode}] = struct{}{}
	}
	return len(seen)
}

// episodeRow is one series_episodes row to insert.
type episodeRow struct {
	I    int64 // series id
	P    string
	S, E int
	L    int
	Z    int64
}

// episodeChunk is how many rows one INSERT statement carries.
const episodeChunk = 64

// insertEpisodes writes episode rows with a multi-row INSERT prepared once
// per call (full chunks) plus one statement for the remainder.
func insertEpisodes(ctx context.Context, tx *sql.Tx, rows []episodeRow) error {
	if len(rows) == 0 {
		return nil
	}
	stmtFor := func(n int) string {
		var q strings.Builder
		q.WriteString(`INSERT OR REPLACE INTO series_episodes(series_id, path, season, episode, language, size) VALUES`)
		for i := 0; i < n; i++ {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(?,?,?,?,?,?)")
		}
		return q.String()
	}
	args := make([]any, 0, 6*episodeChunk)
	var full *sql.Stmt
	for len(rows) > 0 {
		chunk := rows[:min(len(rows), episodeChunk)]
		rows = rows[len(chunk):]
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r.I, r.P, r.S, r.E, r.L, r.Z)
		}
		if len(chunk) < episodeChunk {
			if _, err := tx.ExecContext(ctx, stmtFor(len(chunk)), args...); err != nil {
				return err
			}
			continue
		}
		if full == nil {
			st, err := tx.PrepareContext(ctx, stmtFor(episodeChunk))
			if err != nil {
				return err
			}
			defer st.Close()
			full = st
		}
		if _, err := full.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// SeriesEpisodes lists a series' episode rows ordered by season, episode, path.
func (db *DB) SeriesEpisodes(ctx context.Context, key string) ([]EpisodeFile, error) {
	rows, err := db.QueryContext(ctx, `SELECT e.season, e.episode, e.language, e.path, e.size
		FROM series_episodes e JOIN series s ON s.id = e.series_id WHERE s.key = ?
		ORDER BY e.season, e.episode, e.path`, key)
	if err != nil {
		return nil, fmt.Errorf("list episodes of %q: %w", key, err)
	}
	defer rows.Close()
	var out []EpisodeFile
	for rows.Next() {
		var f EpisodeFile
		var lang int
		if err := rows.Scan(&f.Season, &f.Episode, &lang, &f.Path, &f.Size); err != nil {
			return nil, fmt.Errorf("list episodes of %q: %w", key, err)
		}
		f.Language = anime.Language(lang)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list episodes of %q: %w", key, err)
	}
	return out, nil
}

// AddEpisodeFile records one downloaded file of a series; when
// removeFromMissing is set the episode leaves the missing map. The stored
// fingerprint is cleared so the next scan re-reads the folder.
func (db *DB) AddEpisodeFile(ctx context.Context, key string, f EpisodeFile, removeFromMissing bool) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var id int64
		var missingJSON string
		err := tx.QueryRowContext(ctx, `SELECT id, missing_json FROM series WHERE key = ?`, key).Scan(&id, &missingJSON)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("series %q: %w", key, anime.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := insertEpisodes(ctx, tx, []episodeRow{{I: id, P: f.Path, S: f.Season, E: f.Episode, L: int(f.Language), Z: f.Size}}); err != nil {
			return err
		}
		missing := anime.MissingEpisodes{}
		if err := json.Unmarshal([]byte(missingJSON), &missing); err != nil {
			return fmt.Errorf("decode missing episodes: %w", err)
		}
		if removeFromMissing {
			season := strconv.Itoa(f.Season)
			missing[season] = slices.DeleteFunc(missing[season], func(e int) bool { return e == f.Episode })
		}
		mj, mc := EncodeMissing(missing)
		_, err = tx.ExecContext(ctx, `UPDATE series SET missing_json = ?, missing_count = ?, fingerprint = '',
			episode_count = (SELECT COUNT(*) FROM (SELECT DISTINCT season, episode FROM series_episodes WHERE series_id = ?)),
			updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`, mj, mc, id, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("add episode file to %q: %w", key, err)
	}
	return nil
}

// SetSeriesTMDBID stores a series' TMDB id.
func (db *DB) SetSeriesTMDBID(ctx context.Context, key string, tmdbID int) error {
	res, err := db.ExecContext(ctx, `UPDATE series SET tmdb_id = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE key = ?`, tmdbID, key)
	if err != nil {
		return fmt.Errorf("set tmdb id of %q: %w", key, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("series %q: %w", key, anime.ErrNotFound)
	}
	return nil
}

// DeleteSeriesKeys removes the named series (and their episode rows) in
// one transaction and answers how many existed.
func (db *DB) DeleteSeriesKeys(ctx context.Context, keys []string) (int, error) {
	n := 0
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			res, err := tx.ExecContext(ctx, `DELETE FROM series WHERE key = ?`, k)
			if err != nil {
				return err
			}
			c, _ := res.RowsAffected()
			n += int(c)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("delete series: %w", err)
	}
	return n, nil
}

// ReplaceUnmatched swaps the list of unidentified folders for recs.
func (db *DB) ReplaceUnmatched(ctx context.Context, recs []UnmatchedRecord) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM library_unmatched`); err != nil {
			return err
		}
		for _, r := range recs {
			c := r.Candidates
			if len(c) == 0 {
				c = []byte("[]")
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO library_unmatched(folder, reason, candidates_json) VALUES(?, ?, ?)`,
				r.Folder, r.Reason, string(c)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save unmatched folders: %w", err)
	}
	return nil
}

// DeleteUnmatched drops one folder from the unmatched list.
func (db *DB) DeleteUnmatched(ctx context.Context, folder string) error {
	if _, err := db.ExecContext(ctx, `DELETE FROM library_unmatched WHERE folder = ?`, folder); err != nil {
		return fmt.Errorf("delete unmatched %q: %w", folder, err)
	}
	return nil
}

// Unmatched lists the folders the last complete scan could not identify.
func (db *DB) Unmatched(ctx context.Context) ([]UnmatchedRecord, error) {
	rows, err := db.QueryContext(ctx, `SELECT folder, reason, candidates_json, seen_at FROM library_unmatched ORDER BY folder`)
	if err != nil {
		return nil, fmt.Errorf("list unmatched: %w", err)
	}
	defer rows.Close()
	var out []UnmatchedRecord
	for rows.Next() {
		var r UnmatchedRecord
		var c, seen string
		if err := rows.Scan(&r.Folder, &r.Reason, &c, &seen); err != nil {
			return nil, fmt.Errorf("list unmatched: %w", err)
		}
		r.Candidates = []byte(c)
		r.SeenAt, _ = time.Parse(time.RFC3339Nano, seen)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list unmatched: %w", err)
	}
	return out, nil
}
