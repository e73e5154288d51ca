package store

import (
	"cmp"
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
	// DownloadedAt is when the last episode download finished (zero: never).
	DownloadedAt time.Time
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

// UnmatchedRecord is a library folder the scanner could not identify.
type UnmatchedRecord struct {
	Folder     string
	Reason     string
	Candidates []byte // JSON array, owned by the caller's format
	SeenAt     time.Time
}

const seriesColumns = `id, key, name, site, folder, link, year, description, tmdb_id,
	missing_json, missing_count, episode_count, fingerprint, scan_error, added_at, updated_at, downloaded_at`

func scanSeries(row interface{ Scan(...any) error }) (SeriesRecord, error) {
	var r SeriesRecord
	var missing, added, updated, downloaded string
	s := &r.Series
	if err := row.Scan(&r.ID, &s.Key, &s.Name, &s.Site, &s.Folder, &s.Link, &s.Year, &s.Description, &s.TMDBID,
		&missing, &r.MissingCount, &r.EpisodeCount, &r.Fingerprint, &r.ScanError, &added, &updated, &downloaded); err != nil {
		return SeriesRecord{}, err
	}
	r.Missing = anime.MissingEpisodes{}
	if err := json.Unmarshal([]byte(missing), &r.Missing); err != nil {
		return SeriesRecord{}, fmt.Errorf("series %s: decode missing episodes: %w", s.Key, err)
	}
	s.AddedAt, _ = time.Parse(time.RFC3339Nano, added)
	s.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated)
	r.DownloadedAt, _ = time.Parse(time.RFC3339Nano, downloaded)
	return r, nil
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
		missing_json, missing_count, episode_count, fingerprint, scan_error, scanned_at, added_at, updated_at)
	VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT(key) DO UPDATE SET name = excluded.name, site = excluded.site, folder = excluded.folder,
		link = excluded.link, year = excluded.year,
		description = CASE WHEN excluded.description <> '' THEN excluded.description ELSE series.description END,
		missing_json = excluded.missing_json, missing_count = excluded.missing_count,
		episode_count = excluded.episode_count, fingerprint = excluded.fingerprint,
		scan_error = excluded.scan_error, scanned_at = excluded.scanned_at,
		updated_at = excluded.updated_at`

// saveFilesSQL stores a series' files, the series named by key.
const saveFilesSQL = `INSERT INTO series_files(series_id, files_json) SELECT id, ? FROM series WHERE key = ?
	ON CONFLICT(series_id) DO UPDATE SET files_json = excluded.files_json`

// sqlTime formats t as strftime('%Y-%m-%dT%H:%M:%fZ') does.
func sqlTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// SaveScannedSeries writes one scanned series in a single transaction: the
// series row (created when new, with its missing map and counts) and, when
// ReplaceFiles is set, its episode files.
func (db *DB) SaveScannedSeries(ctx context.Context, in ScannedSeries) error {
	return db.SaveScannedBatch(ctx, []ScannedSeries{in})
}

// SaveScannedBatch writes several scanned series in one transaction (each
// as SaveScannedSeries would): all of them are applied or none, so no series
// is ever half-written, and the per-transaction cost is shared. A series is
// two statements: its row and, when its files changed, its series_files row.
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
		sf, err := tx.PrepareContext(ctx, saveFilesSQL)
		if err != nil {
			return err
		}
		defer sf.Close()
		now := sqlTime(time.Now()) // one clock reading per batch, not three strftime calls per row
		var buf []byte
		for _, in := range batch {
			s := in.Series
			mj, mc := EncodeMissing(in.Missing)
			if _, err := up.ExecContext(ctx, s.Key, s.Name, s.Site, s.Folder, s.Link, s.Year, s.Description,
				mj, mc, distinctEpisodes(in.Files), in.Fingerprint, in.ScanError, now, now, now); err != nil {
				return fmt.Errorf("series %q: %w", s.Key, err)
			}
			if in.ReplaceFiles {
				buf = appendFilesJSON(buf[:0], in.Files)
				if _, err := sf.ExecContext(ctx, string(buf), s.Key); err != nil {
					return fmt.Errorf("series %q: files: %w", s.Key, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save scanned series: %w", err)
	}
	return nil
}

// distinctEpisodes counts the distinct (season, episode) pairs of files.
func distinctEpisodes(files []EpisodeFile) int {
	eps := make([]uint64, len(files))
	for i, f := range files {
		eps[i] = uint64(uint32(f.Season))<<32 | uint64(uint32(f.Episode))
	}
	slices.Sort(eps)
	return len(slices.Compact(eps))
}

// SeriesEpisodes lists a series' episode files ordered by season, episode,
// path; none when the series is unknown.
func (db *DB) SeriesEpisodes(ctx context.Context, key string) ([]EpisodeFile, error) {
	var files string
	err := db.QueryRowContext(ctx, `SELECT coalesce((SELECT files_json FROM series_files WHERE series_id = s.id), '[]')
		FROM series s WHERE key = ?`, key).Scan(&files)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list episodes of %q: %w", key, err)
	}
	out, err := decodeFilesJSON(files)
	if err != nil {
		return nil, fmt.Errorf("list episodes of %q: %w", key, err)
	}
	slices.SortFunc(out, func(a, b EpisodeFile) int {
		if a.Season != b.Season {
			return cmp.Compare(a.Season, b.Season)
		}
		if a.Episode != b.Episode {
			return cmp.Compare(a.Episode, b.Episode)
		}
		return strings.Compare(a.Path, b.Path)
	})
	return out, nil
}

// AddEpisodeFile records one downloaded file of a series (replacing an
// entry with the same path and episode); when removeFromMissing is set the
// episode leaves the missing map. The stored fingerprint is cleared so the
// next scan re-reads the folder.
func (db *DB) AddEpisodeFile(ctx context.Context, key string, f EpisodeFile, removeFromMissing bool) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var id int64
		var missingJSON, filesJSON string
		err := tx.QueryRowContext(ctx, `SELECT id, missing_json, coalesce((SELECT files_json FROM series_files WHERE series_id = s.id), '[]')
			FROM series s WHERE key = ?`, key).Scan(&id, &missingJSON, &filesJSON)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("series %q: %w", key, anime.ErrNotFound)
		}
		if err != nil {
			return err
		}
		files, err := decodeFilesJSON(filesJSON)
		if err != nil {
			return err
		}
		files = slices.DeleteFunc(files, func(o EpisodeFile) bool { return o.Path == f.Path && o.Episode == f.Episode })
		files = append(files, f)
		missing := anime.MissingEpisodes{}
		if err := json.Unmarshal([]byte(missingJSON), &missing); err != nil {
			return fmt.Errorf("decode missing episodes: %w", err)
		}
		if removeFromMissing {
			season := strconv.Itoa(f.Season)
			missing[season] = slices.DeleteFunc(missing[season], func(e int) bool { return e == f.Episode })
		}
		mj, mc := EncodeMissing(missing)
		if _, err := tx.ExecContext(ctx, saveFilesSQL, string(appendFilesJSON(nil, files)), key); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE series SET missing_json = ?, missing_count = ?, fingerprint = '',
			episode_count = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'),
			downloaded_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
			mj, mc, distinctEpisodes(files), id)
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
