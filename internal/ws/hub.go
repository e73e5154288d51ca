// Package ws is the WebSocket hub: it accepts clients on /ws/connect,
// routes published events to the rooms clients joined, keeps slow clients
// from holding anyone else up, and implements event.Publisher.
package ws

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/aniworld/aniworld/internal/event"
)

// Options configures a Hub. Zero values take the documented defaults.
type Options struct {
	// Authenticate reports whether token is valid and until when (a zero
	// time: no known expiry). nil treats every client as anonymous (secure
	// by default). The hub asks again on every join, whenever Revalidate is
	// called (logout, reset), and closes the socket with 1008 once the
	// answer is no or the expiry has passed (by Now).
	Authenticate func(ctx context.Context, token string) (expires time.Time, ok bool)
	// OriginAllowed decides whether a handshake's Origin is acceptable. nil
	// keeps coder/websocket's default: same origin only (a request without
	// an Origin header, i.e. a non-browser client, is always allowed).
	OriginAllowed func(r *http.Request) bool
	// SendBuffer bounds each client's queue of unsent messages (default 64).
	SendBuffer int
	// PingInterval is how long a connection may be idle before the server
	// pings it (default 30 s). A ping unanswered within WriteTimeout closes it.
	PingInterval time.Duration
	// WriteTimeout bounds every write to a client (default 10 s); a write
	// that takes longer tears the connection down.
	WriteTimeout time.Duration
	// MaxMessageBytes bounds a client message (default 64 KiB); a larger one
	// closes the connection with 1009 (message too big).
	MaxMessageBytes int64
	// SlowClientDrops is how many messages a client that is behind may lose
	// to a full buffer before it is disconnected (default SendBuffer).
	SlowClientDrops int
	// SlowClientGrace is how long a client's buffer may stay full before it
	// is disconnected, even without further drops (default 5 s).
	SlowClientGrace time.Duration
	// ShutdownTimeout is how long Run's graceful close waits for clients to
	// answer the 1001 close frame before dropping their connections
	// (default 1 s). A peer that does not answer is not an error.
	ShutdownTimeout time.Duration
	// Limits bound the number of sockets (see Limits for the defaults).
	Limits Limits
	// ClientAddr is the client address a socket counts against (default:
	// the peer's IP). The app passes its trusted-proxy-aware resolver.
	ClientAddr func(r *http.Request) string
	// Refuse writes a refused handshake (over a limit, shutting down,
	// foreign origin). Default: plain text.
	Refuse func(w http.ResponseWriter, r *http.Request, status int, message string)
	// Logger receives connection lifecycle logs (default: discard).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.SendBuffer <= 0 {
		o.SendBuffer = 64
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 30 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.MaxMessageBytes <= 0 {
		o.MaxMessageBytes = 64 << 10
	}
	if o.SlowClientDrops <= 0 {
		o.SlowClientDrops = o.SendBuffer
	}
	if o.SlowClientGrace <= 0 {
		o.SlowClientGrace = 5 * time.Second
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = time.Second
	}
	o.Limits = o.Limits.withDefaults()
	if o.ClientAddr == nil {
		o.ClientAddr = remoteHost
	}
	if o.Refuse == nil {
		o.Refuse = refuse
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Close reasons sent with the close frame.
const (
	reasonShutdown = "server shutting down"
	reasonSlow     = "slow consumer: send buffer overflow"
	reasonPing     = "ping timeout"
	reasonToken    = "token revoked or expired"
)

// ErrClosed is returned by Shutdown when the hub was already shut down.
var ErrClosed = errors.New("ws hub closed")

// Hub is the WebSocket hub. Create it with NewHub; serve it at
// /ws/connect; run Run in the application's errgroup.
type Hub struct {
	opts Options
	log  *slog.Logger

	mu      sync.RWMutex
	clients map[*client]struct{}
	closing bool
	slots   slots

	// wg counts client goroutines (reader and writer of every client).
	wg sync.WaitGroup
}

// NewHub builds a hub from opts.
func NewHub(opts Options) *Hub {
	opts = opts.withDefaults()
	return &Hub{opts: opts, log: opts.Logger, clients: make(map[*client]struct{})}
}

var _ event.Publisher = (*Hub)(nil)

// Run sweeps for clients stuck behind a full buffer or past their token's
// expiry until ctx ends, then shuts the hub down: close 1001 to every
// client, Options.ShutdownTimeout for them to answer, then their
// connections are dropped. A client that did not answer is logged, not an
// error; Run returns when every client goroutine has ended.
func (h *Hub) Run(ctx context.Context) error {
	t := time.NewTicker(h.opts.SlowClientGrace / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.opts.ShutdownTimeout)
			defer cancel()
			err := h.Shutdown(sctx)
			if errors.Is(err, context.DeadlineExceeded) {
				h.log.Info("ws: dropped clients that did not answer the close frame", "waited", h.opts.ShutdownTimeout)
				err = nil
			}
			if err != nil && !errors.Is(err, ErrClosed) {
				return err
			}
			return nil
		case <-t.C:
			h.sweep()
		}
	}
}

