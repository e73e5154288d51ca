package app

import (
	"context"
	"fmt"
	"sync"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/download"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/queue"
)

// cliDownload downloads episodes of a library series through the queue's
// pipeline, the server's (resolve in the preferred language and hoster
// order, attempt log, the library's target, the engine, the library
// record and hooks): the episodes are queued on the server's store (or
// the items already queued for them are taken) and run at once, one after
// another, whatever the queue's state. It prints progress and each
// result; an interrupted download stays queued and resumes on the next
// run (or in the server). langs, when set, replaces the configured order.
func cliDownload(ctx context.Context, env Env, a *App, p *providers, lib *library.Service, key string, eps []anime.EpisodeRef, langs []anime.Language) error {
	cfg := a.cfg.Get()
	if langs == nil {
		langs = languages(cfg.Download.LanguageOrder)
	}
	prefs := func() provider.Preferences {
		return provider.Preferences{Languages: langs, Hosters: cfg.Download.HosterOrder}
	}
	out := &cliProgress{bar: progressLine{w: env.Stdout, tty: isTerminal(env.Stdout)}}
	a.events.add(out)
	o := a.queueOptions(cfg, p, lib, download.New(download.Options{Client: p.client}), prefs)
	o.SkipRecovery = true // a server may be running the store's other items
	q, err := queue.New(ctx, o)
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	d, _, err := lib.Get(ctx, key)
	if err != nil {
		return err
	}
	ids, refused, err := q.Ensure(ctx, queue.AddRequest{SerieID: key, SerieFolder: d.Folder, SerieName: d.Name,
		Episodes: eps, Priority: anime.PriorityHigh})
	if err != nil {
		return err
	}
	failed := len(refused)
	for _, f := range refused {
		fmt.Fprintf(env.Stdout, "%s %s: %s\n", key, f.Episode, f.Error)
	}
	err = q.RunItems(ctx, ids, func(it queue.Item) {
		if !out.result(it) {
			failed++
		}
	})
	if err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d episodes failed", failed, len(eps))
	}
	return nil
}

// cliProgress prints the queue's download events for the CLI: a progress
// bar per running item and one result line per finished one.
type cliProgress struct {
	mu  sync.Mutex
	bar progressLine
}

func label(key, episode string) string { return key + " " + episode }

// Publish draws download_progress events (event.Publisher).
func (c *cliProgress) Publish(e event.Event) {
	d, ok := e.Data.(event.DownloadData)
	if !ok || e.Type != event.DownloadProgress {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bar.show(label(d.Key, d.Episode), d.Percent, fmt.Sprintf("%.1f MB/s", d.SpeedMbps), false)
}

// result prints a finished item: its file, language and hoster, with the
// engine's warnings, or why it failed. It answers whether it completed.
func (c *cliProgress) result(it queue.Item) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, w := label(it.SerieID, it.Episode.String()), c.bar.w
	switch it.Status {
	case anime.StatusCompleted:
		c.bar.show(l, 100, "done", true)
		for _, warn := range it.Warnings {
			fmt.Fprintf(w, "%s: warning: %s\n", l, warn)
		}
		fmt.Fprintf(w, "%s: %s (%s via %s)\n", l, it.FilePath, it.Language, downloadHoster(it.Attempts))
		return true
	case anime.StatusFailed:
		c.bar.show(l, 0, "failed", true)
		fmt.Fprintf(w, "%s: %s\n", l, deref(it.Error))
	default:
		fmt.Fprintf(w, "%s: %s in another process (the server's queue)\n", l, it.Status)
	}
	return false
}

// downloadHoster is the hoster of the newest download attempt.
func downloadHoster(as []queue.Attempt) string {
	for i := len(as) - 1; i >= 0; i-- {
		if as[i].Stage == queue.StageDownload {
			return as[i].Hoster
		}
	}
	return "?"
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
