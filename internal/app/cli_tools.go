package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/logging"
	"github.com/aniworld/aniworld/internal/store"
)

// openCLI builds the part of the app a one-shot command needs: config,
// logs (warnings only unless --log-level says otherwise), the providers
// and, when needDB, the database.
func openCLI(ctx context.Context, env Env, opts Options, needDB bool) (*App, *providers, error) {
	if opts.Flags.LogLevel == nil && env.Getenv("ANIWORLD_LOG_LEVEL") == "" {
		warn := "WARNING"
		opts.Flags.LogLevel = &warn
	}
	cfgm, warnings, err := loadConfig(env, opts)
	if err != nil {
		return nil, nil, err
	}
	cfg := cfgm.Get()
	logs, err := logging.New(env.Stderr, logging.Settings{Level: cfg.Logging.Level})
	if err != nil {
		return nil, nil, err
	}
	a := &App{cfg: cfgm, logs: logs, log: logs.Logger(), startedAt: time.Now(), events: &fanout{}}
	for _, w := range warnings {
		a.log.Warn("config file " + cfgm.Path() + ": " + w)
	}
	a.closers = append(a.closers, logs.Close)
	if needDB {
		db, err := store.Open(ctx, cfg.DataDir)
		if err != nil {
			a.close()
			return nil, nil, err
		}
		a.db = db
		a.closers = append([]func() error{db.Close}, a.closers...)
	}
	br := a.wireBrowser(cfg, nil, nil)
	p, err := a.wireProviders(cfg, nil, browserSolvers(br)...)
	if err != nil {
		a.close()
		return nil, nil, err
	}
	return a, p, nil
}

// isTerminal reports whether w is an interactive terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressLine draws progress: a redrawn bar on a terminal, otherwise a
// plain line at most every few seconds (and at the end).
type progressLine struct {
	w    io.Writer
	tty  bool
	last time.Time
}

func (p *progressLine) show(label string, pct float64, extra string, final bool) {
	if p.tty {
		const width = 30
		n := int(pct / 100 * width)
		n = max(0, min(n, width))
		fmt.Fprintf(p.w, "\r%-28.28s [%s%s] %5.1f%% %s\x1b[K", label, strings.Repeat("#", n), strings.Repeat(".", width-n), pct, extra)
		if final {
			fmt.Fprintln(p.w)
		}
		return
	}
	if final || time.Since(p.last) >= 2*time.Second {
		p.last = time.Now()
		fmt.Fprintf(p.w, "%s: %.1f%% %s\n", label, pct, extra)
	}
}
