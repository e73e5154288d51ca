-- Monitoring per series: what to follow and in which language,
-- the episodes the site has shown (with the first time each language was
-- seen, for the Dub -> Sub fallback), and a short history of what was found
-- and downloaded (the calendar feed). Times are RFC 3339 UTC text.
CREATE TABLE series_monitor (
    series_key      TEXT    PRIMARY KEY REFERENCES series(key) ON DELETE CASCADE,
    mode            TEXT    NOT NULL DEFAULT 'none' CHECK (mode IN ('all','future','none')),
    languages_json  TEXT    NOT NULL DEFAULT '[]',
    fallback_days   INTEGER NOT NULL DEFAULT 0,
    movies          INTEGER NOT NULL DEFAULT 0,
    specials        INTEGER NOT NULL DEFAULT 0,
    upgrade         INTEGER NOT NULL DEFAULT 0,
    monitored_since TEXT    NOT NULL,
    next_refresh_at TEXT    NOT NULL DEFAULT '',
    last_refresh_at TEXT    NOT NULL DEFAULT '',
    last_error      TEXT    NOT NULL DEFAULT '',
    updated_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX series_monitor_due ON series_monitor(mode, next_refresh_at);

-- Every episode a refresh saw. baseline: it was already listed when the
-- series was first refreshed (monitor "future" skips those). languages_json
-- maps a language name to when it was first seen.
CREATE TABLE monitor_episodes (
    series_key      TEXT    NOT NULL REFERENCES series(key) ON DELETE CASCADE,
    season          INTEGER NOT NULL,
    episode         INTEGER NOT NULL,
    title           TEXT    NOT NULL DEFAULT '',
    first_seen_at   TEXT    NOT NULL,
    baseline        INTEGER NOT NULL DEFAULT 0,
    languages_json  TEXT    NOT NULL DEFAULT '{}',
    queued_language TEXT    NOT NULL DEFAULT '',
    queued_at       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (series_key, season, episode)
);

-- What happened, newest last: kind is 'found' (a new episode), 'language'
-- (a new language of a known episode), 'queued' or 'downloaded'.
CREATE TABLE monitor_history (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    series_key TEXT    NOT NULL,
    series_name TEXT   NOT NULL DEFAULT '',
    season     INTEGER NOT NULL,
    episode    INTEGER NOT NULL,
    title      TEXT    NOT NULL DEFAULT '',
    language   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX monitor_history_at ON monitor_history(at);
