package app

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/download"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/queue"
)

// engine adapts the download engine to the queue.
type engine struct{ e *download.Engine }

func (d engine) Download(ctx context.Context, s anime.Stream, target string, progress queue.ProgressFunc, name queue.NameFunc) (queue.Downloaded, error) {
	res, err := d.e.Download(ctx, s, target, download.Request{Name: name, Progress: func(p download.Progress) {
		progress(p.BytesDone, p.BytesTotal)
	}})
	return queue.Downloaded{Path: res.Path, Warnings: res.Warnings}, err
}

func (d engine) Cleanup(target string) error { return d.e.Cleanup(target) }

// queueOptions are the queue's parts, the same for the server and the
// CLI's download: the provider-backed resolver with prefs, the download
// engine, and the library, which names targets, records finished files
// and checks series and titles.
func (a *App) queueOptions(cfg config.AppConfig, p *providers, lib *library.Service, dl *download.Engine, prefs func() provider.Preferences) queue.Options {
	retries := cfg.Download.MaxRetries
	if retries == 0 {
		retries = -1 // the queue reads 0 as "default"; the config's 0 means none
	}
	return queue.Options{
		Store: a.db,
		Resolver: queue.ProviderResolver{Site: p.seriesSite(lib), Preferences: prefs, Wanted: a.wanted, Stats: p.stats,
			Observe: a.observeSite},
		Downloader: engine{dl},
		Library:    lib, Catalog: lib,
		Publisher: a.events, Logger: a.log.With("component", "queue"),
		MaxConcurrent: cfg.Download.MaxConcurrentDownloads, MaxRetries: retries,
	}
}

// livePreferences are the configured language and hoster orders, read
// on every resolve.
func (a *App) livePreferences() provider.Preferences {
	d := a.cfg.Get().Download
	return provider.Preferences{Languages: languages(d.LanguageOrder), Hosters: d.HosterOrder}
}

func (a *App) wireQueue(ctx context.Context, cfg config.AppConfig, p *providers, lib *library.Service, deps *api.Deps, hooks ...queue.Hook) (*queue.Service, error) {
	deps.Services.Naming = namingPreviewer{lib: lib, cfg: a.cfg}
	dl := download.New(download.Options{Client: p.client})
	deps.Remux = dl // /health/detailed reports the engine's own ffmpeg finding
	o := a.queueOptions(cfg, p, lib, dl, a.livePreferences)
	o.OnComplete = hooks
	q, err := queue.New(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	a.queue = q
	// The resolver reads the preference orders on every resolve.
	a.cfg.ReadsLive("download.hoster_order", "download.language_order")
	a.cfg.Live([]string{"download.max_concurrent_downloads", "advanced.max_concurrent_downloads"}, func(old, new config.AppConfig) {
		if old.Download.MaxConcurrentDownloads != new.Download.MaxConcurrentDownloads {
			if err := q.SetConcurrency(new.Download.MaxConcurrentDownloads); err != nil {
				a.log.Warn("apply max_concurrent_downloads", "error", err)
			}
		}
	})
	deps.Services.Queue = q
	return q, nil
}

// noDeadlines clears the server's read/write deadlines for long-lived
// connections (WebSockets, streamed files) before handing over.
func noDeadlines(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
		h.ServeHTTP(w, r)
	})
}
