package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/auth"
	"github.com/aniworld/aniworld/internal/diagnostics"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/metrics"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/scheduler"
)

// OpsLibrary is what operations need from the library (*library.Service).
type OpsLibrary interface {
	Scan(ctx context.Context, progress func(event.ScanData)) (library.ScanSummary, error)
	Rescan(ctx context.Context, progress func(event.ScanData)) (library.ScanSummary, error)
	Scanning() bool
	Directory() string
	UseDirectory(ctx context.Context, dir string) (synced int, err error)
	Status(ctx context.Context) (dir string, count int, err error)
	EachMissing(ctx context.Context, fn func(s anime.Series, eps []anime.EpisodeRef) error) error
}

// OpsQueue is what operations need from the queue (*queue.Service).
type OpsQueue interface {
	AddMissing(ctx context.Context, lib queue.MissingLister) (int, error)
	Status(ctx context.Context) (queue.QueueStatus, error)
}

// OpsDeps is what wireOps takes from the other subsystems. Auth and
// Library are required.
type OpsDeps struct {
	// Auth verifies tokens for /metrics and resets access control for
	// POST /api/config/reset {preserve_security:false}.
	Auth *auth.Service
	// Library is rescanned by the scheduler and switched by
	// POST /api/config/directory.
	Library OpsLibrary
	// Queue receives the missing episodes (scheduler.auto_download_missing)
	// and feeds the queue gauges; optional.
	Queue OpsQueue
	// Metrics is the registry the other subsystems report into (the
	// httpclient's RoundTripper, download bytes); created when nil.
	Metrics *metrics.Metrics
	// HosterHosts are checked by GET /api/diagnostics/network
	// (diagnostics.DefaultHosterHosts when empty).
	HosterHosts []string
	// Providers, when set, add the HTTP client's resolvers, solvers and
	// the sites' mirrors to GET /api/diagnostics/network.
	Providers *providers
	// Clock drives the scheduler and the backup job (real time when nil).
	Clock scheduler.Clock
}

// wireOps adds operations: the config, backup, scheduler, logging and
// diagnostics routes, GET /metrics with its request middleware, the
// library rescan scheduler and the daily config backup job.
func (a *App) wireOps(ctx context.Context, deps *api.Deps, o OpsDeps) error {
	if o.Auth == nil || o.Library == nil {
		return errors.New("operations: auth and library are required")
	}
	if o.Clock == nil {
		o.Clock = scheduler.RealClock{}
	}
	m := o.Metrics
	if m == nil {
		m = metrics.New()
	}
	deps.Outer = append([]api.Middleware{api.RequestMetrics(m)}, deps.Outer...)
	if a.events != nil {
		a.events.add(m) // scan durations, download bytes and outcomes
	}
	a.cfg.ReadsLive("server.metrics_token")
	deps.Services.Metrics = api.MetricsHandler(m.Handler(), api.AuthVerifier{Svc: o.Auth}, func() string { return a.cfg.Get().Server.MetricsToken })
	if o.Queue != nil {
		m.SetQueueStats(func(ctx context.Context) (map[string]int, error) {
			st, err := o.Queue.Status(ctx)
			if err != nil {
				return nil, err
			}
			s := st.Statistics
			return map[string]int{"pending": s.PendingCount, "active": s.ActiveCount,
				"completed": s.CompletedCount, "failed": s.FailedCount}, nil
		})
	}

	sched, err := a.newScheduler(o)
	if err != nil {
		return err
	}
	// The daily job reads the backup section on each run; the manager reads
	// backup.path on each backup.
	a.cfg.ReadsLive("backup")
	a.sched, a.clock = sched, o.Clock // jobs.go runs it and the daily backup
	a.nextRescan = func() *time.Time { return sched.Status().NextRun }
	sched.FollowConfig(a.cfg)

	// The library follows anime_directory changes itself (wireLibrary's
	// subscription); this only scans when it has not switched yet.
	hosters := o.HosterHosts
	if len(hosters) == 0 {
		hosters = diagnostics.DefaultHosterHosts
	}
	deps.Services.Config = &api.ConfigDeps{Config: a.cfg, SetDirectory: o.Library.UseDirectory, ResetSecurity: o.Auth.Reset,
		Logger: a.log.With("component", "config")}
	deps.Services.Scheduler = &api.SchedulerDeps{Scheduler: sched, Config: a.cfg}
	deps.Services.Logging = &api.LoggingDeps{Config: a.cfg, Logs: a.logs}
	diag := diagnosticsDeps(api.DiagnosticsDeps{Targets: func() []string { return diagnostics.Targets(a.cfg.Get(), hosters) }}, o.Providers)
	deps.Services.Diagnostics = &diag
	return nil
}

func (a *App) newScheduler(o OpsDeps) (*scheduler.Scheduler, error) {
	var queueMissing func(context.Context) (int, error)
	if o.Queue != nil {
		queueMissing = func(ctx context.Context) (int, error) { return o.Queue.AddMissing(ctx, o.Library) }
	}
	sched, err := scheduler.New(scheduler.Options{
		Rescan:       skipWithoutDirectory(o.Library, o.Library.Scan), // durations reach the metrics via scan_complete
		ManualRescan: skipWithoutDirectory(o.Library, o.Library.Rescan),
		Scanning:     o.Library.Scanning,
		QueueMissing: queueMissing,
		Clock:        o.Clock,
		Logger:       a.log.With("component", "scheduler"),
	}, scheduler.SettingsFrom(a.cfg.Get().Scheduler))
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	return sched, nil
}

// skipWithoutDirectory adapts a library scan to the scheduler: without an
// anime directory the run is recorded as skipped.
func skipWithoutDirectory(lib OpsLibrary, scan func(context.Context, func(event.ScanData)) (library.ScanSummary, error)) func(context.Context) (any, error) {
	return func(ctx context.Context) (any, error) {
		if lib.Directory() == "" {
			return nil, fmt.Errorf("%w: no anime directory configured", scheduler.ErrSkip)
		}
		return scan(ctx, nil)
	}
}

// dailyBackup writes an automatic config backup when backups are enabled
// and the newest automatic one is a day old, then prunes those older
// than keep_days. It runs hourly, so a restart does not skip a day.
func (a *App) dailyBackup(now time.Time) {
	c := a.cfg.Get()
	if !c.Backup.Enabled {
		return
	}
	latest, err := a.cfg.LatestAutomaticBackup()
	if err != nil {
		a.log.Warn("daily config backup", "error", err)
		return
	}
	if now.Sub(latest) >= 24*time.Hour {
		name, err := a.cfg.Backup("")
		if err != nil {
			a.log.Warn("daily config backup", "error", err)
			return
		}
		a.log.Info("daily config backup written", "name", name)
	}
	removed, err := a.cfg.PruneBackups(now)
	if err != nil {
		a.log.Warn("prune config backups", "error", err)
	}
	if len(removed) > 0 {
		a.log.Info("old config backups pruned", "count", len(removed), "keep_days", c.Backup.KeepDays)
	}
}
