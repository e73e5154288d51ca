// Package scheduler runs the periodic library rescan (and, optionally,
// queues every missing episode after it) on an injected clock, so it can
// be reconfigured live and tested without waiting. It calls injected
// functions only; it knows nothing about the library or the queue.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// ErrRunning is returned by Trigger while a rescan runs (here or in the
// library); it wraps anime.ErrConflict.
var ErrRunning = fmt.Errorf("%w: a library rescan is already running", anime.ErrConflict)

// ErrSkip, returned (wrapped) by the rescan function, records the run as
// "skipped" rather than "failed" (e.g. no library directory configured).
var ErrSkip = errors.New("rescan skipped")

// Timer is the part of *time.Timer the scheduler uses.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

// Clock is the time source: Now and a one-shot timer factory.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// RealClock is the wall clock.
type RealClock struct{}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// NewTimer wraps time.NewTimer.
func (RealClock) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time { return r.t.C }
func (r realTimer) Stop() bool          { return r.t.Stop() }

// Settings are the live knobs (config section "scheduler").
type Settings struct {
	Enabled             bool `json:"enabled"`
	IntervalMinutes     int  `json:"interval_minutes"`
	AutoDownloadMissing bool `json:"auto_download_missing"`
}

// Result describes one finished rescan.
type Result struct {
	Status     string    `json:"status" enum:"success,failed,skipped"`
	Trigger    string    `json:"trigger" enum:"scheduled,manual"`
	Message    string    `json:"message"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	DurationMs int64     `json:"duration_ms"`
	// Summary is what the rescan function answered (the library's scan summary).
	Summary any `json:"summary,omitempty"`
	// Queued is how many missing episodes were queued (auto_download_missing).
	Queued int `json:"queued"`
}

// Status is the scheduler's state for GET /api/scheduler/config.
type Status struct {
	Settings
	Running    bool       `json:"running"`
	LastRun    *time.Time `json:"last_run"`
	NextRun    *time.Time `json:"next_run"`
	LastResult *Result    `json:"last_result"`
}

// Options are what the scheduler calls. Rescan is required.
type Options struct {
	// Rescan scans the library and answers a JSON-able summary.
	Rescan func(ctx context.Context) (any, error)
	// ManualRescan, when set, runs instead of Rescan for Trigger: a user
	// asked, so it should not answer from caches; optional.
	ManualRescan func(ctx context.Context) (any, error)
	// Scanning reports whether the library is scanning for another reason
	// (POST /api/anime/rescan); optional.
	Scanning func() bool
	// QueueMissing queues every missing episode and answers how many were
	// added; called after a successful rescan when AutoDownloadMissing.
	QueueMissing func(ctx context.Context) (int, error)
	// OnResult, when set, is called after every rescan with its result
	// (to publish it, or for tests to wait on).
	OnResult func(Result)
	// Clock defaults to RealClock.
	Clock  Clock
	Logger *slog.Logger
}

// Scheduler runs the rescan every IntervalMinutes while enabled. Run owns
// its loop and every rescan goroutine; Run returns only after they ended.
type Scheduler struct {
	opts   Options
	clock  Clock
	log    *slog.Logger
	reconf chan struct{}

	base   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	settings Settings
	anchor   time.Time // the interval counts from here (start, enable, last finish)
	running  bool
	lastRun  *time.Time
	next     *time.Time
	last     *Result
}

// New builds a scheduler with the initial settings; Run starts it.
func New(opts Options, s Settings) (*Scheduler, error) {
	if opts.Rescan == nil {
		return nil, errors.New("scheduler: a rescan function is required")
	}
	if opts.Clock == nil {
		opts.Clock = RealClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	base, cancel := context.WithCancel(context.Background())
	sc := &Scheduler{opts: opts, clock: opts.Clock, log: opts.Logger, reconf: make(chan struct{}, 1),
		base: base, cancel: cancel, settings: s, anchor: opts.Clock.Now()}
	return sc, nil
}

// Configure applies new settings at once. Enabling (or changing the
// interval) counts the interval from the last run, or from now when
// there was none; a due run starts immediately.
func (s *Scheduler) Configure(n Settings) {
	s.mu.Lock()
	if n.Enabled && !s.settings.Enabled && s.lastRun == nil {
		s.anchor = s.clock.Now()
	}
	s.settings = n
	s.mu.Unlock()
	s.poke()
}

func (s *Scheduler) poke() {
	select {
	case s.reconf <- struct{}{}:
	default:
	}
}

// Settings answers the current settings.
func (s *Scheduler) Settings() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings
}

// Status answers settings, last/next run and the last result.
func (s *Scheduler) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Status{Settings: s.settings, Running: s.running, LastRun: s.lastRun, LastResult: s.last}
	if s.settings.Enabled && s.next != nil {
		n := *s.next
		st.NextRun = &n
	}
	if s.last != nil {
		r := *s.last
		st.LastResult = &r
	}
	return st
}

// Running reports whether a rescan started by the scheduler runs.
func (s *Scheduler) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// Trigger starts a rescan now, in the background, and returns at once.
// It answers ErrRunning while one runs (started here or in the library),
// and anime.ErrUnavailable after Run has stopped.
func (s *Scheduler) Trigger() error {
	return s.start(triggerManual)
}

// Result.Trigger values.
const (
	triggerManual    = "manual"
	triggerScheduled = "scheduled"
)

func (s *Scheduler) start(trigger string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.base.Err() != nil {
		return fmt.Errorf("%w: the scheduler has stopped", anime.ErrUnavailable)
	}
	if s.running || (s.opts.Scanning != nil && s.opts.Scanning()) {
		return ErrRunning
	}
	s.running = true
	started := s.clock.Now()
	s.lastRun = &started
	auto := s.settings.AutoDownloadMissing
	s.wg.Go(func() { s.run(trigger, started, auto) })
	return nil
}

func (s *Scheduler) run(trigger string, started time.Time, auto bool) {
	res := Result{Trigger: trigger, StartedAt: started, Status: "success"}
	rescan := s.opts.Rescan
	if trigger == triggerManual && s.opts.ManualRescan != nil {
		rescan = s.opts.ManualRescan
	}
	sum, err := rescan(s.base)
	res.Summary = sum
	switch {
	case errors.Is(err, ErrSkip):
		res.Status, res.Message = "skipped", err.Error()
	case err != nil:
		res.Status, res.Message = "failed", "rescan failed: "+err.Error()
	default:
		res.Message = "rescan complete"
		if auto && s.opts.QueueMissing != nil {
			n, qerr := s.opts.QueueMissing(s.base)
			res.Queued = n
			if qerr != nil {
				res.Status, res.Message = "failed", "rescan complete; queueing missing episodes failed: "+qerr.Error()
			} else {
				res.Message = fmt.Sprintf("rescan complete; %d missing episodes queued", n)
			}
		}
	}
	res.FinishedAt = s.clock.Now()
	res.DurationMs = res.FinishedAt.Sub(started).Milliseconds()
	lvl := slog.LevelInfo
	if res.Status == "failed" {
		lvl = slog.LevelWarn
	}
	s.log.Log(context.Background(), lvl, "scheduled rescan finished", "trigger", trigger, "status", res.Status,
		"message", res.Message, "duration_ms", res.DurationMs)
	s.mu.Lock()
	s.running = false
	s.last = &res
	s.anchor = res.FinishedAt
	s.mu.Unlock()
	s.poke()
	if s.opts.OnResult != nil {
		s.opts.OnResult(res)
	}
}

// Run drives the interval until ctx ends, then cancels a running rescan
// and waits for it. It always returns nil.
func (s *Scheduler) Run(ctx context.Context) error {
	defer func() {
		s.mu.Lock()
		s.cancel()
		s.mu.Unlock()
		s.wg.Wait()
	}()
	for {
		wait, armed := s.plan()
		var timer Timer
		var fire <-chan time.Time
		if armed {
			timer = s.clock.NewTimer(wait)
			fire = timer.C()
		}
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return nil
		case <-s.reconf:
			if timer != nil {
				timer.Stop()
			}
		case <-fire:
			if err := s.start(triggerScheduled); err != nil {
				// Busy: count the next interval from now.
				s.log.Info("scheduled rescan skipped", "reason", err.Error())
				s.mu.Lock()
				s.anchor = s.clock.Now()
				s.mu.Unlock()
			}
		}
	}
}

// plan computes the next run: armed is false while disabled or while a
// rescan runs (its end re-plans).
func (s *Scheduler) plan() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.settings.Enabled || s.settings.IntervalMinutes < 1 {
		s.next = nil
		return 0, false
	}
	next := s.anchor.Add(time.Duration(s.settings.IntervalMinutes) * time.Minute)
	s.next = &next
	if s.running {
		return 0, false
	}
	return max(0, next.Sub(s.clock.Now())), true
}
