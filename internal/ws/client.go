package ws

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/aniworld/aniworld/internal/event"
)

// outMsg is one encoded server message, shared read-only by every client
// it is queued for. key is its coalescing key (zero = never coalesced).
type outMsg struct {
	data []byte
	key  msgKey
}

// client is one connection: a bounded queue filled by publishers and
// drained by the writer goroutine; a reader goroutine handles requests.
type client struct {
	h      *Hub
	id     string
	conn   *websocket.Conn
	raw    net.Conn // the hijacked connection under conn; nil in unit tests
	authed bool
	// token and expires are the credentials an authenticated client
	// connected with (fixed for the connection's life); see Hub.tokenValid.
	token   string
	expires time.Time
	rooms   atomic.Uint32 // roomMask

	mu        sync.Mutex
	queue     []*outMsg
	spare     []*outMsg      // the writer's previous batch, reused
	keyIdx    map[msgKey]int // coalescing key -> index in queue
	drops     int
	fullSince time.Time
	kicked    bool
	code      websocket.StatusCode
	reason    string

	wake    chan struct{} // cap 1: queue became non-empty
	kickCh  chan struct{} // closed on kick
	isKickd atomic.Bool
}

func newClient(h *Hub, id string, conn *websocket.Conn, authed bool) *client {
	return &client{
		h: h, id: id, conn: conn, authed: authed,
		queue:  make([]*outMsg, 0, h.opts.SendBuffer),
		spare:  make([]*outMsg, 0, h.opts.SendBuffer),
		keyIdx: make(map[msgKey]int),
		wake:   make(chan struct{}, 1),
		kickCh: make(chan struct{}),
	}
}

// enqueue queues m without blocking. A progress message replaces a queued,
// unsent one of the same download; a full queue drops m. It reports true
// when this call decided to disconnect the client for being too slow.
func (c *client) enqueue(m *outMsg, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kicked {
		return false
	}
	if m.key != (msgKey{}) {
		if i, ok := c.keyIdx[m.key]; ok {
			c.queue[i] = m
			return false
		}
	} else if len(c.keyIdx) > 0 {
		// Any other message is a barrier: a later progress message must not
		// overtake it by replacing an earlier queued one.
		clear(c.keyIdx)
	}
	if len(c.queue) >= c.h.opts.SendBuffer {
		c.drops++
		if c.fullSince.IsZero() {
			c.fullSince = now
		}
		if c.drops >= c.h.opts.SlowClientDrops || now.Sub(c.fullSince) >= c.h.opts.SlowClientGrace {
			c.kickLocked(websocket.StatusPolicyViolation, reasonSlow)
			return true
		}
		return false
	}
	c.queue = append(c.queue, m)
	if m.key != (msgKey{}) {
		c.keyIdx[m.key] = len(c.queue) - 1
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return false
}

// overdue kicks the client if its buffer has stayed full past the grace
// period, reporting whether it did.
func (c *client) overdue(now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kicked || c.fullSince.IsZero() || now.Sub(c.fullSince) < c.h.opts.SlowClientGrace {
		return false
	}
	c.kickLocked(websocket.StatusPolicyViolation, reasonSlow)
	return true
}

// kick asks the writer to close the connection with code and reason.
func (c *client) kick(code websocket.StatusCode, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.kickLocked(code, reason)
}

func (c *client) kickLocked(code websocket.StatusCode, reason string) {
	if c.kicked {
		return
	}
	c.kicked, c.code, c.reason = true, code, reason
	c.isKickd.Store(true)
	close(c.kickCh)
}

// take swaps out the queued messages for the writer. When the queue is
// already empty the client has caught up: its drop count is forgiven.
func (c *client) take() []*outMsg {
	c.mu.Lock()
	defer c.mu.Unlock()
	batch := c.queue
	c.queue = c.spare[:0]
	c.spare = nil
	clear(c.keyIdx)
	if len(batch) == 0 {
		c.drops, c.fullSince = 0, time.Time{}
	}
	return batch
}

// giveBack returns a written batch for reuse.
func (c *client) giveBack(batch []*outMsg) {
	clear(batch)
	c.mu.Lock()
	c.spare = batch[:0]
	c.mu.Unlock()
}

// send queues a per-client reply (connected, pong, confirmations, errors).
func (c *client) send(t event.Type, data any) {
	b, err := encode(t, c.h.opts.Now(), data)
	if err != nil {
		c.h.log.Error("ws: encode reply", "type", t, "err", err)
		return
	}
	if c.enqueue(&outMsg{data: b}, c.h.opts.Now()) {
		c.h.remove([]*client{c}, "ws: disconnecting slow client")
	}
}

// writeLoop drains the queue, pings idle connections and performs the
// close handshake once the client is kicked.
func (c *client) writeLoop() {
	defer c.h.wg.Done()
	ping := time.NewTicker(c.h.opts.PingInterval)
	defer ping.Stop()
	lastWrite := time.Now()
	for {
		select {
		case <-c.kickCh:
			c.closeKicked()
			return
		case <-c.wake:
			if !c.flush() {
				return
			}
			lastWrite = time.Now()
		case <-ping.C:
			if time.Since(lastWrite) < c.h.opts.PingInterval {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), c.h.opts.WriteTimeout)
			err := c.conn.Ping(ctx)
			cancel()
			if err != nil {
				c.kick(websocket.StatusPolicyViolation, reasonPing)
				c.h.unregister(c)
				continue
			}
			lastWrite = time.Now()
		}
	}
}

