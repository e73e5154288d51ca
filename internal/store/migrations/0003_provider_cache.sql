-- Parsed provider pages (series, season, episode) as JSON, keyed by
-- "<site>|<series key>|<kind>[|…]", so a library rescan does not re-fetch unchanged
-- data. fetched_at is Unix milliseconds; freshness (TTL) is the reader's call.
CREATE TABLE provider_cache (
    key        TEXT PRIMARY KEY,
    data       BLOB NOT NULL,
    fetched_at INTEGER NOT NULL
);
CREATE INDEX provider_cache_fetched_at ON provider_cache(fetched_at);
