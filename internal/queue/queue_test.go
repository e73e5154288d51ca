package queue

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/store"
)

func TestParseEpisodeCode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want anime.EpisodeRef
		err  bool
	}{
		{"padded", "S01E01", anime.EpisodeRef{Season: 1, Episode: 1}, false},
		{"lower case", "s02e13", anime.EpisodeRef{Season: 2, Episode: 13}, false},
		{"unpadded", "S1E7", anime.EpisodeRef{Season: 1, Episode: 7}, false},
		{"old detail form", "S01-E05", anime.EpisodeRef{Season: 1, Episode: 5}, false},
		{"compact", "3-12", anime.EpisodeRef{Season: 3, Episode: 12}, false},
		{"movie season", "S00E02", anime.EpisodeRef{Season: 0, Episode: 2}, false},
		{"spaces", "  S01E02 ", anime.EpisodeRef{Season: 1, Episode: 2}, false},
		{"long run", "S01E1071", anime.EpisodeRef{Season: 1, Episode: 1071}, false},
		{"episode zero", "S01E00", anime.EpisodeRef{}, true},
		{"empty", "", anime.EpisodeRef{}, true},
		{"garbage", "episode one", anime.EpisodeRef{}, true},
		{"trailing", "S01E01x", anime.EpisodeRef{}, true},
		{"negative", "S-1E01", anime.EpisodeRef{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEpisodeCode(tt.in)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if err != nil && !errors.Is(err, anime.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func FuzzParseEpisodeCode(f *testing.F) {
	for _, s := range []string{"S01E01", "1-1", "s1e2", "S01-E05", "", "S99999E1", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseEpisodeCode(s)
		if err != nil {
			return
		}
		if ref.Season < 0 || ref.Episode < 1 {
			t.Fatalf("%q parsed to invalid %+v", s, ref)
		}
		again, err := ParseEpisodeCode(ref.String())
		if err != nil || again != ref {
			t.Fatalf("%q -> %v -> %v, %v", s, ref, again, err)
		}
	})
}

func TestAdd(t *testing.T) {
	ep := func(s, e int) anime.EpisodeRef { return anime.EpisodeRef{Season: s, Episode: e} }
	tests := []struct {
		name       string
		first      []anime.EpisodeRef // queued beforehand
		req        AddRequest
		wantAdded  int
		wantFailed []anime.EpisodeRef
		wantErr    error
	}{
		{name: "objects and codes", req: AddRequest{SerieID: "aot", SerieName: "AoT",
			Episodes: []anime.EpisodeRef{ep(1, 1), mustCode(t, "S01E02")}}, wantAdded: 2},
		{name: "duplicate of queued item", first: []anime.EpisodeRef{ep(1, 1)},
			req:       AddRequest{SerieID: "aot", Episodes: []anime.EpisodeRef{ep(1, 1), ep(1, 2)}},
			wantAdded: 1, wantFailed: []anime.EpisodeRef{ep(1, 1)}},
		{name: "duplicate within request", req: AddRequest{SerieID: "aot",
			Episodes: []anime.EpisodeRef{ep(2, 3), ep(2, 3)}}, wantAdded: 1, wantFailed: []anime.EpisodeRef{ep(2, 3)}},
		{name: "same episode other series", first: []anime.EpisodeRef{ep(1, 1)},
			req: AddRequest{SerieID: "other", Episodes: []anime.EpisodeRef{ep(1, 1)}}, wantAdded: 1},
		{name: "invalid episode", req: AddRequest{SerieID: "aot",
			Episodes: []anime.EpisodeRef{ep(1, 0), ep(1, 4)}}, wantAdded: 1, wantFailed: []anime.EpisodeRef{ep(1, 0)}},
		{name: "no series", req: AddRequest{Episodes: []anime.EpisodeRef{ep(1, 1)}}, wantErr: anime.ErrInvalid},
		{name: "no episodes", req: AddRequest{SerieID: "aot"}, wantErr: anime.ErrInvalid},
		{name: "bad priority", req: AddRequest{SerieID: "aot", Priority: "URGENT",
			Episodes: []anime.EpisodeRef{ep(1, 1)}}, wantErr: anime.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, "", nil)
			ctx := context.Background()
			if tt.first != nil {
				if _, _, err := e.q.Add(ctx, AddRequest{SerieID: "aot", Episodes: tt.first}); err != nil {
					t.Fatal(err)
				}
			}
			added, failed, err := e.q.Add(ctx, tt.req)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if len(added) != tt.wantAdded {
				t.Fatalf("added %d, want %d", len(added), tt.wantAdded)
			}
			var gotFailed []anime.EpisodeRef
			for _, f := range failed {
				if f.Error == "" {
					t.Errorf("failed item %v has no reason", f.Episode)
				}
				gotFailed = append(gotFailed, f.Episode)
			}
			if !slices.Equal(gotFailed, tt.wantFailed) {
				t.Fatalf("failed %v, want %v", gotFailed, tt.wantFailed)
			}
			for _, id := range added {
				it := e.item(id)
				if it.Status != anime.StatusPending || it.Priority == "" || it.AddedAt.IsZero() {
					t.Fatalf("stored item %+v", it)
				}
			}
			if got := len(e.pub.OfType(event.DownloadAdded)); got != tt.wantAdded+len(tt.first) {
				t.Fatalf("download_added events = %d, want %d", got, tt.wantAdded+len(tt.first))
			}
		})
	}
}

func mustCode(t *testing.T, s string) anime.EpisodeRef {
	t.Helper()
	r, err := ParseEpisodeCode(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestPriorityOrderAndReorder(t *testing.T) {
	e := newEnv(t, "", nil)
	low := e.add("low", anime.PriorityLow, "S01E01", "S01E02")
	norm := e.add("norm", anime.PriorityNormal, "S01E01", "S01E02", "S01E03")
	high := e.add("high", anime.PriorityHigh, "S01E01")

	want := []string{high[0], norm[0], norm[1], norm[2], low[0], low[1]}
	if got := ids(e.status().Status.PendingQueue); !slices.Equal(got, want) {
		t.Fatalf("pending order %v, want %v", got, want)
	}

	ctx := context.Background()
	tests := []struct {
		name    string
		ids     []string
		wantErr error
		want    []string
	}{
		{"reverse normal", []string{norm[2], norm[1], norm[0]}, nil,
			[]string{high[0], norm[2], norm[1], norm[0], low[0], low[1]}},
		{"subset keeps other slots", []string{norm[0], norm[2]}, nil,
			[]string{high[0], norm[0], norm[1], norm[2], low[0], low[1]}},
		{"priority still first", []string{low[1], low[0], high[0]}, nil,
			[]string{high[0], norm[0], norm[1], norm[2], low[1], low[0]}},
		{"unknown id", []string{norm[0], "nope"}, anime.ErrNotFound,
			[]string{high[0], norm[0], norm[1], norm[2], low[1], low[0]}},
		{"duplicate id", []string{norm[0], norm[0]}, anime.ErrInvalid,
			[]string{high[0], norm[0], norm[1], norm[2], low[1], low[0]}},
		{"empty", nil, anime.ErrInvalid,
			[]string{high[0], norm[0], norm[1], norm[2], low[1], low[0]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.q.Reorder(ctx, tt.ids)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == anime.ErrNotFound && !strings.Contains(err.Error(), "nope") {
				t.Fatalf("error %q does not name the unknown id", err)
			}
			if got := ids(e.status().Status.PendingQueue); !slices.Equal(got, tt.want) {
				t.Fatalf("pending order %v, want %v", got, tt.want)
			}
		})
	}

	// The workers take items in that order.
	final := ids(e.status().Status.PendingQueue)
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.run()
	e.pub.waitFor(t, "all complete", func() bool { return len(e.pub.OfType(event.DownloadComplete)) == len(final) })
	var got []string
	for _, ev := range e.pub.OfType(event.DownloadStarted) {
		got = append(got, ev.Data.(event.DownloadData).DownloadID)
	}
	if !slices.Equal(got, final) {
		t.Fatalf("download order %v, want %v", got, final)
	}
}

func TestStatePersistsAcrossReopen(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name                 string
		action               func(*Service) error
		wantRunning, wantPau bool
		wantEvent            event.Type
	}{
		{"start", func(q *Service) error { return q.Start(ctx) }, true, false, event.QueueStarted},
		{"pause", func(q *Service) error { return q.Pause(ctx) }, true, true, event.QueueStopped},
		{"stop", func(q *Service) error { return q.Stop(ctx) }, false, false, event.QueueStopped},
		{"resume", func(q *Service) error { return q.Resume(ctx) }, true, false, event.QueueStarted},
	}
	dir := t.TempDir()
	first := newEnv(t, dir, nil)
	if r, p := first.q.State(); r || p {
		t.Fatalf("fresh queue running=%v paused=%v, want stopped", r, p)
	}
	first.db.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, dir, nil)
			if err := tt.action(e.q); err != nil {
				t.Fatal(err)
			}
			if len(e.pub.OfType(tt.wantEvent)) != 1 {
				t.Fatalf("no %s event", tt.wantEvent)
			}
			e.db.Close()
			again := newEnv(t, dir, nil)
			r, p := again.q.State()
			st := again.status().Status
			if r != tt.wantRunning || p != tt.wantPau || st.IsRunning != r || st.IsPaused != p {
				t.Fatalf("after reopen running=%v paused=%v (status %v/%v), want %v/%v",
					r, p, st.IsRunning, st.IsPaused, tt.wantRunning, tt.wantPau)
			}
			again.db.Close()
		})
	}
}

