package queue

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/store"
)

var errTransient = errors.New("connection reset")

// tickingClock advances by step on every reading, so that two readings
// in one code path are always different instants — the worst case a real
// clock produces only now and then.
type tickingClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *tickingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *tickingClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// TestDispatchReadsTheClockOnce is the regression test for the lost
// wake-up: an item in backoff falls due exactly between the dispatcher's
// claim and its computation of the next wake-up. With two clock readings
// it was neither claimed (not due at the first) nor scheduled (not in the
// future at the second), so the queue slept until an unrelated poke.
func TestDispatchReadsTheClockOnce(t *testing.T) {
	ctx := context.Background()
	base := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	const step = 10 * time.Millisecond
	clk := &tickingClock{t: base, step: step}
	e := newEnv(t, "", func(o *Options) { o.Now = clk.Now })
	id := e.add("aot", "", "S01E01")[0]
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// Put the item in backoff until due.
	due := base.Add(time.Minute)
	if _, err := e.db.QueueClaim(ctx, clk.Now()); err != nil {
		t.Fatal(err)
	}
	if err := e.db.QueueFinish(ctx, id, store.QueueFinish{Status: anime.StatusPending, RetryCount: 1, NotBefore: due},
		clk.Now()); err != nil {
		t.Fatal(err)
	}

	// The pass's first reading is half a step before due, any second one
	// half a step after.
	clk.set(due.Add(-step / 2))
	var wg sync.WaitGroup
	wait := e.q.dispatch(ctx, &wg)
	wg.Wait()
	if got := e.statusOf(id); got != anime.StatusPending {
		t.Fatalf("status %s after a pass before the item was due, want pending", got)
	}
	if wait != step/2 {
		t.Fatalf("dispatch asks to wake in %v, want %v (the item falls due then); 0 means it was lost", wait, step/2)
	}

	// The wake-up it asked for claims the item.
	clk.set(due)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	e.q.dispatch(runCtx, &wg)
	wg.Wait()
	if got := e.statusOf(id); got != anime.StatusCompleted {
		t.Fatalf("status %s after the wake-up pass, want completed", got)
	}
}

// TestRunWakesForBackoffWithTickingClock runs the whole dispatcher with a
// clock that moves on every reading: a retried item must still complete
// without any poke from outside.
func TestRunWakesForBackoffWithTickingClock(t *testing.T) {
	ctx := context.Background()
	clk := &tickingClock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), step: time.Millisecond}
	e := newEnv(t, "", func(o *Options) { o.Now = clk.Now; o.RetryBackoff = 3 * time.Millisecond })
	e.dl.fail = func(_ anime.Stream, call int) error {
		if call < 3 {
			return errTransient
		}
		return nil
	}
	id := e.add("aot", "", "S01E01")[0]
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.run()
	e.pub.waitFor(t, "completed after two retries", func() bool { return e.statusOf(id) == anime.StatusCompleted })
	if it := e.item(id); it.RetryCount != 2 {
		t.Fatalf("retry_count %d, want 2", it.RetryCount)
	}
}

// TestEngineWarningsReachLogEventAndItem: a download that finished with a
// warning from the engine (ffmpeg missing, kept as .ts) completes, and
// the warning is in the item's attempt log and the download_complete
// event, where the UI and clients see it.
func TestEngineWarningsReachLogEventAndItem(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "", nil)
	const warn = "ffmpeg not available: kept mpegts as .ts"
	e.dl.warnings = []string{warn}
	id := e.add("aot", "", "S01E01")[0]
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.run()
	e.pub.waitFor(t, "completed", func() bool { return len(e.pub.OfType(event.DownloadComplete)) == 1 })
	it := e.item(id)
	last := it.Attempts[len(it.Attempts)-1]
	if it.Status != anime.StatusCompleted || last.Stage != StageDownload || len(last.Warnings) != 1 || last.Warnings[0] != warn {
		t.Fatalf("item %s, last attempt %+v", it.Status, last)
	}
	d := e.pub.OfType(event.DownloadComplete)[0].Data.(event.DownloadData)
	if len(d.Warnings) != 1 || d.Warnings[0] != warn {
		t.Fatalf("download_complete warnings %v", d.Warnings)
	}
	// The completed list the UI renders carries them too (without the log).
	st := e.status()
	if c := st.Status.CompletedDownloads; len(c) != 1 || len(c[0].Warnings) != 1 || c[0].Warnings[0] != warn || c[0].Attempts != nil {
		t.Fatalf("completed list %+v", c)
	}
}
