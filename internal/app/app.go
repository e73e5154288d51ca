// Package app is the composition root: it builds every service from the
// configuration, runs them under one errgroup, and shuts them down
// gracefully.
package app

import (
	"context"
	"errors"
	"fmt"
	"github.com/aniworld/aniworld/internal/history"
	"github.com/aniworld/aniworld/internal/httpclient"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/auth"
	"github.com/aniworld/aniworld/internal/browser"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/logging"
	"github.com/aniworld/aniworld/internal/scheduler"
	"github.com/aniworld/aniworld/internal/store"
	"github.com/aniworld/aniworld/internal/version"
)

// ShutdownTimeout bounds how long in-flight requests may take to finish
// after SIGINT/SIGTERM.
const ShutdownTimeout = 30 * time.Second

// App is the running program: configuration, logs, database and the
// services built on them.
type App struct {
	cfg       *config.Manager
	logs      *logging.Logs
	log       *slog.Logger
	db        *store.DB
	server    *api.Server
	startedAt time.Time
	cors      *auth.CORS
	events    *fanout
	solvers   []httpclient.Solver // challenge solvers for the sites
	spki      []string            // certificate keys the browser trusts (Options.BrowserTrustedSPKI)
	browser   *browser.Browser    // the shared Chromium (wire_browser.go)
	// The services that run until shutdown; jobs (jobs.go) lists them.
	hub     runner
	queue   runner
	sched   runner
	backlog runner
	auth    *auth.Service
	history *history.Service // its retention runs hourly (jobs.go)
	clock   scheduler.Clock  // of the periodic jobs
	// background are further long-running jobs added by wiring code.
	background []func(ctx context.Context) error
	closers    []func() error
	// now is the clock of the automation (Options.Now; time.Now when nil).
	now func() time.Time
	// wanted answers a series' wanted download languages (the monitor's
	// per-series settings); nil leaves download.language_order.
	wanted func(ctx context.Context, key string, ep anime.EpisodeRef) []anime.Language
	// changed tells the media servers that a series folder changed (NFO,
	// artwork); nil until the automation is wired.
	changed func(ctx context.Context, key string)
	// stepHealth hears the outcome of provider steps (wire_health.go);
	// nil until the automation is wired.
	stepHealth func(check string, err error)
	// nextRescan answers the scheduler's next library rescan (nil: none
	// planned); set by wireOps.
	nextRescan func() *time.Time
}

func (a *App) automationClock() func() time.Time {
	if a.now != nil {
		return a.now
	}
	return time.Now
}

// loadConfig resolves the data directory and config path, loads the file
// and applies environment and flag overrides over it. The warnings say
// which values from the file were replaced by defaults.
func loadConfig(env Env, opts Options) (m *config.Manager, warnings []string, err error) {
	envOver := config.FromEnv(env.Getenv)
	over := envOver.Over(opts.Flags)
	cfgPath := opts.ConfigPath
	if cfgPath == "" {
		cfgPath = env.Getenv("ANIWORLD_CONFIG")
	}
	dataDir := "data"
	if over.DataDir != nil {
		dataDir = *over.DataDir
	}
	if cfgPath == "" {
		cfgPath = filepath.Join(dataDir, "config.json")
	}
	var flagDataDir string
	if over.DataDir != nil {
		if flagDataDir, err = filepath.Abs(*over.DataDir); err != nil {
			return nil, nil, fmt.Errorf("data dir: %w", err)
		}
	}
	base, exists, warnings, err := config.LoadWithWarnings(cfgPath, flagDataDir)
	if err != nil {
		return nil, nil, err
	}
	if over.DataDir == nil && base.DataDir == "" {
		base.DataDir = "data"
	}
	effective := base.Clone()
	over.Apply(&effective)
	abs, err := filepath.Abs(effective.DataDir)
	if err != nil {
		return nil, nil, fmt.Errorf("data dir: %w", err)
	}
	if over.DataDir != nil {
		over.DataDir = &abs
	} else {
		base.DataDir = abs
	}
	effective.DataDir = abs
	if errs := effective.Validate(); len(errs) > 0 {
		return nil, nil, fmt.Errorf("invalid settings from flags or environment: %s", errs.Error())
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, nil, fmt.Errorf("create data dir: %w", err)
	}
	if !exists {
		if err := config.Save(cfgPath, base); err != nil {
			return nil, nil, fmt.Errorf("write initial config file %s: %w", cfgPath, err)
		}
	}
	return config.NewManager(cfgPath, base, over), warnings, nil
}

