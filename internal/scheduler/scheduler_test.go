package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// fakeClock is a manual clock: timers fire only when Advance passes them.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	armed  chan time.Duration // every NewTimer's duration, for the test to wait on
}

type fakeTimer struct {
	clk     *fakeClock
	c       chan time.Time
	at      time.Time
	stopped bool
	fired   bool
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }
func (t *fakeTimer) Stop() bool {
	t.clk.mu.Lock()
	defer t.clk.mu.Unlock()
	was := !t.stopped && !t.fired
	t.stopped = true
	return was
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC), armed: make(chan time.Duration, 1000)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	t := &fakeTimer{clk: c, c: make(chan time.Time, 1), at: c.now.Add(d)}
	c.timers = append(c.timers, t)
	if d <= 0 { // like time.NewTimer: due at once
		t.fired = true
		t.c <- c.now
	}
	c.mu.Unlock()
	c.armed <- d
	return t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for _, t := range c.timers {
		if !t.stopped && !t.fired && !t.at.After(c.now) {
			t.fired = true
			t.c <- c.now
		}
	}
}

// waitArmed waits until the scheduler arms a timer of exactly want.
func (c *fakeClock) waitArmed(t *testing.T, want time.Duration) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case d := <-c.armed:
			if d == want {
				return
			}
		case <-deadline:
			t.Fatalf("no timer of %v armed", want)
		}
	}
}

// fakeLibrary counts rescans; each one blocks until released when gated.
type fakeLibrary struct {
	mu       sync.Mutex
	scans    int
	started  chan struct{}
	release  chan struct{}
	gated    bool
	scanning bool
	queued   int
	fail     error
	results  chan Result
}

func newFakeLibrary(gated bool) *fakeLibrary {
	return &fakeLibrary{started: make(chan struct{}, 100), release: make(chan struct{}), gated: gated,
		results: make(chan Result, 100)}
}

func (l *fakeLibrary) rescan(ctx context.Context) (any, error) {
	l.mu.Lock()
	l.scans++
	n := l.scans
	l.mu.Unlock()
	l.started <- struct{}{}
	if l.gated {
		select {
		case <-l.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return map[string]int{"scan": n}, l.fail
}

func (l *fakeLibrary) queueMissing(ctx context.Context) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.queued++
	return 7, nil
}

func (l *fakeLibrary) isScanning() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.scanning
}

func (l *fakeLibrary) count() (scans, queued int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.scans, l.queued
}

func startScheduler(t *testing.T, lib *fakeLibrary, s Settings) (*Scheduler, *fakeClock, func()) {
	t.Helper()
	clk := newFakeClock()
	sc, err := New(Options{Rescan: lib.rescan, Scanning: lib.isScanning, QueueMissing: lib.queueMissing, Clock: clk,
		OnResult: func(r Result) { lib.results <- r }}, s)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sc.Run(ctx); close(done) }()
	stop := func() { cancel(); <-done }
	t.Cleanup(stop)
	return sc, clk, stop
}

