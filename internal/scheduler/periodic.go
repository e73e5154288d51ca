package scheduler

import (
	"context"
	"time"
)

// Every calls fn at once and then every interval on clock until ctx ends.
// fn runs on the caller's goroutine, so one call never overlaps the next.
// It always returns nil (fn reports its own failures).
func Every(ctx context.Context, clock Clock, interval time.Duration, fn func(ctx context.Context)) error {
	return EveryOrWake(ctx, clock, interval, nil, fn)
}

// EveryOrWake is Every that also calls fn as soon as wake delivers (a
// changed setting asking for a check now); the next regular call is then
// interval after that one. A nil wake never delivers.
func EveryOrWake(ctx context.Context, clock Clock, interval time.Duration, wake <-chan struct{}, fn func(ctx context.Context)) error {
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
		case <-wake:
			t.Stop()
		}
	}
}