// flush writes the queued batch; false means the connection is gone.
func (c *client) flush() bool {
	batch := c.take()
	for _, m := range batch {
		if c.isKickd.Load() {
			break // the kick branch closes with the right code
		}
		ctx, cancel := context.WithTimeout(context.Background(), c.h.opts.WriteTimeout)
		err := c.conn.Write(ctx, websocket.MessageText, m.data)
		cancel()
		if err != nil {
			c.h.unregister(c)
			c.kick(websocket.StatusInternalError, "write failed")
			_ = c.conn.CloseNow()
			if !errors.Is(err, context.DeadlineExceeded) && websocket.CloseStatus(err) == -1 {
				c.h.log.Debug("ws: write failed", "connection_id", c.id, "err", err)
			}
			return false
		}
	}
	c.giveBack(batch)
	return true
}

// drop closes the connection without a handshake, also while a close
// handshake is waiting for a peer that does not read.
func (c *client) drop() {
	if c.raw != nil {
		_ = c.raw.Close()
	}
	_ = c.conn.CloseNow()
}

func (c *client) closeKicked() {
	c.mu.Lock()
	code, reason := c.code, c.reason
	c.mu.Unlock()
	_ = c.conn.Close(code, reason)
}

// readLoop handles client requests until the connection closes, then
// unregisters the client and makes sure the writer stops.
func (c *client) readLoop() {
	defer c.h.wg.Done()
	defer func() {
		c.h.unregister(c)
		c.kick(websocket.StatusNormalClosure, "")
	}()
	ctx := context.Background()
	for {
		typ, b, err := c.conn.Read(ctx)
		if err != nil {
			return
		}
		if typ != websocket.MessageText {
			c.send(event.Error, &protoError{CodeBinary, "binary frames are not supported; send JSON text"})
			continue
		}
		req, err := parseRequest(b)
		if err != nil {
			var pe *protoError
			if errors.As(err, &pe) {
				c.send(event.Error, pe)
			}
			continue
		}
		c.handle(req)
	}
}

// handle answers one valid request.
func (c *client) handle(req request) {
	switch req.verb {
	case "ping":
		c.send(event.Pong, map[string]string{"message": "pong"})
	case "join":
		if !c.authed {
			c.send(event.Error, &protoError{CodeAuthRequired, "room " + string(req.room) + " needs a valid token"})
			return
		}
		if !c.h.tokenValid(context.Background(), c) {
			c.kick(websocket.StatusPolicyViolation, reasonToken)
			c.h.remove([]*client{c}, "ws: token no longer valid on join, disconnecting client")
			return
		}
		bit, _ := roomBit(req.room)
		c.setRoom(bit, true)
		c.send(event.SystemInfo, map[string]any{"action": "joined", "room": req.room, "rooms": roomMask(c.rooms.Load()).rooms()})
	case "leave":
		bit, _ := roomBit(req.room)
		c.setRoom(bit, false)
		c.send(event.SystemInfo, map[string]any{"action": "left", "room": req.room, "rooms": roomMask(c.rooms.Load()).rooms()})
	}
}

func (c *client) setRoom(bit roomMask, on bool) {
	for {
		old := c.rooms.Load()
		nu := old | uint32(bit)
		if !on {
			nu = old &^ uint32(bit)
		}
		if c.rooms.CompareAndSwap(old, nu) {
			return
		}
	}
}