func TestPausedOrStoppedQueueStartsNothing(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		action func(*Service) error
		starts bool
	}{
		{"never started", func(*Service) error { return nil }, false},
		{"paused", func(q *Service) error { return q.Pause(ctx) }, false},
		{"stopped", func(q *Service) error { return q.Stop(ctx) }, false},
		{"started", func(q *Service) error { return q.Start(ctx) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, "", nil)
			e.dl.gate = make(chan struct{})
			e.add("aot", "", "S01E01")
			if err := tt.action(e.q); err != nil {
				t.Fatal(err)
			}
			runCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			var wg sync.WaitGroup
			e.q.dispatch(runCtx, &wg)
			st := e.status()
			if got := len(st.Status.ActiveDownloads) == 1; got != tt.starts {
				t.Fatalf("started = %v, want %v", got, tt.starts)
			}
			close(e.dl.gate)
			wg.Wait()
		})
	}
}

func TestPauseLetsActiveFinishThenResume(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "", nil)
	e.dl.gate = make(chan struct{})
	e.dl.started = make(chan string, 4)
	ids := e.add("aot", "", "S01E01", "S01E02")
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.run()
	<-e.dl.started
	if err := e.q.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	close(e.dl.gate)
	e.pub.waitFor(t, "first complete", func() bool { return e.statusOf(ids[0]) == anime.StatusCompleted })
	// The dispatcher ran after the completion (the worker pokes it before
	// publishing); a paused queue leaves the second item pending.
	var wg sync.WaitGroup
	e.q.dispatch(ctx, &wg)
	if got := e.statusOf(ids[1]); got != anime.StatusPending {
		t.Fatalf("second item %s while paused", got)
	}
	if err := e.q.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	e.pub.waitFor(t, "second complete", func() bool { return e.statusOf(ids[1]) == anime.StatusCompleted })
}

