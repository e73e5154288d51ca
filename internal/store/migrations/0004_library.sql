-- The library: one row per series folder, its episode files on disk, and
-- folders the scanner could not identify. The missing-episode map is kept
-- denormalised (JSON + count) so listing the library is one cheap query.
-- A series' episode files are one row of series_files (a JSON array), so a
-- first scan writes two rows per series instead of one per episode.
CREATE TABLE series (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    key           TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    site          TEXT    NOT NULL DEFAULT '',
    folder        TEXT    NOT NULL,
    link          TEXT    NOT NULL DEFAULT '',
    year          INTEGER NOT NULL DEFAULT 0,
    description   TEXT    NOT NULL DEFAULT '',
    tmdb_id       INTEGER NOT NULL DEFAULT 0,
    missing_json  TEXT    NOT NULL DEFAULT '{}',
    missing_count INTEGER NOT NULL DEFAULT 0,
    episode_count INTEGER NOT NULL DEFAULT 0,
    fingerprint   TEXT    NOT NULL DEFAULT '',
    scan_error    TEXT    NOT NULL DEFAULT '',
    scanned_at    TEXT,
    added_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX series_folder ON series(folder);
-- One index per list order, each carrying the filter columns, so a page of
-- GET /api/anime is an index walk, never a sort of the whole table.
CREATE INDEX series_by_name ON series(name COLLATE NOCASE, key, missing_count, episode_count);
CREATE INDEX series_by_key ON series(key, missing_count, episode_count);
CREATE INDEX series_by_missing ON series(missing_count DESC, name COLLATE NOCASE, key, episode_count);

-- A series' episode files: one entry per episode per file, [path, season,
-- episode, language, size], path relative to the series folder; a
-- multi-episode file has one entry per episode with the same path. Kept
-- off the series rows so listing the library reads small rows.
CREATE TABLE series_files (
    series_id  INTEGER PRIMARY KEY REFERENCES series(id) ON DELETE CASCADE,
    files_json TEXT    NOT NULL DEFAULT '[]'
);

-- The episode files as rows, for ad-hoc queries and checks.
CREATE VIEW series_episodes(series_id, path, season, episode, language, size) AS
    SELECT sf.series_id, f.value ->> 0, f.value ->> 1, f.value ->> 2, f.value ->> 3, f.value ->> 4
    FROM series_files sf, json_each(sf.files_json) f;

CREATE TABLE library_unmatched (
    folder          TEXT PRIMARY KEY,
    reason          TEXT NOT NULL,
    candidates_json TEXT NOT NULL DEFAULT '[]',
    seen_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
