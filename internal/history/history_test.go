package history

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/store"
)

// finish takes one item through the queue's statements to an outcome;
// the store's trigger records it.
func finish(t *testing.T, db *store.DB, id string, status anime.Status, failedTries int, at time.Time) {
	t.Helper()
	ctx := context.Background()
	it := store.QueueItem{ID: id, SerieID: "naruto", SerieName: "Naruto", Season: 1, Episode: len(id), Priority: anime.PriorityNormal, AddedAt: at}
	if _, err := db.QueueInsert(ctx, []store.QueueItem{it}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.QueueClaim(ctx, at); err != nil {
		t.Fatal(err)
	}
	if err := db.QueueSetStream(ctx, id, "VOE", anime.LangGermanDub, "", "/x", "x", at); err != nil {
		t.Fatal(err)
	}
	f := store.QueueFinish{Status: status, RetryCount: failedTries, AddTransferMS: 8000, BytesDownloaded: 16 << 20,
		Attempts: []byte(`[{"stage":"download","hoster":"VOE","language":"German Dub","ok":false,"error":"HTTP 503","at":"2026-12-01T10:00:00Z"}]`)}
	if status == anime.StatusFailed {
		msg := "boom"
		f.Error = &msg
	} else {
		f.CompletedAt = &at
	}
	if err := db.QueueFinish(ctx, id, f, at); err != nil {
		t.Fatal(err)
	}
}

func TestEntries(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	finish(t, db, "ok", anime.StatusCompleted, 1, t0)
	finish(t, db, "bad", anime.StatusFailed, 3, t0.Add(time.Minute))
	s, err := New(Options{Store: db, DefaultSite: "aniworld.to"})
	if err != nil {
		t.Fatal(err)
	}
	list, total, err := s.List(ctx, Query{PerPage: 10})
	if err != nil || total != 2 {
		t.Fatalf("list: %d, %v", total, err)
	}
	bad, ok := list[0], list[1]
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"failed tries", bad.Tries, 3},
		{"completed tries count the last one", ok.Tries, 2},
		{"size", ok.SizeMB, 16.0},
		{"duration", ok.DurationSeconds, 8.0},
		{"average speed", math.Round(ok.AverageSpeedMbps*100) / 100, 2.0},
		{"language", ok.Language, "German Dub"},
		{"site of a series not in the library", ok.Site, "aniworld.to"},
		{"failed log in the list", len(bad.Attempts), 1},
		{"failed log decoded", bad.Attempts[0].Hoster + bad.Attempts[0].Error, "VOEHTTP 503"},
		{"no completed log in the list", len(ok.Attempts), 0},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	full, err := s.Get(ctx, ok.ID)
	if err != nil || len(full.Attempts) != 1 {
		t.Errorf("get: %+v, %v", full, err)
	}
	if _, _, err := s.List(ctx, Query{Status: anime.StatusPending}); !errors.Is(err, anime.ErrInvalid) {
		t.Errorf("status pending: %v, want ErrInvalid", err)
	}
	if _, err := s.Get(ctx, 404); !errors.Is(err, anime.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
}

func TestPrune(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		policy Retention
		left   int
	}{
		{"off", Retention{}, 3},
		{"by age", Retention{MaxAge: 36 * time.Hour}, 2},
		{"by count", Retention{MaxEntries: 1}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, err := store.Open(ctx, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			for i, id := range []string{"a", "bb", "ccc"} {
				finish(t, db, id, anime.StatusCompleted, 0, t0.Add(time.Duration(i)*24*time.Hour))
			}
			now := t0.Add(50 * time.Hour)
			s, _ := New(Options{Store: db, Now: func() time.Time { return now }, Retention: func() Retention { return tc.policy }})
			if _, err := s.Prune(ctx); err != nil {
				t.Fatal(err)
			}
			if _, total, _ := s.List(ctx, Query{PerPage: 10}); total != tc.left {
				t.Errorf("%d left, want %d", total, tc.left)
			}
		})
	}
}
