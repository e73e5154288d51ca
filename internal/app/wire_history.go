package app

import (
	"context"
	"fmt"
	"time"

	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/history"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/wanted"
)

// wireHistory builds the download history (recorded by the store as the
// queue commits each outcome; read, filtered and pruned here) and the
// wanted list, which queues through q's Add.
func (a *App) wireHistory(deps *api.Deps, q *queue.Service) error {
	h, err := history.New(history.Options{
		Store: a.db, DefaultSite: library.SiteAniworld, Now: a.automationClock(),
		Retention: func() history.Retention {
			c := a.cfg.Get().History
			return history.Retention{MaxAge: time.Duration(c.RetentionDays) * 24 * time.Hour, MaxEntries: c.MaxEntries}
		},
	})
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	a.cfg.ReadsLive("history") // the retention job reads it on every run
	a.history = h
	deps.Services.History = h
	deps.Services.Wanted = wanted.New(a.db, q.Add, library.SiteAniworld)
	return nil
}

// pruneHistory applies the history's retention policy (hourly, jobs.go).
func (a *App) pruneHistory(ctx context.Context) {
	n, err := a.history.Prune(ctx)
	if err != nil {
		a.log.Warn("prune download history", "error", err)
		return
	}
	if n > 0 {
		a.log.Info("pruned download history", "entries", n)
	}
}
