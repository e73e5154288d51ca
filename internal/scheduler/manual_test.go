package scheduler

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestTriggerRunsManualRescan: a user's trigger runs ManualRescan (which
// bypasses caches), the interval's tick runs Rescan.
func TestTriggerRunsManualRescan(t *testing.T) {
	var mu sync.Mutex
	var calls []string
	record := func(name string) func(context.Context) (any, error) {
		return func(context.Context) (any, error) {
			mu.Lock()
			calls = append(calls, name)
			mu.Unlock()
			return nil, nil
		}
	}
	results := make(chan Result, 4)
	clk := newFakeClock()
	sc, err := New(Options{Rescan: record("cached"), ManualRescan: record("fresh"), Clock: clk,
		OnResult: func(r Result) { results <- r }}, Settings{Enabled: true, IntervalMinutes: 10})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sc.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	wait := func(trigger string) {
		t.Helper()
		select {
		case r := <-results:
			if r.Trigger != trigger {
				t.Fatalf("result of trigger %q, want %q", r.Trigger, trigger)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no %s rescan", trigger)
		}
	}
	clk.waitArmed(t, 10*time.Minute)
	if err := sc.Trigger(); err != nil {
		t.Fatal(err)
	}
	wait("manual")
	clk.waitArmed(t, 10*time.Minute)
	clk.Advance(10 * time.Minute)
	wait("scheduled")
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 2 || calls[0] != "fresh" || calls[1] != "cached" {
		t.Fatalf("calls %v, want [fresh cached]", calls)
	}
}
