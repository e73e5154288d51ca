package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestSetQueuePriority(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	items := []QueueItem{
		{ID: "a", SerieID: "s", Season: 1, Episode: 1, Status: anime.StatusPending, Priority: anime.PriorityNormal, AddedAt: now},
		{ID: "b", SerieID: "s", Season: 1, Episode: 2, Status: anime.StatusPending, Priority: anime.PriorityNormal, AddedAt: now},
	}
	if _, err := db.QueueInsert(ctx, items); err != nil {
		t.Fatal(err)
	}
	if err := db.SetQueuePriority(ctx, "b", anime.PriorityHigh, now); err != nil {
		t.Fatal(err)
	}
	claimed, err := db.QueueClaim(ctx, now)
	if err != nil || claimed.ID != "b" || claimed.Priority != anime.PriorityHigh {
		t.Fatalf("claimed %+v, %v; want b at HIGH", claimed, err)
	}
	tests := []struct {
		name string
		id   string
		want error
	}{
		{"no longer pending", "b", anime.ErrConflict},
		{"unknown", "zz", anime.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := db.SetQueuePriority(ctx, tc.id, anime.PriorityLow, now); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}
