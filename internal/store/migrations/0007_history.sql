-- Download history (issue 17): one row per finished download, completed or
-- failed, kept apart from the queue so it survives queue clears and
-- restarts until the retention job prunes it. Times are Unix milliseconds
-- (UTC), like the queue's.
CREATE TABLE download_history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_id      TEXT    NOT NULL,
    serie_key     TEXT    NOT NULL,
    serie_name    TEXT    NOT NULL DEFAULT '',
    serie_folder  TEXT    NOT NULL DEFAULT '',
    site          TEXT    NOT NULL DEFAULT '',
    season        INTEGER NOT NULL,
    episode       INTEGER NOT NULL,
    episode_title TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL CHECK (status IN ('completed','failed')),
    error         TEXT    NOT NULL DEFAULT '',
    hoster        TEXT    NOT NULL DEFAULT '',
    language      INTEGER NOT NULL DEFAULT 0,
    file_path     TEXT    NOT NULL DEFAULT '',
    bytes         INTEGER NOT NULL DEFAULT 0,
    transfer_ms   INTEGER NOT NULL DEFAULT 0,   -- time spent transferring, over every try
    failed_tries  INTEGER NOT NULL DEFAULT 0,   -- tries that failed before this outcome
    attempts      TEXT    NOT NULL DEFAULT '[]', -- the queue item's attempt log (JSON)
    added_at      INTEGER NOT NULL DEFAULT 0,
    started_at    INTEGER,
    finished_at   INTEGER NOT NULL
);

-- One index per list the history page asks for, newest first: all, by
-- status, by site, by series. Retention deletes by finished_at too.
CREATE INDEX download_history_recent ON download_history(finished_at DESC, id DESC);
CREATE INDEX download_history_status ON download_history(status, finished_at DESC, id DESC);
CREATE INDEX download_history_site   ON download_history(site, finished_at DESC, id DESC);
CREATE INDEX download_history_series ON download_history(serie_key, finished_at DESC, id DESC);

-- The queue records an outcome by moving an item to completed or failed in
-- one committed statement (store.QueueFinish); this trigger copies the item
-- into the history in that same transaction, so no outcome is lost or
-- recorded twice whatever happens to the process. A failed item retried
-- and failing again is a second failure, and recorded as one. The series'
-- name, folder and site come from the library when the item lacks them.
CREATE TRIGGER queue_items_history AFTER UPDATE OF status ON queue_items
WHEN NEW.status IN ('completed','failed') AND OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO download_history (queue_id, serie_key, serie_name, serie_folder, site, season,
        episode, episode_title, status, error, hoster, language, file_path, bytes, transfer_ms,
        failed_tries, attempts, added_at, started_at, finished_at)
    VALUES (NEW.id, NEW.serie_id,
        COALESCE(NULLIF(NEW.serie_name, ''), (SELECT name FROM series WHERE key = NEW.serie_id), ''),
        COALESCE(NULLIF(NEW.serie_folder, ''), (SELECT folder FROM series WHERE key = NEW.serie_id), ''),
        COALESCE((SELECT site FROM series WHERE key = NEW.serie_id), ''),
        NEW.season, NEW.episode, NEW.episode_title, NEW.status, COALESCE(NEW.error, ''),
        NEW.hoster, NEW.language, NEW.file_path, MAX(NEW.bytes_downloaded, NEW.bytes_total),
        NEW.transfer_ms, NEW.retry_count, NEW.attempts, NEW.added_at, NEW.started_at,
        COALESCE(NEW.completed_at, NEW.updated_at));
END;
