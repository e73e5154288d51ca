package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/attempt"
)

// Target is one configured destination.
type Target struct {
	Name   string
	Events []Kind
	// Key identifies the configuration (e.g. the URL): a target whose key
	// did not change keeps its queue across Configure.
	Key    string
	Sender Sender
}

// Defaults for Options left zero.
const (
	DefaultQueueSize   = 64
	DefaultMaxAttempts = 8
	DefaultBackoff     = 2 * time.Second
	DefaultMaxBackoff  = 10 * time.Minute
)

// Options configures a Notifier.
type Options struct {
	// QueueSize bounds each target's queue; a message that finds it full
	// is dropped, counted and logged.
	QueueSize int
	// MaxAttempts is how often one message is tried before it is given up.
	MaxAttempts int
	// Backoff is the wait after the first failure; it doubles per attempt
	// up to MaxBackoff.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// Sleep waits d or until ctx ends (a real timer when nil; tests inject).
	Sleep  func(ctx context.Context, d time.Duration) error
	Logger *slog.Logger
}

// TargetStats is a target's delivery counters.
type TargetStats struct {
	Name      string `json:"name"`
	Queued    int    `json:"queued"`
	Sent      int    `json:"sent"`
	Failed    int    `json:"failed"`
	Dropped   int    `json:"dropped"`
	Retries   int    `json:"retries"`
	LastError string `json:"last_error,omitempty"`
}

// Notifier fans messages out to targets. Notify never blocks.
type Notifier struct {
	o   Options
	log *slog.Logger

	mu      sync.Mutex
	workers map[string]*worker
	ctx     context.Context // set while Run runs
	wg      sync.WaitGroup
}

type worker struct {
	t      Target
	ch     chan Message
	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex
	stats TargetStats
}

// New builds a notifier without targets.
func New(o Options) *Notifier {
	if o.QueueSize <= 0 {
		o.QueueSize = DefaultQueueSize
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.Sleep == nil {
		o.Sleep = attempt.Sleep
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Notifier{o: o, log: o.Logger, workers: map[string]*worker{}}
}

// Configure replaces the targets. Targets whose name and key are unchanged
// keep their queue; removed ones are stopped (their pending messages are
// dropped).
func (n *Notifier) Configure(targets []Target) {
	n.mu.Lock()
	defer n.mu.Unlock()
	keep := map[string]bool{}
	for _, t := range targets {
		keep[t.Name] = true
		if w, ok := n.workers[t.Name]; ok && w.t.Key == t.Key {
			w.t.Events = t.Events
			continue
		} else if ok {
			n.stopLocked(w)
		}
		w := &worker{t: t, ch: make(chan Message, n.o.QueueSize), stats: TargetStats{Name: t.Name}}
		n.workers[t.Name] = w
		if n.ctx != nil {
			n.startLocked(w)
		}
	}
	for name, w := range n.workers {
		if !keep[name] {
			n.stopLocked(w)
			delete(n.workers, name)
		}
	}
}

func (n *Notifier) startLocked(w *worker) {
	ctx, cancel := context.WithCancel(n.ctx)
	w.cancel, w.done = cancel, make(chan struct{})
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		defer close(w.done)
		n.loop(ctx, w)
	}()
}

func (n *Notifier) stopLocked(w *worker) {
	if w.cancel != nil {
		w.cancel()
		<-w.done
	}
}

// Run starts the targets' senders and stops them when ctx ends, waiting
// for them.
func (n *Notifier) Run(ctx context.Context) error {
	n.mu.Lock()
	if n.ctx != nil {
		n.mu.Unlock()
		return errors.New("notify: Run called twice")
	}
	n.ctx = ctx
	for _, w := range n.workers {
		n.startLocked(w)
	}
	n.mu.Unlock()
	<-ctx.Done()
	n.wg.Wait()
	return nil
}

// Notify queues m for every target subscribed to its event. It never
// blocks: a full queue drops the message (counted and logged).
func (n *Notifier) Notify(m Message) {
	if m.Time.IsZero() {
		m.Time = time.Now().UTC()
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, w := range n.workers {
		if !slices.Contains(w.t.Events, m.Event) {
			continue
		}
		select {
		case w.ch <- m:
			w.mu.Lock()
			w.stats.Queued++
			w.mu.Unlock()
		default:
			w.mu.Lock()
			w.stats.Dropped++
			w.mu.Unlock()
			n.log.Warn("notification dropped: target queue full", "target", w.t.Name, "event", m.Event, "queue_size", n.o.QueueSize)
		}
	}
}

// Test sends m to one target now, once, and answers the result.
func (n *Notifier) Test(ctx context.Context, name string, m Message) error {
	n.mu.Lock()
	w, ok := n.workers[name]
	n.mu.Unlock()
	if !ok {
		return fmt.Errorf("notification target %q: %w", name, anime.ErrNotFound)
	}
	return w.t.Sender.Send(ctx, m)
}

// Stats answers every target's counters, by name.
func (n *Notifier) Stats() []TargetStats {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]TargetStats, 0, len(n.workers))
	for _, w := range n.workers {
		w.mu.Lock()
		st := w.stats
		st.Queued = len(w.ch)
		w.mu.Unlock()
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b TargetStats) int {
		if a.Name < b.Name {
			return -1
		}
		return 1
	})
	return out
}

func (n *Notifier) loop(ctx context.Context, w *worker) {
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-w.ch:
			n.deliver(ctx, w, m)
		}
	}
}

// deliver tries m until it is sent, fails permanently, runs out of
// attempts, or ctx ends.
func (n *Notifier) deliver(ctx context.Context, w *worker, m Message) {
	for attempt := 1; ; attempt++ {
		err := w.t.Sender.Send(ctx, m)
		w.mu.Lock()
		if err == nil {
			w.stats.Sent++
			w.stats.LastError = ""
			w.mu.Unlock()
			return
		}
		w.stats.LastError = err.Error()
		final := errors.Is(err, ErrPermanent) || attempt >= n.o.MaxAttempts || ctx.Err() != nil
		if final {
			w.stats.Failed++
		} else {
			w.stats.Retries++
		}
		w.mu.Unlock()
		if final {
			n.log.Warn("notification not delivered", "target", w.t.Name, "event", m.Event, "attempts", attempt, "error", err)
			return
		}
		wait := n.o.Backoff << (attempt - 1)
		if wait > n.o.MaxBackoff || wait <= 0 {
			wait = n.o.MaxBackoff
		}
		if n.o.Sleep(ctx, wait) != nil {
			return
		}
	}
}
