package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/store"
)

// finish records a try's outcome: completed, back to pending (shutdown or
// retry), failed, or deleted when the user removed the item meanwhile.
func (s *Service) finish(runCtx context.Context, j *job, o outcome) {
	dbctx, cancel := context.WithTimeout(context.WithoutCancel(runCtx), 30*time.Second)
	defer cancel()
	row := j.row
	j.pmu.Lock()
	bytes, total := j.bytes, j.total
	target := j.target
	j.pmu.Unlock()
	if o.target.Abs != "" {
		target = o.target.Abs
	}
	f := store.QueueFinish{RetryCount: row.RetryCount, AddTransferMS: o.transfer.Milliseconds(),
		BytesDownloaded: bytes, BytesTotal: total, Attempts: encodeAttempts(o.attempts)}
	var after func() // runs once the item has left the active set
	if o.err == nil {
		// Before the row says completed, so a client that sees it completed
		// finds the episode in the library too.
		s.recordInLibrary(runCtx, row, o)
	}

	s.mu.Lock()
	msg := s.finishLocked(dbctx, runCtx, j, o, f, target, &after)
	delete(s.active, row.ID)
	close(j.done)
	s.mu.Unlock()
	s.poke()
	if after != nil {
		after()
	}
	if msg != "" {
		s.publishQueue(dbctx, event.QueueStatus, msg)
	}
}

// finishLocked writes the outcome under s.mu and answers the queue_status
// message to publish ("" for none); *after is set to work that must run
// outside the lock (completion hooks and event).
func (s *Service) finishLocked(dbctx, runCtx context.Context, j *job, o outcome, f store.QueueFinish, target string, after *func()) string {
	row := j.row
	now := s.now().UTC()
	switch {
	case j.removed:
		deleted, err := s.db.QueueDeleteRunning(dbctx, row.ID)
		if err != nil && !errors.Is(err, anime.ErrNotFound) {
			s.log.Error("queue: delete removed item", "id", row.ID, "err", err)
		}
		if target != "" {
			if err := s.dl.Cleanup(target); err != nil {
				s.log.Warn("queue: remove partial download", "id", row.ID, "err", err)
			}
		}
		if err != nil {
			return ""
		}
		s.publish(event.DownloadRemoved, downloadData(s.toItem(deleted)))
		return "Item removed from queue"
	case o.err != nil && runCtx.Err() != nil:
		// Shutdown: back in line unchanged; the partial data stays for resuming.
		// The interrupted transfer is not a failure of its hoster: keep the
		// log as it was so the next try resumes from the same source.
		f.Status, f.Error, f.Attempts = anime.StatusPending, row.Error, row.Attempts
		s.finishRow(dbctx, row.ID, f, now)
		return ""
	case o.err == nil:
		msg, done := s.finishCompleted(dbctx, runCtx, row, o, f, now)
		*after = done
		return msg
	}
	return s.finishFailed(dbctx, row, o, f, now)
}

// recordInLibrary records a completed try's file in the library. A
// failure is logged: the file is there, and the next scan finds it.
func (s *Service) recordInLibrary(runCtx context.Context, row store.QueueItem, o outcome) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(runCtx), HookTimeout)
	defer cancel()
	ep := anime.EpisodeRef{Season: row.Season, Episode: row.Episode, Title: row.EpisodeTitle}
	if err := s.lib.MarkDownloaded(ctx, row.SerieID, ep, completedLanguage(row, o), o.file); err != nil {
		s.log.Warn("queue: record the download in the library", "id", row.ID, "file", o.file.Abs, "err", err)
	}
}

// completedLanguage is the language of a completed try: the chosen
// stream's (the row was read before the stream was chosen), else the row's.
func completedLanguage(row store.QueueItem, o outcome) anime.Language {
	if o.stream.Lang != anime.LangUnknown {
		return o.stream.Lang
	}
	return row.Language
}

// finishCompleted records a completed try and answers the queue_status
// message and the work to run outside the lock: the hooks, then the
// completion event (the library was told before the row was written).
func (s *Service) finishCompleted(dbctx, runCtx context.Context, row store.QueueItem, o outcome, f store.QueueFinish, now time.Time) (string, func()) {
	f.Status, f.FilePath, f.CompletedAt, f.Error = anime.StatusCompleted, o.file.Abs, &now, nil
	f.BytesDownloaded = max(f.BytesDownloaded, f.BytesTotal)
	if f.BytesTotal == 0 {
		f.BytesTotal = f.BytesDownloaded
	}
	if !s.finishRow(dbctx, row.ID, f, now) {
		return "", nil
	}
	row.Status, row.FilePath, row.CompletedAt, row.Error = anime.StatusCompleted, o.file.Abs, &now, nil
	row.BytesDownloaded, row.BytesTotal, row.Attempts = f.BytesDownloaded, f.BytesTotal, f.Attempts
	row.Language = completedLanguage(row, o)
	s.log.Info("queue: download complete", "id", row.ID, "file", o.file.Abs)
	for _, w := range o.warnings {
		s.log.Warn("queue: download completed with a warning", "id", row.ID, "file", o.file.Abs, "warning", w)
	}
	it := s.toItem(row)
	return "Download complete", func() {
		hctx, cancel := context.WithTimeout(runCtx, HookTimeout)
		defer cancel()
		s.runHooks(hctx, it)
		d := downloadData(it)
		d.FilePath, d.Percent, d.Warnings = o.file.Abs, 100, o.warnings
		s.publish(event.DownloadComplete, d)
	}
}

// finishFailed records a failed try: back to pending after a backoff, or
// failed when retries are exhausted or a retry cannot help.
func (s *Service) finishFailed(dbctx context.Context, row store.QueueItem, o outcome, f store.QueueFinish, now time.Time) string {
	msgText := o.err.Error()
	f.Error = &msgText
	f.RetryCount = row.RetryCount + 1
	if permanent(o) || f.RetryCount > s.retries {
		f.Status = anime.StatusFailed
		if f.RetryCount > 1 {
			full := fmt.Sprintf("failed after %d tries: %s", f.RetryCount, msgText)
			f.Error = &full
		}
		if !s.finishRow(dbctx, row.ID, f, now) {
			return ""
		}
		s.log.Warn("queue: download failed", "id", row.ID, "err", *f.Error)
		d := downloadData(s.toItem(row))
		d.Status, d.Error = string(anime.StatusFailed), *f.Error
		s.publish(event.DownloadFailed, d)
		return "Download failed"
	}
	f.Status = anime.StatusPending
	f.NotBefore = now.Add(s.backoffFor(f.RetryCount))
	if !s.finishRow(dbctx, row.ID, f, now) {
		return ""
	}
	s.log.Info("queue: download will be retried", "id", row.ID, "retry", f.RetryCount,
		"at", f.NotBefore, "err", msgText)
	return "Download will be retried"
}

func (s *Service) finishRow(ctx context.Context, id string, f store.QueueFinish, now time.Time) bool {
	if err := s.db.QueueFinish(ctx, id, f, now); err != nil {
		s.log.Error("queue: record outcome", "id", id, "status", f.Status, "err", err)
		return false
	}
	return true
}

func (s *Service) runHooks(ctx context.Context, it Item) {
	for i, h := range s.hooks {
		if err := h(ctx, it); err != nil {
			s.log.Warn("queue: completion hook failed", "id", it.ID, "hook", i, "err", err)
		}
	}
}
