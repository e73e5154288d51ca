-- The library page's poster grid (issue 17): the orders and filters of
-- GET /api/anime beyond name/key/missing, each an index walk at 10,000
-- series. downloaded_at is when the last episode download of the series
-- finished ('' for never), set by AddEpisodeFile; seeded from the queue.
ALTER TABLE series ADD COLUMN downloaded_at TEXT NOT NULL DEFAULT '';
UPDATE series SET downloaded_at = COALESCE((
    SELECT strftime('%Y-%m-%dT%H:%M:%fZ', MAX(q.completed_at) / 1000.0, 'unixepoch')
    FROM queue_items q WHERE q.serie_id = series.key AND q.status = 'completed' AND q.completed_at IS NOT NULL), '');

CREATE INDEX series_by_year ON series(year, name COLLATE NOCASE, key);
CREATE INDEX series_by_added ON series(added_at, key);
CREATE INDEX series_by_downloaded ON series(downloaded_at, key);
CREATE INDEX series_by_site ON series(site, name COLLATE NOCASE, key);
-- Per-series queue state (downloading / failed badges and filters).
CREATE INDEX queue_items_by_series ON queue_items(serie_id, status);
