package ws

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"sync"
)

// Default socket limits (Options.Limits fields left zero).
const (
	DefaultMaxConnections         = 1024
	DefaultMaxPerAddress          = 128
	DefaultMaxAnonymous           = 256
	DefaultMaxAnonymousPerAddress = 32
)

// Limits bound how many sockets the hub holds, so a flood of connections
// cannot exhaust file descriptors or memory. A handshake over a limit is
// refused before the upgrade: 503 when the server as a whole is full, 429
// when one client address holds its share.
type Limits struct {
	// MaxConnections bounds all sockets (DefaultMaxConnections).
	MaxConnections int
	// MaxPerAddress bounds the sockets of one client address
	// (DefaultMaxPerAddress).
	MaxPerAddress int
	// MaxAnonymous bounds sockets without a valid token
	// (DefaultMaxAnonymous).
	MaxAnonymous int
	// MaxAnonymousPerAddress bounds one address's sockets without a valid
	// token (DefaultMaxAnonymousPerAddress).
	MaxAnonymousPerAddress int
}

func (l Limits) withDefaults() Limits {
	if l.MaxConnections <= 0 {
		l.MaxConnections = DefaultMaxConnections
	}
	if l.MaxPerAddress <= 0 {
		l.MaxPerAddress = DefaultMaxPerAddress
	}
	if l.MaxAnonymous <= 0 {
		l.MaxAnonymous = DefaultMaxAnonymous
	}
	if l.MaxAnonymousPerAddress <= 0 {
		l.MaxAnonymousPerAddress = DefaultMaxAnonymousPerAddress
	}
	return l
}

// slotCount is how many sockets (all, anonymous) one party holds.
type slotCount struct{ all, anon int }

// slots is the hub's socket accounting; a slot is held from before the
// upgrade until the handler returns.
type slots struct {
	mu     sync.Mutex
	total  slotCount
	byAddr map[string]slotCount
	peak   int // len(byAddr) high-water mark, to give memory back
}

// reserve takes a slot for a socket from addr, or answers the HTTP status
// and message of the refusal.
func (s *slots) reserve(l Limits, addr string, anon bool) (status int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byAddr == nil {
		s.byAddr = map[string]slotCount{}
	}
	a := s.byAddr[addr]
	switch {
	case s.total.all >= l.MaxConnections:
		return http.StatusServiceUnavailable, fmt.Sprintf("Too many WebSocket connections (%d); try again later", l.MaxConnections)
	case anon && s.total.anon >= l.MaxAnonymous:
		return http.StatusServiceUnavailable, fmt.Sprintf("Too many anonymous WebSocket connections (%d); connect with a token or try again later", l.MaxAnonymous)
	case a.all >= l.MaxPerAddress:
		return http.StatusTooManyRequests, fmt.Sprintf("Too many WebSocket connections from your address (%d); close some first", l.MaxPerAddress)
	case anon && a.anon >= l.MaxAnonymousPerAddress:
		return http.StatusTooManyRequests, fmt.Sprintf("Too many anonymous WebSocket connections from your address (%d); connect with a token or close some first", l.MaxAnonymousPerAddress)
	}
	a.all++
	s.total.all++
	if anon {
		a.anon++
		s.total.anon++
	}
	s.byAddr[addr] = a
	s.peak = max(s.peak, len(s.byAddr))
	return 0, ""
}

// release gives back a slot taken by reserve. Go maps never shrink, so
// once every address has left after a flood the map is replaced.
func (s *slots) release(addr string, anon bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.byAddr[addr]
	a.all--
	s.total.all--
	if anon {
		a.anon--
		s.total.anon--
	}
	if a.all <= 0 {
		delete(s.byAddr, addr)
	} else {
		s.byAddr[addr] = a
	}
	if len(s.byAddr) == 0 && s.peak > 64 {
		s.byAddr, s.peak = nil, 0
	}
}

// usage reports the held slots (all, anonymous, distinct addresses).
func (s *slots) usage() (all, anon, addrs int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total.all, s.total.anon, len(s.byAddr)
}

// remoteHost is the default client address: the peer's IP.
func remoteHost(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

// refuse writes a handshake refusal in plain text (Options.Refuse
// replaces it with the API's error format).
func refuse(w http.ResponseWriter, _ *http.Request, status int, msg string) {
	http.Error(w, msg, status)
}

// hijackRecorder hands the upgrade's hijacked connection to the hub too,
// so Shutdown can drop a peer that never answers the close handshake
// (coder/websocket waits for it up to 5 s and CloseNow waits with it).
type hijackRecorder struct {
	http.ResponseWriter
	conn net.Conn
}

// Hijack implements http.Hijacker for websocket.Accept.
func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	h.conn = c
	return c, brw, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (h *hijackRecorder) Unwrap() http.ResponseWriter { return h.ResponseWriter }
