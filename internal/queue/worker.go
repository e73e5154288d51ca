package queue

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/store"
)

// job is one running download.
type job struct {
	row    store.QueueItem
	cancel context.CancelFunc
	done   chan struct{}
	// removed is set (under Service.mu) when the user removed the item.
	removed bool

	pmu       sync.Mutex // guards the progress fields below
	target    string
	startAt   time.Time
	startByte int64
	bytes     int64
	total     int64
	lastSave  time.Time
	tryStart  bool
}

// progressSnapshot is the live progress: speed is the average since this
// try started, ETA the rest at that speed.
func (j *job) progressSnapshot(now time.Time) *anime.Progress {
	j.pmu.Lock()
	defer j.pmu.Unlock()
	return j.progressLocked(now)
}

func (j *job) progressLocked(now time.Time) *anime.Progress {
	p := &anime.Progress{Percent: percent(j.bytes, j.total), DownloadedMB: mb(j.bytes), TotalMB: mb(j.total)}
	if el := now.Sub(j.startAt).Seconds(); j.tryStart && el > 0 {
		bps := float64(j.bytes-j.startByte) / el
		if bps > 0 {
			p.SpeedMbps = bps / mib
			if j.total > j.bytes {
				p.ETASeconds = int(float64(j.total-j.bytes)/bps + 0.5)
			}
		}
	}
	return p
}

// Run executes queued downloads until ctx ends, with at most the current
// concurrency at once, and returns after every worker it started has
// stopped. Downloads interrupted by ctx go back to pending and resume next
// time. Only one Run per Service may be active (anime.ErrConflict).
func (s *Service) Run(ctx context.Context) error {
	if !s.runGuard.TryLock() {
		return fmt.Errorf("queue run: %w: already running", anime.ErrConflict)
	}
	defer s.runGuard.Unlock()
	var wg sync.WaitGroup
	defer wg.Wait()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		wait := s.dispatch(ctx, &wg)
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		if wait > 0 {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
		case <-timer.C:
		}
	}
}

// dispatch starts as many items as the state and concurrency allow and
// answers how long until an item in backoff becomes runnable (0: none).
//
// The whole pass reads the clock once: claiming and scheduling the next
// wake-up must split the pending items at the same instant, or an item
// falling due between two readings is neither claimed (not yet due at the
// first) nor scheduled (no longer in the future at the second) and waits
// for an unrelated poke.
func (s *Service) dispatch(ctx context.Context, wg *sync.WaitGroup) time.Duration {
	now := s.now()
	for ctx.Err() == nil {
		s.mu.Lock()
		if !s.running || s.paused || len(s.active) >= s.maxConc {
			s.mu.Unlock()
			break
		}
		row, err := s.db.QueueClaim(ctx, now)
		if err != nil {
			s.mu.Unlock()
			if errors.Is(err, anime.ErrNotFound) {
				break
			}
			if ctx.Err() == nil {
				s.log.Error("queue: claim next item", "err", err)
			}
			return time.Second
		}
		j, jctx := s.startLocked(ctx, row)
		s.mu.Unlock()
		s.announce(row)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer j.cancel()
			s.process(ctx, jctx, j)
		}()
	}
	if ctx.Err() != nil {
		return 0
	}
	running, paused := s.State()
	if !running || paused {
		return 0
	}
	t, ok, err := s.db.QueueNextWake(ctx, now)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("queue: next retry time", "err", err)
		}
		return time.Second
	}
	if !ok {
		return 0
	}
	return max(t.Sub(now), time.Millisecond)
}

// startLocked makes a claimed row an active job (under s.mu) and answers
// it with its context, a child of ctx that Remove cancels.
func (s *Service) startLocked(ctx context.Context, row store.QueueItem) (*job, context.Context) {
	jctx, cancel := context.WithCancel(ctx)
	j := &job{row: row, cancel: cancel, done: make(chan struct{}), target: row.TargetPath,
		bytes: row.BytesDownloaded, total: row.BytesTotal}
	s.active[row.ID] = j
	return j, jctx
}

// announce logs and publishes that a claimed item started.
func (s *Service) announce(row store.QueueItem) {
	it := s.toItem(row)
	s.log.Info("queue: download started", "id", row.ID, "serie", row.SerieID, "episode", it.Episode.String())
	s.publish(event.DownloadStarted, downloadData(it))
}

// HookTimeout bounds the OnComplete hooks of one item; they are also
// cancelled when Run stops.
const HookTimeout = 5 * time.Minute

// outcome is what one try of an item produced.
type outcome struct {
	stage    string // where it ended: StageResolve or StageDownload
	stream   anime.Stream
	target   anime.Target
	file     anime.Target // the finished file
	warnings []string     // the engine's notes on a finished download
	attempts []Attempt
	transfer time.Duration
	err      error
}

// process runs one try of an item and records its outcome.
func (s *Service) process(runCtx, ctx context.Context, j *job) {
	o := s.try(ctx, j)
	s.finish(runCtx, j, o)
}

