-- The series page (issue 17): the queue items of one series are read by
-- series key, and a download started from the page may ask for one
-- language for an episode (the resolver tries that language only).
CREATE INDEX queue_items_series ON queue_items(serie_id, season, episode);

CREATE TABLE episode_language_requests (
    series_key   TEXT    NOT NULL REFERENCES series(key) ON DELETE CASCADE,
    season       INTEGER NOT NULL,
    episode      INTEGER NOT NULL,
    language     INTEGER NOT NULL,
    requested_at INTEGER NOT NULL, -- unix milliseconds
    PRIMARY KEY (series_key, season, episode)
);