// waitIdle waits for the result of rescan number runs.
func waitIdle(t *testing.T, sc *Scheduler, lib *fakeLibrary, runs int) Status {
	t.Helper()
	select {
	case r := <-lib.results:
		if got := r.Summary.(map[string]int)["scan"]; got != runs {
			t.Fatalf("result of rescan %d, want %d", got, runs)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("rescan %d did not finish", runs)
	}
	return sc.Status()
}

func TestIntervalAndLiveReconfigure(t *testing.T) {
	lib := newFakeLibrary(false)
	sc, clk, _ := startScheduler(t, lib, Settings{Enabled: true, IntervalMinutes: 60})
	clk.waitArmed(t, 60*time.Minute)
	if st := sc.Status(); st.NextRun == nil || !st.NextRun.Equal(clk.Now().Add(time.Hour)) {
		t.Fatalf("next run %v", st.NextRun)
	}
	clk.Advance(59 * time.Minute)
	if n, _ := lib.count(); n != 0 {
		t.Fatal("rescan before the interval")
	}
	clk.Advance(time.Minute)
	<-lib.started
	st := waitIdle(t, sc, lib, 1)
	if st.LastResult.Trigger != "scheduled" || st.LastResult.Status != "success" || st.LastRun == nil {
		t.Fatalf("result %+v", st.LastResult)
	}
	clk.waitArmed(t, 60*time.Minute) // counted from the end of the run

	// Live: a shorter interval re-arms at once, counted from the last run.
	sc.Configure(Settings{Enabled: true, IntervalMinutes: 5})
	clk.waitArmed(t, 5*time.Minute)
	clk.Advance(5 * time.Minute)
	<-lib.started
	waitIdle(t, sc, lib, 2)

	// Disabled: no timer, no next run, no rescans however long we wait.
	sc.Configure(Settings{Enabled: false, IntervalMinutes: 5})
	if sc.Status().NextRun != nil {
		t.Fatal("next run while disabled")
	}
	clk.Advance(24 * time.Hour)
	if n, _ := lib.count(); n != 2 {
		t.Fatalf("%d rescans while disabled", n)
	}
	// Re-enabled after a run: a due run starts at once.
	sc.Configure(Settings{Enabled: true, IntervalMinutes: 5})
	clk.waitArmed(t, 0)
	<-lib.started
	waitIdle(t, sc, lib, 3)
}

func TestTriggerConflictsWhileRunning(t *testing.T) {
	lib := newFakeLibrary(true)
	sc, _, _ := startScheduler(t, lib, Settings{Enabled: false, IntervalMinutes: 60})
	if err := sc.Trigger(); err != nil {
		t.Fatal(err)
	}
	<-lib.started
	if err := sc.Trigger(); !errors.Is(err, ErrRunning) || !errors.Is(err, anime.ErrConflict) {
		t.Fatalf("second trigger: %v", err)
	}
	lib.release <- struct{}{}
	st := waitIdle(t, sc, lib, 1)
	if st.LastResult.Trigger != "manual" {
		t.Fatalf("trigger %q", st.LastResult.Trigger)
	}
	// The library scanning for another reason also conflicts.
	lib.mu.Lock()
	lib.scanning = true
	lib.mu.Unlock()
	if err := sc.Trigger(); !errors.Is(err, ErrRunning) {
		t.Fatalf("trigger while the library scans: %v", err)
	}
	if n, _ := lib.count(); n != 1 {
		t.Fatalf("%d rescans, want 1", n)
	}
}

func TestScheduledTickSkippedWhileLibraryScans(t *testing.T) {
	lib := newFakeLibrary(false)
	lib.scanning = true
	sc, clk, _ := startScheduler(t, lib, Settings{Enabled: true, IntervalMinutes: 10})
	clk.waitArmed(t, 10*time.Minute)
	clk.Advance(10 * time.Minute)
	clk.waitArmed(t, 10*time.Minute) // skipped; counted again from now
	if n, _ := lib.count(); n != 0 || sc.Status().LastRun != nil {
		t.Fatal("rescan ran while the library was scanning")
	}
}

func TestAutoDownloadMissing(t *testing.T) {
	tests := []struct {
		name       string
		auto       bool
		fail       error
		wantQueued int
		wantStatus string
	}{
		{"off", false, nil, 0, "success"},
		{"on", true, nil, 1, "success"},
		{"rescan failed", true, errors.New("disk gone"), 0, "failed"},
		{"rescan skipped", true, fmt.Errorf("%w: no anime directory", ErrSkip), 0, "skipped"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lib := newFakeLibrary(false)
			lib.fail = tc.fail
			sc, _, _ := startScheduler(t, lib, Settings{Enabled: false, IntervalMinutes: 60, AutoDownloadMissing: tc.auto})
			if err := sc.Trigger(); err != nil {
				t.Fatal(err)
			}
			<-lib.started
			st := waitIdle(t, sc, lib, 1)
			if _, q := lib.count(); q != tc.wantQueued {
				t.Fatalf("queue-missing called %d times", q)
			}
			if st.LastResult.Status != tc.wantStatus {
				t.Fatalf("status %q: %s", st.LastResult.Status, st.LastResult.Message)
			}
			if tc.wantQueued > 0 && st.LastResult.Queued != 7 {
				t.Fatalf("queued %d", st.LastResult.Queued)
			}
		})
	}
}

func TestShutdownCancelsAndWaits(t *testing.T) {
	lib := newFakeLibrary(true)
	sc, _, stop := startScheduler(t, lib, Settings{Enabled: true, IntervalMinutes: 60})
	if err := sc.Trigger(); err != nil {
		t.Fatal(err)
	}
	<-lib.started
	stop() // returns only after the rescan saw ctx cancelled and ended
	st := sc.Status()
	if st.Running || st.LastResult == nil || st.LastResult.Status != "failed" {
		t.Fatalf("after shutdown: %+v", st)
	}
	if err := sc.Trigger(); !errors.Is(err, anime.ErrUnavailable) {
		t.Fatalf("trigger after shutdown: %v", err)
	}
}

func TestEvery(t *testing.T) {
	clk := newFakeClock()
	ctx, cancel := context.WithCancel(context.Background())
	calls := make(chan struct{}, 10)
	done := make(chan struct{})
	go func() {
		Every(ctx, clk, time.Hour, func(context.Context) { calls <- struct{}{} })
		close(done)
	}()
	<-calls // at once
	clk.waitArmed(t, time.Hour)
	clk.Advance(time.Hour)
	<-calls
	clk.waitArmed(t, time.Hour)
	cancel()
	<-done
	if len(calls) != 0 {
		t.Fatal("extra call")
	}
}

func TestEveryOrWake(t *testing.T) {
	clk := newFakeClock()
	ctx, cancel := context.WithCancel(context.Background())
	calls := make(chan struct{}, 10)
	wake := make(chan struct{})
	done := make(chan struct{})
	go func() {
		EveryOrWake(ctx, clk, time.Hour, wake, func(context.Context) { calls <- struct{}{} })
		close(done)
	}()
	<-calls // at once
	clk.waitArmed(t, time.Hour)
	wake <- struct{}{} // a check now, long before the hour
	<-calls
	clk.waitArmed(t, time.Hour)
	clk.Advance(time.Hour)
	<-calls
	clk.waitArmed(t, time.Hour)
	cancel()
	<-done
	if len(calls) != 0 {
		t.Fatal("extra call")
	}
}
