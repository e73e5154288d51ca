-- The persistent download queue (internal/queue). Times are Unix milliseconds (UTC).
CREATE TABLE queue_items (
    id               TEXT PRIMARY KEY,
    serie_id         TEXT NOT NULL,
    serie_folder     TEXT NOT NULL DEFAULT '',
    serie_name       TEXT NOT NULL DEFAULT '',
    season           INTEGER NOT NULL CHECK (season >= 0),
    episode          INTEGER NOT NULL CHECK (episode >= 0),
    episode_title    TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('pending','downloading','paused','completed','failed','cancelled')),
    priority         TEXT NOT NULL CHECK (priority IN ('LOW','NORMAL','HIGH')),
    priority_rank    INTEGER NOT NULL,
    position         INTEGER NOT NULL,
    added_at         INTEGER NOT NULL,
    started_at       INTEGER,
    completed_at     INTEGER,
    updated_at       INTEGER NOT NULL,
    not_before       INTEGER NOT NULL DEFAULT 0,   -- retry backoff: not claimed before this time
    error            TEXT,
    retry_count      INTEGER NOT NULL DEFAULT 0,
    source_url       TEXT,
    hoster           TEXT NOT NULL DEFAULT '',
    language         INTEGER NOT NULL DEFAULT 0,
    target_path      TEXT NOT NULL DEFAULT '',     -- where the download writes (<target>.part while running)
    file_path        TEXT NOT NULL DEFAULT '',     -- the finished file
    bytes_downloaded INTEGER NOT NULL DEFAULT 0,
    bytes_total      INTEGER NOT NULL DEFAULT 0,
    transfer_ms      INTEGER NOT NULL DEFAULT 0,   -- time spent transferring, over every try
    attempts         TEXT NOT NULL DEFAULT '[]'    -- JSON attempt log (hoster/language fallbacks, download errors)
);

-- Claim order and the capped lists of Status.
CREATE INDEX queue_items_order ON queue_items(status, priority_rank DESC, position);
CREATE INDEX queue_items_recent ON queue_items(status, updated_at DESC);
-- The next retry to wake up for.
CREATE INDEX queue_items_backoff ON queue_items(status, not_before);
-- One live item per episode: a second add of a queued or running episode is refused.
CREATE UNIQUE INDEX queue_items_live_episode ON queue_items(serie_id, season, episode)
    WHERE status IN ('pending','downloading','paused');

-- The queue's own state: whether the user left it running or paused, and the
-- next free position.
CREATE TABLE queue_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    is_running    INTEGER NOT NULL DEFAULT 0,
    is_paused     INTEGER NOT NULL DEFAULT 0,
    next_position INTEGER NOT NULL DEFAULT 1,
    updated_at    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO queue_state(id) VALUES (1);

-- Per-status counters kept by triggers in the same transaction as every
-- change, so statistics cost a 6-row read whatever the queue's size.
CREATE TABLE queue_stats (
    status      TEXT PRIMARY KEY,
    items       INTEGER NOT NULL DEFAULT 0,
    bytes       INTEGER NOT NULL DEFAULT 0,
    transfer_ms INTEGER NOT NULL DEFAULT 0
);
INSERT INTO queue_stats(status) VALUES ('pending'),('downloading'),('paused'),('completed'),('failed'),('cancelled');

CREATE TRIGGER queue_items_stats_insert AFTER INSERT ON queue_items BEGIN
    UPDATE queue_stats SET items = items + 1, bytes = bytes + NEW.bytes_downloaded,
        transfer_ms = transfer_ms + NEW.transfer_ms WHERE status = NEW.status;
END;

CREATE TRIGGER queue_items_stats_delete AFTER DELETE ON queue_items BEGIN
    UPDATE queue_stats SET items = items - 1, bytes = bytes - OLD.bytes_downloaded,
        transfer_ms = transfer_ms - OLD.transfer_ms WHERE status = OLD.status;
END;

CREATE TRIGGER queue_items_stats_update AFTER UPDATE OF status, bytes_downloaded, transfer_ms ON queue_items BEGIN
    UPDATE queue_stats SET items = items - 1, bytes = bytes - OLD.bytes_downloaded,
        transfer_ms = transfer_ms - OLD.transfer_ms WHERE status = OLD.status;
    UPDATE queue_stats SET items = items + 1, bytes = bytes + NEW.bytes_downloaded,
        transfer_ms = transfer_ms + NEW.transfer_ms WHERE status = NEW.status;
END;
