// Package queue is the persistent download queue: it stores episodes to
// download in SQLite, runs them with a bounded number of workers in
// priority order, retries failures with exponential backoff, survives
// crashes without losing or duplicating an item, and publishes every change
// as an event. See README.md for the design.
package queue

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/store"
)

// Attempt is one entry of an item's attempt log: a hoster/language the
// resolver tried, or a download from a resolved stream.
type Attempt struct {
	// Stage is "resolve" (finding a stream) or "download" (fetching it).
	Stage    string         `json:"stage"`
	Hoster   string         `json:"hoster,omitempty"`
	Language anime.Language `json:"language,omitempty"`
	OK       bool           `json:"ok"`
	Error    string         `json:"error,omitempty"`
	// Warnings are the download engine's notes on a finished download.
	Warnings []string  `json:"warnings,omitempty"`
	At       time.Time `json:"at"`
}

// Attempt stages.
const (
	StageResolve  = "resolve"
	StageDownload = "download"
)

// ResolveRequest names the episode to find a stream for.
type ResolveRequest struct {
	SerieID     string
	SerieFolder string
	SerieName   string
	Episode     anime.EpisodeRef
	// Avoid lists hosters whose streams failed to download on earlier
	// tries of this item; the resolver should prefer others, and may still
	// use them when nothing else is left.
	Avoid []string
}

// Resolver turns an episode into a playable stream, falling back across
// hosters and languages. It returns the log of what it tried, also when it
// fails.
type Resolver interface {
	Resolve(ctx context.Context, req ResolveRequest) (anime.Stream, []Attempt, error)
}

// ProgressFunc receives a download's byte counts; total is 0 while unknown.
type ProgressFunc func(done, total int64)

// NameFunc chooses a finished download's path from what the file holds
// (resolution and codec; ext is the extension it got, ".mkv", ".ts" …).
type NameFunc func(media anime.MediaInfo, ext string) (string, error)

// Downloader fetches a stream to a target path. Download writes
// <target>.part, resumes it when it already exists, and once complete
// renames it to the path name answers (the target with the file's
// extension when name is nil); it returns that final path. Cleanup
// removes the partial data of target (<target>.part and temporary files),
// never a finished file.
type Downloader interface {
	Download(ctx context.Context, s anime.Stream, target string, progress ProgressFunc, name NameFunc) (Downloaded, error)
	Cleanup(target string) error
}

// Downloaded is what a finished download produced: the final file's path
// and the engine's warnings about it (e.g. "ffmpeg not available: kept
// mpegts as .ts"), which the queue puts in the attempt log, the log, the
// download_complete event and the completed item.
type Downloaded struct {
	Path     string
	Warnings []string
}

// Library names downloads and records finished ones (library.Service).
type Library interface {
	// DownloadTarget names the download of an episode in lang: the file
	// it and its .part live under. The queue asks once per item and
	// language and stores the answer on the item.
	DownloadTarget(ctx context.Context, key string, ep anime.EpisodeRef, lang anime.Language) (anime.Target, error)
	// FinalTarget names the finished file of a download that went to t
	// from what it holds (media, and ext, the extension it got).
	FinalTarget(ctx context.Context, key string, ep anime.EpisodeRef, lang anime.Language, t anime.Target,
		media anime.MediaInfo, ext string) (anime.Target, error)
	// MarkDownloaded records the finished file, so the episode is no
	// longer missing.
	MarkDownloaded(ctx context.Context, key string, ep anime.EpisodeRef, lang anime.Language, file anime.Target) error
}

// Hook runs after an item completed (library update, NFO). A hook's error
// is logged; the item stays completed.
type Hook func(ctx context.Context, item Item) error

// Item is a download item as the API shows it, plus its attempt log.
type Item struct {
	anime.DownloadItem
	// Warnings are the download engine's notes on a completed item's file
	// (from its last download attempt).
	Warnings []string  `json:"warnings,omitempty"`
	Attempts []Attempt `json:"attempts,omitempty"`
}

// FailedItem is an episode Add could not queue, and why.
type FailedItem struct {
	Episode anime.EpisodeRef `json:"episode"`
	Error   string           `json:"error"`
}

// AddRequest is what the API's POST /api/queue/add decodes to.
type AddRequest struct {
	SerieID     string
	SerieFolder string
	SerieName   string
	Episodes    []anime.EpisodeRef
	Priority    anime.Priority
}

// Defaults for Options left zero.
const (
	DefaultMaxConcurrent   = 2
	DefaultMaxRetries      = 3
	DefaultRetryBackoff    = 10 * time.Second
	DefaultMaxRetryBackoff = 10 * time.Minute
	DefaultListLimit       = 50
	DefaultPersistInterval = 2 * time.Second
)

// Options configures a Service. Store, Resolver, Downloader and Library
// are required.
type Options struct {
	Store      *store.DB
	Resolver   Resolver
	Downloader Downloader
	Library    Library
	// OnComplete runs after an item completed and the library recorded
	// its file (NFO, automation).
	OnComplete []Hook
	// Catalog, when set, makes Add refuse unknown series and fill in
	// missing episode titles (catalog.go).
	Catalog   Catalog
	Publisher event.Publisher
	Logger    *slog.Logger
	// MaxConcurrent is the number of simultaneous downloads.
	MaxConcurrent int
	// MaxRetries is how many times a failed item is tried again before it
	// is marked failed (so 1+MaxRetries tries); negative means none.
	MaxRetries int
	// RetryBackoff is the wait before the first retry; it doubles on each
	// further retry, up to MaxRetryBackoff.
	RetryBackoff    time.Duration
	MaxRetryBackoff time.Duration
	// ListLimit caps each list in Status (pending, completed, failed).
	ListLimit int
	// PersistInterval throttles writing byte counts of running items.
	PersistInterval time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// SkipRecovery leaves items in the downloading state alone at start:
	// a one-shot command (RunItems) beside a server that may be running
	// them. The server's queue recovers them when it starts.
	SkipRecovery bool
}

