package scheduler

import (
	"context"
	"time"
)

// Every calls fn at once and then every interval on clock until ctx ends.
// fn runs on the caller's goroutine, so one call never overlaps the next.
// It always returns nil (fn reports its own failures).
func Every(ctx context.Context, clock Clock, interval time.Duration, fn func(ctx context.Context)) error {
	if clock == nil {
		clock = RealClock{}
	}
	for {
		fn(ctx)
		t := clock.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C():
		}
	}
}