// sweep disconnects clients whose buffer has been full for longer than the
// grace period.
func (h *Hub) sweep() {
	now := h.opts.Now()
	var evicted, expired []*client
	h.mu.RLock()
	for c := range h.clients {
		if c.overdue(now) {
			evicted = append(evicted, c)
		} else if c.authed && !c.expires.IsZero() && !now.Before(c.expires) {
			expired = append(expired, c)
		}
	}
	h.mu.RUnlock()
	h.remove(evicted, "ws: disconnecting slow client")
	for _, c := range expired {
		c.kick(websocket.StatusPolicyViolation, reasonToken)
	}
	h.remove(expired, "ws: token expired, disconnecting client")
}

// Revalidate asks Authenticate again about every authenticated client's
// token and closes, with 1008, the sockets whose token was revoked,
// expired or stopped verifying (a reset rotated the signing secret).
// Access control calls it after every logout and reset.
func (h *Hub) Revalidate(ctx context.Context) {
	h.mu.RLock()
	var authed []*client
	for c := range h.clients {
		if c.authed {
			authed = append(authed, c)
		}
	}
	h.mu.RUnlock()
	var gone []*client
	for _, c := range authed {
		if !h.tokenValid(ctx, c) {
			c.kick(websocket.StatusPolicyViolation, reasonToken)
			gone = append(gone, c)
		}
	}
	h.remove(gone, "ws: token no longer valid, disconnecting client")
}

// tokenValid re-checks c's token: not past its expiry, and still accepted
// by Authenticate.
func (h *Hub) tokenValid(ctx context.Context, c *client) bool {
	if !c.authed || h.opts.Authenticate == nil {
		return false
	}
	if !c.expires.IsZero() && !h.opts.Now().Before(c.expires) {
		return false
	}
	_, ok := h.opts.Authenticate(ctx, c.token)
	return ok
}

// Shutdown sends every client a close frame 1001 (going away), refuses new
// connections and waits for all client goroutines. If ctx ends first the
// remaining connections are closed without a handshake, Shutdown still
// waits for their goroutines, and returns ctx's error.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	if h.closing {
		h.mu.Unlock()
		return ErrClosed
	}
	h.closing = true
	all := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		all = append(all, c)
	}
	clear(h.clients)
	h.mu.Unlock()

	for _, c := range all {
		c.kick(websocket.StatusGoingAway, reasonShutdown)
	}
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		// Drop whoever has not answered: closing the hijacked connection
		// ends coder/websocket's wait for the close handshake at once.
		for _, c := range all {
			c.drop()
		}
		<-done
		return fmt.Errorf("ws shutdown: %w", ctx.Err())
	}
}

// Count returns the number of connected clients.
func (h *Hub) Count() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.clients)
}

// Publish routes e to every client in its rooms (see README). It encodes
// the message once, shares the bytes, and never blocks: a client that is
// behind gets progress messages coalesced, then loses messages, then is
// disconnected with close code 1008.
func (h *Hub) Publish(e event.Event) {
	aud := audience(e.Type)
	if aud == 0 {
		h.log.Warn("ws: event type has no audience", "type", e.Type)
		return
	}
	at := e.Time
	if at.IsZero() {
		at = h.opts.Now()
	}
	var msg *outMsg
	var evicted []*client
	now := h.opts.Now()

	h.mu.RLock()
	for c := range h.clients {
		if aud != maskEveryone && roomMask(c.rooms.Load())&aud == 0 {
			continue
		}
		if msg == nil {
			b, err := encode(e.Type, at, e.Data)
			if err != nil {
				h.mu.RUnlock()
				h.log.Error("ws: drop unencodable event", "type", e.Type, "err", err)
				return
			}
			msg = &outMsg{data: b, key: coalesceKey(e)}
		}
		if c.enqueue(msg, now) {
			evicted = append(evicted, c)
		}
	}
	h.mu.RUnlock()
	h.remove(evicted, "ws: disconnecting slow client")
}

// remove unregisters clients that were kicked, so they stop counting and
// stop receiving; their goroutines finish the close on their own. why is
// logged per client.
func (h *Hub) remove(cs []*client, why string) {
	if len(cs) == 0 {
		return
	}
	h.mu.Lock()
	for _, c := range cs {
		delete(h.clients, c)
	}
	h.mu.Unlock()
	for _, c := range cs {
		h.log.Warn(why, "connection_id", c.id)
	}
}

// register adds c unless the hub is shutting down; it also accounts for
// the two goroutines the caller is about to run.
func (h *Hub) register(c *client) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return false
	}
	h.clients[c] = struct{}{}
	h.wg.Add(2)
	return true
}

// unregister removes c when its connection ends.
func (h *Hub) unregister(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
}
