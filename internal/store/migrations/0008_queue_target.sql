-- The download target the library named for a queue item, stored once (internal/queue
-- README, "Targets"): target_rel is the slash-separated path inside the series folder,
-- beside the absolute target_path. Rows from before this migration have '' and get the
-- target computed once on their next try.
ALTER TABLE queue_items ADD COLUMN target_rel TEXT NOT NULL DEFAULT '';
