package app

import (
	"context"
	"fmt"
	"time"

	"github.com/aniworld/aniworld/internal/scheduler"
)

// runner is a service that runs until its context ends.
type runner interface {
	Run(ctx context.Context) error
}

// job is one long-running job of the process.
type job struct {
	name string
	run  func(ctx context.Context) error
}

// jobs lists every long-running job by name: Serve runs each under one
// errgroup until shutdown, and an error from one stops them all. Services
// that were not built (a partial App) are left out.
func (a *App) jobs() []job {
	var js []job
	add := func(name string, r runner) {
		if r != nil {
			js = append(js, job{name, r.Run})
		}
	}
	add("websocket hub", a.hub)              // fans events out to clients
	add("download queue", a.queue)           // dispatcher and download workers
	add("library rescan scheduler", a.sched) // periodic rescans
	add("nfo backlog", a.backlog)            // auto-created NFOs and artwork
	clock := a.clock
	if clock == nil {
		clock = scheduler.RealClock{}
	}
	if a.sched != nil {
		js = append(js, job{"daily config backup", hourly(clock, func(ctx context.Context) { a.dailyBackup(clock.Now()) })})
	}
	if a.auth != nil {
		js = append(js, job{"revoked-token pruning", hourly(clock, func(ctx context.Context) {
			if err := a.auth.PruneRevoked(ctx); err != nil {
				a.log.Warn("prune revoked tokens", "error", err)
			}
		})})
	}
	if a.history != nil {
		js = append(js, job{"download history retention", hourly(clock, a.pruneHistory)})
	}
	for i, run := range a.background {
		js = append(js, job{fmt.Sprintf("background job %d", i+1), run})
	}
	return js
}

// hourly runs fn every hour on clock (scheduler.Every) until ctx ends.
func hourly(clock scheduler.Clock, fn func(context.Context)) func(context.Context) error {
	return func(ctx context.Context) error { return scheduler.Every(ctx, clock, time.Hour, fn) }
}
