package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/download"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/queue"
)

// streamResolver adapts the provider's resolver to the queue: it finds
// the series' site in the library and orders links by the live config's
// language and hoster preferences, hosters that failed before last.
type streamResolver struct {
	reg   *provider.Registry
	lib   *library.Service
	cfg   *config.Manager
	stats provider.OutcomeRecorder // per-hoster outcome counts
	// wanted, when set, answers a series' own language wishes.
	wanted func(ctx context.Context, key string, ep anime.EpisodeRef) []anime.Language
	// observe hears how reading the site went (health); optional.
	observe func(ctx context.Context, site string, err error)
}

func (r streamResolver) Resolve(ctx context.Context, req queue.ResolveRequest) (anime.Stream, []queue.Attempt, error) {
	p := r.reg.Default()
	if s, _, err := r.lib.SeriesDir(ctx, req.SerieID); err == nil && s.Site != "" {
		if sp, err := r.reg.Lookup(s.Site); err == nil {
			p = sp
		}
	}
	c := r.cfg.Get()
	hosters := slices.Clone(c.Download.HosterOrder)
	if len(hosters) == 0 {
		hosters = provider.DefaultHosterOrder()
	}
	// Hosters that failed on earlier tries go last (still usable).
	slices.SortStableFunc(hosters, func(a, b string) int {
		av, bv := slices.ContainsFunc(req.Avoid, func(x string) bool { return strings.EqualFold(x, a) }),
			slices.ContainsFunc(req.Avoid, func(x string) bool { return strings.EqualFold(x, b) })
		switch {
		case av == bv:
			return 0
		case av:
			return 1
		}
		return -1
	})
	langs := languages(c.Download.LanguageOrder)
	if r.wanted != nil {
		if w := r.wanted(ctx, req.SerieID, req.Episode); len(w) > 0 {
			// A monitored series: its own languages, and the episode page
			// read fresh (a language that just appeared is not in the cache).
			langs, ctx = w, provider.WithFreshData(ctx)
		}
	}
	res, err := provider.NewResolver(p, provider.Preferences{Languages: langs, Hosters: hosters}).
		Recording(r.stats).Resolve(ctx, req.SerieID, req.Episode.Season, req.Episode.Episode)
	if r.observe != nil {
		r.observe(ctx, p.Site(), err)
	}
	now := time.Now().UTC()
	attempts := make([]queue.Attempt, 0, len(res.Attempts))
	for _, a := range res.Attempts {
		attempts = append(attempts, queue.Attempt{Stage: queue.StageResolve, Hoster: a.Hoster, Language: a.Lang, OK: a.Err == nil, Error: a.Reason, At: now})
	}
	var re *provider.ResolveError
	if errors.As(err, &re) {
		attempts = attempts[:0]
		for _, a := range re.Attempts {
			attempts = append(attempts, queue.Attempt{Stage: queue.StageResolve, Hoster: a.Hoster, Language: a.Lang, Error: a.Reason, At: now})
		}
	}
	if err != nil {
		return anime.Stream{}, attempts, err
	}
	return res.Stream, attempts, nil
}

// engine adapts the download engine to the queue.
type engine struct{ e *download.Engine }

func (d engine) Download(ctx context.Context, s anime.Stream, target string, progress queue.ProgressFunc) (queue.Downloaded, error) {
	res, err := d.e.Download(ctx, s, target, download.Request{Progress: func(p download.Progress) {
		progress(p.BytesDone, p.BytesTotal)
	}})
	return queue.Downloaded{Path: res.Path, Warnings: res.Warnings}, err
}

func (d engine) Cleanup(target string) error { return d.e.Cleanup(target) }

func (a *App) wireQueue(ctx context.Context, cfg config.AppConfig, p *providers, lib *library.Service, deps *api.Deps, hooks ...queue.Hook) (*queue.Service, error) {
	dl := download.New(download.Options{Client: p.client})
	deps.Remux = dl // /health/detailed reports the engine's own ffmpeg finding
	namer := newEpisodeNamer(p.reg, lib, a.cfg)
	a.cfg.ReadsLive("download.naming_template") // the namer reads it for every download
	deps.Services.Naming = namer
	markDownloaded := func(ctx context.Context, item queue.Item) error {
		_, dir, err := lib.SeriesDir(ctx, item.SerieID)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, item.FilePath)
		if err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("downloaded file outside its series folder")
		}
		return lib.MarkDownloaded(ctx, item.SerieID, item.Episode, item.Language, rel)
	}
	retries := cfg.Download.MaxRetries
	if retries == 0 {
		retries = -1 // the queue reads 0 as "default"; the config's 0 means none
	}
	q, err := queue.New(ctx, queue.Options{
		Store: a.db, Resolver: streamResolver{reg: p.reg, lib: lib, cfg: a.cfg, stats: p.stats, wanted: a.wanted, observe: a.observeSite}, Downloader: engine{dl},
		Target: namer.target(ctx), FinalName: namer.finalName(ctx), OnComplete: append([]queue.Hook{markDownloaded}, hooks...),
		Catalog:   queueCatalog{db: a.db, reg: p.reg},
		Publisher: a.events, Logger: a.log.With("component", "queue"),
		MaxConcurrent: cfg.Download.MaxConcurrentDownloads, MaxRetries: retries,
	})
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	a.queue = q
	// streamResolver reads the preference orders on every resolve.
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