func TestRemove(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "", func(o *Options) { o.MaxConcurrent = 1 })
	e.dl.gate = make(chan struct{})
	e.dl.started = make(chan string, 4)
	items := e.add("aot", "", "S01E01", "S01E02", "S01E03", "S01E04")
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.run()
	target := <-e.dl.started
	if _, err := os.Stat(target + ".part"); err != nil {
		t.Fatalf("no partial file while downloading: %v", err)
	}

	t.Run("active item cancels and cleans up", func(t *testing.T) {
		if err := e.q.Remove(ctx, items[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := e.q.Get(ctx, items[0]); !errors.Is(err, anime.ErrNotFound) {
			t.Fatalf("removed item still there: %v", err)
		}
		_, cleanups := e.dl.snapshot()
		if !slices.Contains(cleanups, target) {
			t.Fatalf("cleanup not called for %s: %v", target, cleanups)
		}
		if _, err := os.Stat(target + ".part"); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("partial file left: %v", err)
		}
		if len(e.pub.OfType(event.DownloadRemoved)) != 1 {
			t.Fatal("no download_removed event")
		}
	})
	// The next item starts; the gate holds it.
	<-e.dl.started
	t.Run("unknown item", func(t *testing.T) {
		if err := e.q.Remove(ctx, "nope"); !errors.Is(err, anime.ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("many with unknown removes nothing", func(t *testing.T) {
		err := e.q.RemoveMany(ctx, []string{items[2], "nope"})
		if !errors.Is(err, anime.ErrNotFound) || !strings.Contains(err.Error(), "nope") {
			t.Fatalf("err = %v", err)
		}
		if e.statusOf(items[2]) != anime.StatusPending {
			t.Fatal("item removed despite error")
		}
	})
	t.Run("many pending and active", func(t *testing.T) {
		if err := e.q.RemoveMany(ctx, []string{items[1], items[2], items[3]}); err != nil {
			t.Fatal(err)
		}
		st := e.status()
		if st.Statistics.TotalItems != 0 || len(st.Status.ActiveDownloads) != 0 {
			t.Fatalf("queue not empty: %+v", st.Statistics)
		}
	})
	close(e.dl.gate)
}

func TestClear(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "", func(o *Options) { o.MaxRetries = -1 })
	e.dl.fail = func(s anime.Stream, call int) error {
		if strings.Contains(s.URL, "bad") {
			return errors.New("hoster answered 500")
		}
		return nil
	}
	e.add("good", "", "S01E01", "S01E02")
	e.add("bad", "", "S01E01")
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	stop := e.run()
	e.pub.waitFor(t, "done", func() bool {
		st := e.status().Statistics
		return st.CompletedCount == 2 && st.FailedCount == 1
	})
	stop()
	e.add("later", "", "S01E01", "S01E02", "S01E03")

	tests := []struct {
		name  string
		clear func(context.Context) (int, error)
		want  int
	}{
		{"completed", e.q.ClearCompleted, 2},
		{"failed", e.q.ClearFailed, 1},
		{"pending", e.q.ClearPending, 3},
		{"again", e.q.ClearPending, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := tt.clear(ctx)
			if err != nil || n != tt.want {
				t.Fatalf("cleared %d, %v; want %d", n, err, tt.want)
			}
		})
	}
	if st := e.status().Statistics; st.TotalItems != 0 {
		t.Fatalf("items left: %+v", st)
	}
	// The failed item's partial file went with it; completed files stay.
	_, cleanups := e.dl.snapshot()
	if len(cleanups) != 1 || !strings.Contains(cleanups[0], "bad") {
		t.Fatalf("cleanups %v, want the failed item's only", cleanups)
	}
}

func TestHotQueriesUseIndexes(t *testing.T) {
	e := newEnv(t, "", nil)
	queries := []struct {
		name, sql string
		args      []any
	}{
		// The store's own text: a change to the real queries is checked.
		{"claim", store.QueueClaimSQL, []any{5}},
		{"next wake", store.QueueNextWakeSQL, []any{5}},
		{"pending list", `SELECT id FROM queue_items WHERE status = 'pending' ORDER BY priority_rank DESC, position LIMIT 100`, nil},
		{"recent list", `SELECT id FROM queue_items WHERE status = 'completed' ORDER BY updated_at DESC LIMIT 100`, nil},
	}
	for _, q := range queries {
		t.Run(q.name, func(t *testing.T) {
			rows, err := e.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q.sql, q.args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, notused int
				var detail string
				if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			joined := strings.Join(plan, "; ")
			if !strings.Contains(joined, "USING") || strings.Contains(joined, "TEMP B-TREE") || strings.Contains(joined, "SCAN queue_items") {
				t.Fatalf("plan %q: want an index search without sorting", joined)
			}
		})
	}
}
