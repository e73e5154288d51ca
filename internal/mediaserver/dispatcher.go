package mediaserver

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/attempt"
)

// Dispatcher queues updates for every configured server and sends them
// in the background; Updated never blocks. Failed updates are tried
// Attempts times with doubling waits; a full queue drops (and logs).
type Dispatcher struct {
	log      *slog.Logger
	queue    chan string
	attempts int
	backoff  time.Duration
	sleep    func(ctx context.Context, d time.Duration) error

	mu      sync.Mutex
	servers []Server
	last    map[string]string // server name -> last error ("" ok)
}

// DispatcherOptions tune a Dispatcher; zero values take defaults.
type DispatcherOptions struct {
	QueueSize int           // 256
	Attempts  int           // 3
	Backoff   time.Duration // 5 s
	Sleep     func(ctx context.Context, d time.Duration) error
	Logger    *slog.Logger
}

// NewDispatcher builds a dispatcher without servers.
func NewDispatcher(o DispatcherOptions) *Dispatcher {
	if o.QueueSize <= 0 {
		o.QueueSize = 256
	}
	if o.Attempts <= 0 {
		o.Attempts = 3
	}
	if o.Backoff <= 0 {
		o.Backoff = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Sleep == nil {
		o.Sleep = attempt.Sleep
	}
	return &Dispatcher{log: o.Logger, queue: make(chan string, o.QueueSize), attempts: o.Attempts,
		backoff: o.Backoff, sleep: o.Sleep, last: map[string]string{}}
}

// SetServers replaces the servers.
func (d *Dispatcher) SetServers(s []Server) {
	d.mu.Lock()
	d.servers = s
	d.mu.Unlock()
}

// Updated queues a library path (a new file, or a folder whose NFO changed).
func (d *Dispatcher) Updated(p string) {
	select {
	case d.queue <- p:
	default:
		d.log.Warn("media server update dropped: queue full", "path", p)
	}
}

// Test checks one server by name.
func (d *Dispatcher) Test(ctx context.Context, name string) error {
	d.mu.Lock()
	var srv Server
	for _, s := range d.servers {
		if s.Name() == name {
			srv = s
		}
	}
	d.mu.Unlock()
	if srv == nil {
		return fmt.Errorf("media server %q: %w", name, anime.ErrNotFound)
	}
	return srv.Test(ctx)
}

// LastErrors answers each server's last update error ("" after a success).
func (d *Dispatcher) LastErrors() map[string]string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]string, len(d.last))
	for k, v := range d.last {
		out[k] = v
	}
	return out
}

// Run sends queued updates until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case p := <-d.queue:
			d.mu.Lock()
			servers := append([]Server(nil), d.servers...)
			d.mu.Unlock()
			for _, s := range servers {
				d.send(ctx, s, p)
			}
		}
	}
}

func (d *Dispatcher) send(ctx context.Context, s Server, p string) {
	var err error
	for a := 1; a <= d.attempts; a++ {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = s.Updated(cctx, p)
		cancel()
		if err == nil || ctx.Err() != nil {
			break
		}
		if a < d.attempts && d.sleep(ctx, d.backoff<<(a-1)) != nil {
			break
		}
	}
	d.mu.Lock()
	if err != nil {
		d.last[s.Name()] = err.Error()
	} else {
		d.last[s.Name()] = ""
	}
	d.mu.Unlock()
	if err != nil {
		d.log.Warn("media server not told", "server", s.Name(), "path", p, "error", err)
	}
}
