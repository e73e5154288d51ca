-- The Sonarr v3 surface for Jellyseerr/Overseerr. Each library
-- series Seerr knows gets a stable integer id (never reused: AUTOINCREMENT)
-- and the Sonarr fields we keep for it; tags are Seerr's labels; requests
-- that could not be matched to a site series wait for a person to pick one.
CREATE TABLE sonarr_series (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    series_key         TEXT    NOT NULL UNIQUE REFERENCES series(key) ON DELETE CASCADE,
    tvdb_id            INTEGER NOT NULL DEFAULT 0,
    quality_profile_id INTEGER NOT NULL DEFAULT 1,
    series_type        TEXT    NOT NULL DEFAULT 'standard',
    season_folder      INTEGER NOT NULL DEFAULT 1,
    monitored          INTEGER NOT NULL DEFAULT 1,
    monitor_new_items  TEXT    NOT NULL DEFAULT 'all',
    seasons_json       TEXT    NOT NULL DEFAULT '{}',
    tags_json          TEXT    NOT NULL DEFAULT '[]',
    added_at           TEXT    NOT NULL
);
CREATE INDEX sonarr_series_tvdb ON sonarr_series(tvdb_id);

CREATE TABLE sonarr_tags (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    label TEXT    NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE sonarr_requests (
    tvdb_id      INTEGER PRIMARY KEY,
    title        TEXT    NOT NULL DEFAULT '',
    year         INTEGER NOT NULL DEFAULT 0,
    reason       TEXT    NOT NULL DEFAULT '',
    request_json TEXT    NOT NULL DEFAULT '',
    requested_at TEXT    NOT NULL
);