// Service is the download queue. Every method is safe for concurrent use;
// Run executes the downloads.
type Service struct {
	db       *store.DB
	resolver Resolver
	dl       Downloader
	lib      Library
	hooks    []Hook
	catalog  Catalog
	pub      event.Publisher
	log      *slog.Logger
	retries  int
	backoff  time.Duration
	maxBack  time.Duration
	limit    int
	saveIvl  time.Duration
	now      func() time.Time
	wake     chan struct{}
	runGuard sync.Mutex // held by Run for its lifetime

	mu      sync.Mutex // guards the fields below
	running bool
	paused  bool
	maxConc int
	active  map[string]*job
}

// New builds the queue on an opened store. It restores the running/paused
// state the user left and puts items a crashed process left downloading
// back to pending, so they resume from their partial data.
func New(ctx context.Context, o Options) (*Service, error) {
	if o.Store == nil || o.Resolver == nil || o.Downloader == nil || o.Library == nil {
		return nil, fmt.Errorf("queue: store, resolver, downloader and library are required: %w", anime.ErrInvalid)
	}
	s := &Service{
		db: o.Store, resolver: o.Resolver, dl: o.Downloader, lib: o.Library,
		hooks: append([]Hook(nil), o.OnComplete...), catalog: o.Catalog, pub: o.Publisher, log: o.Logger,
		retries: o.MaxRetries, backoff: o.RetryBackoff, maxBack: o.MaxRetryBackoff,
		limit: o.ListLimit, saveIvl: o.PersistInterval,
		now: o.Now, maxConc: o.MaxConcurrent,
		wake: make(chan struct{}, 1), active: map[string]*job{},
	}
	if s.pub == nil {
		s.pub = event.Discard{}
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.retries == 0 {
		s.retries = DefaultMaxRetries
	} else if s.retries < 0 {
		s.retries = 0
	}
	if s.backoff <= 0 {
		s.backoff = DefaultRetryBackoff
	}
	if s.maxBack <= 0 {
		s.maxBack = max(DefaultMaxRetryBackoff, s.backoff)
	}
	if s.limit <= 0 {
		s.limit = DefaultListLimit
	}
	if s.saveIvl <= 0 {
		s.saveIvl = DefaultPersistInterval
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxConc <= 0 {
		s.maxConc = DefaultMaxConcurrent
	}
	if !o.SkipRecovery {
		n, err := s.db.QueueRecover(ctx, s.now())
		if err != nil {
			return nil, fmt.Errorf("queue: %w", err)
		}
		if n > 0 {
			s.log.Info("queue: resuming interrupted downloads", "count", n)
		}
	}
	var err error
	if s.running, s.paused, err = s.db.QueueState(ctx); err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return s, nil
}

// Start starts processing the queue and persists that choice.
func (s *Service) Start(ctx context.Context) error {
	return s.setState(ctx, true, false, event.QueueStarted, "Queue processing started")
}

// Stop stops starting new items (active downloads finish) and persists
// that choice.
func (s *Service) Stop(ctx context.Context) error {
	return s.setState(ctx, false, false, event.QueueStopped, "Queue processing stopped")
}

// Pause is Stop that remembers the queue is paused rather than stopped:
// no new item starts, active downloads finish, Resume continues.
func (s *Service) Pause(ctx context.Context) error {
	return s.setState(ctx, true, true, event.QueueStopped, "Queue processing paused")
}

// Resume continues a paused or stopped queue.
func (s *Service) Resume(ctx context.Context) error {
	return s.setState(ctx, true, false, event.QueueStarted, "Queue processing resumed")
}

func (s *Service) setState(ctx context.Context, running, paused bool, t event.Type, msg string) error {
	s.mu.Lock()
	err := s.db.SetQueueState(ctx, running, paused, s.now())
	if err == nil {
		s.running, s.paused = running, paused
	}
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	s.poke()
	s.publishQueue(ctx, t, msg)
	return nil
}

// State reports whether the queue is running and whether it is paused.
func (s *Service) State() (running, paused bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running, s.paused
}

// SetConcurrency changes the number of simultaneous downloads at once.
// Lowering it lets running downloads finish; none is interrupted.
func (s *Service) SetConcurrency(n int) error {
	if n < 1 {
		return fmt.Errorf("%w: concurrency must be at least 1, got %d", anime.ErrInvalid, n)
	}
	s.mu.Lock()
	s.maxConc = n
	s.mu.Unlock()
	s.poke()
	return nil
}

// Concurrency is the current number of simultaneous downloads allowed.
func (s *Service) Concurrency() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxConc
}

// Get returns one item.
func (s *Service) Get(ctx context.Context, id string) (Item, error) {
	row, err := s.db.QueueGet(ctx, id)
	if err != nil {
		return Item{}, err
	}
	it := s.toItem(row)
	s.mu.Lock()
	if j, ok := s.active[id]; ok {
		it.Progress = j.progressSnapshot(s.now())
	}
	s.mu.Unlock()
	return it, nil
}

// poke wakes the dispatcher without blocking.
func (s *Service) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
