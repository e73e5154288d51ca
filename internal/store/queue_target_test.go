package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/aniworld/aniworld/internal/anime"
)

// TestQueueTargetStored: the target a try records (absolute and inside
// the series folder) is read back with the item, and QueueClaimID claims
// only the named item, only while it is pending and due.
func TestQueueTargetStored(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.UnixMilli(1_700_000_000_000)
	items := []QueueItem{
		{ID: "a", SerieID: "s", Season: 1, Episode: 1, Priority: anime.PriorityHigh, AddedAt: now},
		{ID: "b", SerieID: "s", Season: 1, Episode: 2, Priority: anime.PriorityNormal, AddedAt: now},
	}
	if _, err := db.QueueInsert(ctx, items); err != nil {
		t.Fatal(err)
	}
	// "b" is claimed although "a" runs first in queue order.
	it, err := db.QueueClaimID(ctx, "b", now)
	if err != nil || it.ID != "b" || it.Status != anime.StatusDownloading || it.TargetRel != "" {
		t.Fatalf("claim b: %+v %v", it, err)
	}
	if _, err := db.QueueClaimID(ctx, "b", now); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("claiming a running item again: %v", err)
	}
	abs := filepath.Join(t.TempDir(), "Show", "Season 01", "Show - S01E02.mp4")
	if err := db.QueueSetStream(ctx, "b", "VOE", anime.LangGermanSub, "http://x/y", abs, "Season 01/Show - S01E02.mp4", now); err != nil {
		t.Fatal(err)
	}
	got, err := db.QueueGet(ctx, "b")
	if err != nil || got.TargetPath != abs || got.TargetRel != "Season 01/Show - S01E02.mp4" || got.Language != anime.LangGermanSub {
		t.Fatalf("stored target: %+v %v", got, err)
	}
	// Back to pending with a backoff: not claimable before it ends.
	if err := db.QueueFinish(ctx, "b", QueueFinish{Status: anime.StatusPending, NotBefore: now.Add(time.Minute)}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.QueueClaimID(ctx, "b", now); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("claimed during its backoff: %v", err)
	}
	if it, err := db.QueueClaimID(ctx, "b", now.Add(time.Minute)); err != nil || it.TargetRel != "Season 01/Show - S01E02.mp4" {
		t.Fatalf("claim after the backoff: %+v %v", it, err)
	}
	if _, err := db.QueueClaimID(ctx, "nope", now); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	// The live item of an episode, until it is finished.
	if it, err := db.QueueLiveItem(ctx, "s", 1, 2); err != nil || it.ID != "b" {
		t.Fatalf("live item: %+v %v", it, err)
	}
	if err := db.QueueFinish(ctx, "b", QueueFinish{Status: anime.StatusCompleted}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.QueueLiveItem(ctx, "s", 1, 2); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("a completed item is live: %v", err)
	}
	if _, err := db.QueueLiveItem(ctx, "s", 1, 9); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("unqueued episode: %v", err)
	}
}

// TestQueueTargetOldRows: a row written without target_rel (as every row
// from before migration 0008) reads back with an empty TargetRel, which
// the queue takes as "name it once more".
func TestQueueTargetOldRows(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `INSERT INTO queue_items (id, serie_id, season, episode, status, priority,
		priority_rank, position, added_at, updated_at, target_path) VALUES ('old','s',1,1,'pending','NORMAL',1,1,1,1,'/lib/Show/x.mp4')`); err != nil {
		t.Fatal(err)
	}
	it, err := db.QueueGet(ctx, "old")
	if err != nil || it.TargetPath != "/lib/Show/x.mp4" || it.TargetRel != "" {
		t.Fatalf("old row: %+v %v", it, err)
	}
}

// TestMigrationArrivingLate: a database that recorded higher migrations
// before 0008 existed (numbers are reserved per feature and land in any
// order) gets 0008 applied when it opens.
func TestMigrationArrivingLate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	// The database as a build without 0008 but with every later one left it.
	for _, q := range []string{`ALTER TABLE queue_items DROP COLUMN target_rel`, `DELETE FROM schema_migrations WHERE version = 8`} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	db, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = 8`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("0008 recorded %d times, %v", n, err)
	}
	if _, err := db.QueueInsert(ctx, []QueueItem{{ID: "a", SerieID: "s", Season: 1, Episode: 1, Priority: anime.PriorityNormal, AddedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if it, err := db.QueueGet(ctx, "a"); err != nil || it.TargetRel != "" {
		t.Fatalf("after the late migration: %+v %v", it, err)
	}
}
