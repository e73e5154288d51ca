package metadata

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestBacklogKeepsEveryJob: far more jobs than the old 1,024-slot channel
// held arrive while the worker is busy; every distinct one runs once, in
// order, and a repeated key runs its latest job only once.
func TestBacklogKeepsEveryJob(t *testing.T) {
	b := NewBacklog()
	var mu sync.Mutex
	var ran []string
	record := func(s string) func(context.Context) {
		return func(context.Context) { mu.Lock(); ran = append(ran, s); mu.Unlock() }
	}
	const n = 3000
	for i := range n {
		b.Add(fmt.Sprintf("episode/%d", i), record(fmt.Sprint(i)))
	}
	b.Add("episode/7", record("7 again")) // still waiting: replaced, not queued twice
	if b.Len() != n {
		t.Fatalf("backlog holds %d, want %d", b.Len(), n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- b.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for b.Len() > 0 || func() bool { mu.Lock(); defer mu.Unlock(); return len(ran) < n }() {
		if time.Now().After(deadline) {
			t.Fatalf("backlog not worked off: %d waiting", b.Len())
		}
		time.Sleep(time.Millisecond)
	}
	// A job added to an idle backlog runs too.
	b.Add("show/late", record("late"))
	for func() bool { mu.Lock(); defer mu.Unlock(); return len(ran) < n+1 }() {
		if time.Now().After(deadline) {
			t.Fatal("late job never ran")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ran) != n+1 || ran[0] != "0" || ran[7] != "7 again" || ran[n-1] != fmt.Sprint(n-1) || ran[n] != "late" {
		t.Fatalf("ran %d jobs: first %v … last %v", len(ran), ran[:8], ran[len(ran)-2:])
	}
}
