package queue

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/store"
)

// TestTriggerTotalsMatchTable drives the store's queue operations in a
// seeded random order and checks after every step that the trigger-kept
// totals equal what the table itself says.
func TestTriggerTotalsMatchTable(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			r := rand.New(rand.NewPCG(seed, 99))
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			var ids, claimed []string
			succeeded := map[string]int{}
			pick := func() string {
				if len(ids) == 0 {
					return "none"
				}
				return ids[r.IntN(len(ids))]
			}
			ops := []struct {
				name string
				do   func() error
			}{
				{"insert", func() error {
					var items []store.QueueItem
					for i := 0; i < 1+r.IntN(4); i++ {
						id := fmt.Sprintf("id-%d", len(ids)+i)
						items = append(items, store.QueueItem{ID: id, SerieID: "s", Season: 1, Episode: 1 + r.IntN(20),
							Priority: []anime.Priority{anime.PriorityLow, anime.PriorityNormal, anime.PriorityHigh}[r.IntN(3)], AddedAt: now})
					}
					ok, err := db.QueueInsert(ctx, items)
					for i, it := range items {
						if err == nil && ok[i] {
							ids = append(ids, it.ID)
						}
					}
					return err
				}},
				{"claim", func() error {
					it, err := db.QueueClaim(ctx, now)
					if err == nil {
						claimed = append(claimed, it.ID)
					}
					return err
				}},
				{"progress", func() error { return db.QueueProgress(ctx, pick(), int64(r.IntN(1000)), 1000) }},
				{"finish", func() error {
					st := []anime.Status{anime.StatusCompleted, anime.StatusFailed, anime.StatusPending}[r.IntN(3)]
					id := pick()
					if len(claimed) > 0 && r.IntN(4) > 0 {
						id = claimed[r.IntN(len(claimed))]
					}
					return db.QueueFinish(ctx, id, store.QueueFinish{Status: st, AddTransferMS: int64(r.IntN(500)),
						BytesDownloaded: int64(r.IntN(1000)), BytesTotal: 1000}, now)
				}},
				{"delete", func() error {
					_, err := db.QueueDelete(ctx, pick())
					return err
				}},
				{"delete running", func() error {
					_, err := db.QueueDeleteRunning(ctx, pick())
					return err
				}},
				{"retry", func() error {
					_, err := db.QueueRetry(ctx, nil, now)
					return err
				}},
				{"clear", func() error {
					_, err := db.QueueDeleteStatus(ctx, []anime.Status{anime.StatusCompleted, anime.StatusFailed, anime.StatusPending}[r.IntN(3)])
					return err
				}},
				{"recover", func() error {
					_, err := db.QueueRecover(ctx, now)
					return err
				}},
				{"reorder", func() error { return db.QueueReorder(ctx, []string{pick(), pick()}, now) }},
			}
			for step := 0; step < 300; step++ {
				op := ops[r.IntN(len(ops))]
				err := op.do()
				if err != nil && !errors.Is(err, anime.ErrNotFound) &&
					!errors.Is(err, anime.ErrConflict) && !errors.Is(err, anime.ErrInvalid) {
					t.Fatalf("step %d %s: %v", step, op.name, err)
				}
				if err == nil {
					succeeded[op.name]++
				}
				agg, err := db.QueueStats(ctx)
				if err != nil {
					t.Fatal(err)
				}
				want := map[anime.Status]store.QueueAggregate{}
				rows, err := db.QueryContext(ctx, `SELECT status, COUNT(*), SUM(bytes_downloaded), SUM(transfer_ms)
					FROM queue_items GROUP BY status`)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var s string
					var a store.QueueAggregate
					if err := rows.Scan(&s, &a.Items, &a.Bytes, &a.TransferMS); err != nil {
						t.Fatal(err)
					}
					want[anime.Status(s)] = a
				}
				rows.Close()
				for st, a := range agg {
					if a != want[st] {
						t.Fatalf("step %d %s: %s totals %+v, table says %+v", step, op.name, st, a, want[st])
					}
				}
				// No episode is live twice.
				var dup int
				if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM queue_items
					WHERE status IN ('pending','downloading') GROUP BY serie_id, season, episode HAVING COUNT(*) > 1)`).Scan(&dup); err != nil || dup != 0 {
					t.Fatalf("step %d %s: %d duplicated live episodes, %v", step, op.name, dup, err)
				}
			}
			for _, op := range ops {
				if succeeded[op.name] == 0 {
					t.Errorf("operation %s never succeeded: the sequence does not exercise it", op.name)
				}
			}
		})
	}
}