func (s *Service) try(ctx context.Context, j *job) outcome {
	s.titleBeforeDownload(ctx, &j.row)
	row := j.row
	o := outcome{stage: StageResolve, attempts: decodeAttempts(row.Attempts)}
	it := s.toItem(row)
	stream, err := s.resolve(ctx, row, it.Episode, &o)
	if err != nil {
		o.err = fmt.Errorf("no stream: %w", err)
		return o
	}
	o.stream = stream
	lang := stream.Lang
	if lang == anime.LangUnknown {
		lang = row.Language
	}
	target, err := s.targetFor(ctx, row, it.Episode, lang)
	if err != nil {
		o.err = fmt.Errorf("name target file: %w", err)
		return o
	}
	// Partial data from an earlier try is only resumed when it came from
	// the same hoster and language at the same path; anything else would
	// splice two different encodes.
	startBytes := row.BytesDownloaded
	if row.TargetPath != "" && (row.TargetPath != target.Abs || row.Hoster != stream.Hoster || row.Language != stream.Lang) {
		if err := s.dl.Cleanup(row.TargetPath); err != nil {
			s.log.Warn("queue: remove stale partial download", "id", row.ID, "err", err)
		}
		startBytes = 0
	}
	o.target, o.stage = target, StageDownload
	if err := s.db.QueueSetStream(ctx, row.ID, stream.Hoster, stream.Lang, stream.URL, target.Abs, target.Rel, s.now()); err != nil {
		o.err = err
		return o
	}
	// Progress events name the stream from here on.
	j.row.Hoster, j.row.Language = stream.Hoster, stream.Lang
	j.pmu.Lock()
	j.target, j.startAt, j.startByte, j.bytes, j.tryStart = target.Abs, s.now(), startBytes, startBytes, true
	j.pmu.Unlock()
	start := s.now()
	file, res, err := s.download(ctx, row.SerieID, it.Episode, stream, lang, target, func(done, total int64) { s.onProgress(ctx, j, done, total) })
	o.file, o.warnings, o.err = file, res.Warnings, err
	o.transfer = s.now().Sub(start)
	a := Attempt{Stage: StageDownload, Hoster: stream.Hoster, Language: stream.Lang, OK: o.err == nil,
		Warnings: o.warnings, At: s.now().UTC()}
	if o.err != nil {
		a.Error = o.err.Error()
		o.err = fmt.Errorf("download from %s: %w", hosterName(stream), o.err)
	}
	o.attempts = append(o.attempts, a)
	return o
}

// resolve asks the resolver for a stream, avoiding hosters whose
// downloads failed before, and appends its attempts to o's log.
func (s *Service) resolve(ctx context.Context, row store.QueueItem, ep anime.EpisodeRef, o *outcome) (anime.Stream, error) {
	req := ResolveRequest{SerieID: row.SerieID, SerieFolder: row.SerieFolder, SerieName: row.SerieName,
		Episode: ep, Avoid: failedHosters(o.attempts)}
	stream, atts, err := s.resolver.Resolve(ctx, req)
	now := s.now().UTC()
	for _, a := range atts {
		if a.Stage == "" {
			a.Stage = StageResolve
		}
		if a.At.IsZero() {
			a.At = now
		}
		o.attempts = append(o.attempts, a)
	}
	return stream, err
}

func hosterName(s anime.Stream) string {
	if s.Hoster == "" {
		return "stream"
	}
	return s.Hoster
}

// failedHosters are the hosters whose downloads failed on earlier tries
// of the item, for ResolveRequest.Avoid.
func failedHosters(as []Attempt) []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range as {
		if a.Stage == StageDownload && !a.OK && a.Hoster != "" && !seen[a.Hoster] {
			seen[a.Hoster] = true
			out = append(out, a.Hoster)
		}
	}
	return out
}

// onProgress records live progress, publishes it (each report: the
// download engine paces them, download.DefaultProgressInterval) and
// persists the byte counts (throttled) so statistics and crash recovery
// see them.
func (s *Service) onProgress(ctx context.Context, j *job, done, total int64) {
	now := s.now()
	j.pmu.Lock()
	j.bytes, j.total = done, total
	save := now.Sub(j.lastSave) >= s.saveIvl
	if save {
		j.lastSave = now
	}
	p := j.progressLocked(now)
	j.pmu.Unlock()
	if save {
		if err := s.db.QueueProgress(ctx, j.row.ID, done, total); err != nil && ctx.Err() == nil {
			s.log.Warn("queue: record progress", "id", j.row.ID, "err", err)
		}
	}
	d := rowData(j.row)
	d.Status = string(anime.StatusDownloading)
	d.Percent, d.DownloadedMB, d.TotalMB = p.Percent, p.DownloadedMB, p.TotalMB
	d.SpeedMbps, d.ETASeconds = p.SpeedMbps, p.ETASeconds
	s.publish(event.DownloadProgress, d)
}

// permanent reports outcomes a retry cannot fix: the resolver says the
// episode does not exist (or the request is invalid) — not merely that no
// hoster worked right now (ErrUnavailable). Download errors are never
// permanent: an expired or broken media URL (even a 404) is fixed by
// resolving again, possibly at another hoster.
//
// An error may decide itself through a Permanent() bool method: the
// provider's ResolveError is permanent when every link it tried was a
// removed video (anime.ErrNotFound), which no retry brings back.
func permanent(o outcome) bool {
	if o.stage != StageResolve {
		return false
	}
	var d interface{ Permanent() bool }
	if errors.As(o.err, &d) {
		return d.Permanent()
	}
	if errors.Is(o.err, anime.ErrUnavailable) {
		return false
	}
	return errors.Is(o.err, anime.ErrNotFound) || errors.Is(o.err, anime.ErrInvalid)
}

// backoffFor is the wait before retry number n (1-based).
func (s *Service) backoffFor(n int) time.Duration {
	d := s.backoff
	for i := 1; i < n && d < s.maxBack; i++ {
		d *= 2
	}
	return min(d, s.maxBack)
}
