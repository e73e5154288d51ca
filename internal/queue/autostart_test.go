package queue

import (
	"context"
	"testing"

	"github.com/aniworld/aniworld/internal/event"
)

// TestStartIfStopped: automation starts a stopped queue (fresh or stopped
// by the user) and persists it, but never a paused one, and leaves a
// running one alone.
func TestStartIfStopped(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name                 string
		before               func(*Service) error
		started              bool
		wantRunning, wantPau bool
	}{
		{"fresh", func(*Service) error { return nil }, true, true, false},
		{"stopped", func(q *Service) error { return q.Stop(ctx) }, true, true, false},
		{"paused", func(q *Service) error { return q.Pause(ctx) }, false, true, true},
		{"running", func(q *Service) error { return q.Start(ctx) }, false, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			e := newEnv(t, dir, nil)
			if err := tt.before(e.q); err != nil {
				t.Fatal(err)
			}
			startedBefore := len(e.pub.OfType(event.QueueStarted))
			got, err := e.q.StartIfStopped(ctx, "started by monitoring")
			if err != nil || got != tt.started {
				t.Fatalf("StartIfStopped = %v, %v; want %v", got, err, tt.started)
			}
			if n := len(e.pub.OfType(event.QueueStarted)) - startedBefore; (n == 1) != tt.started {
				t.Fatalf("%d queue_started events", n)
			}
			e.db.Close()
			again := newEnv(t, dir, nil)
			defer again.db.Close()
			if r, p := again.q.State(); r != tt.wantRunning || p != tt.wantPau {
				t.Fatalf("after reopen running=%v paused=%v, want %v/%v", r, p, tt.wantRunning, tt.wantPau)
			}
		})
	}
}