// Build loads the configuration and constructs every service.
func Build(ctx context.Context, env Env, opts Options) (*App, error) {
	cfgm, warnings, err := loadConfig(env, opts)
	if err != nil {
		return nil, err
	}
	cfg := cfgm.Get()
	logs, err := logging.New(env.Stderr, logSettings(cfg))
	if err != nil {
		return nil, fmt.Errorf("logging: %w", err)
	}
	a := &App{cfg: cfgm, logs: logs, log: logs.Logger(), startedAt: time.Now(), events: &fanout{}, solvers: opts.Solvers, now: opts.Now, spki: opts.BrowserTrustedSPKI}
	for _, w := range warnings {
		a.log.Warn("config file "+cfgm.Path()+": "+w, "path", cfgm.Path())
	}
	a.closers = append(a.closers, logs.Close)
	cfgm.Live([]string{"logging", "advanced.enable_debug_mode"}, func(old, new config.AppConfig) {
		if err := logs.Reconfigure(logSettings(new)); err != nil {
			a.log.Error("apply logging config", "error", err)
		}
	})
	db, err := store.Open(ctx, cfg.DataDir)
	if err != nil {
		logs.Close()
		return nil, err
	}
	a.db = db
	a.closers = append([]func() error{db.Close}, a.closers...)
	deps := api.Deps{
		Config: cfgm, DB: db, Logger: a.log, Version: version.Version, StartedAt: a.startedAt,
	}
	if err := a.wire(ctx, &deps); err != nil {
		a.close()
		return nil, err
	}
	a.server = api.New(deps)
	return a, nil
}

func logSettings(c config.AppConfig) logging.Settings {
	s := logging.Settings{Level: c.Logging.Level, File: c.LogFile(), Backups: c.Logging.BackupCount}
	if c.Logging.MaxBytes != nil {
		s.MaxBytes = *c.Logging.MaxBytes
	}
	if c.Advanced.EnableDebugMode {
		s.Level = "DEBUG"
	}
	return s
}

// Handler is the app's HTTP handler (for tests).
func (a *App) Handler() http.Handler { return a.server }

// Run serves HTTP on the configured address until ctx ends, then shuts
// down gracefully: in-flight requests finish, background work stops and
// is waited for, and the database is closed.
func (a *App) Run(ctx context.Context) error {
	addr := a.cfg.Get().Server.Addr
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		a.close()
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	return a.Serve(ctx, ln)
}

// Serve is Run on an existing listener.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	defer a.close()
	srv := api.NewHTTPServer(ln.Addr().String(), a.server, a.log)
	g, gctx := errgroup.WithContext(ctx)
	for _, j := range a.jobs() {
		g.Go(func() error {
			if err := j.run(gctx); err != nil {
				return fmt.Errorf("%s: %w", j.name, err)
			}
			return nil
		})
	}
	g.Go(func() error {
		a.log.Info("aniworld listening", "url", "http://"+ln.Addr().String(), "version", version.String(),
			"data_dir", a.cfg.Get().DataDir)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http server: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		a.log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			a.log.Warn("graceful shutdown timed out", "error", err)
			srv.Close()
		}
		return nil
	})
	err := g.Wait()
	a.log.Info("stopped")
	return err
}

func (a *App) close() {
	for _, c := range a.closers {
		if err := c(); err != nil && a.log != nil {
			a.log.Warn("close", "error", err)
		}
	}
	a.closers = nil
}

func runServe(ctx context.Context, env Env, opts Options, args []string) error {
	if len(args) > 0 {
		return usageError{msg: fmt.Sprintf("serve takes no arguments, got %q", args)}
	}
	a, err := Build(ctx, env, opts)
	if err != nil {
		return err
	}
	return a.Run(ctx)
}
