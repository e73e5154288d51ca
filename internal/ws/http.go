package ws

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/aniworld/aniworld/internal/auth"
	"github.com/aniworld/aniworld/internal/event"
)

// bearerProtocol is the subprotocol marker of the browser bearer trick:
// new WebSocket(url, ["bearer", token]) sends the token in
// Sec-WebSocket-Protocol; the server answers with "bearer".
const bearerProtocol = "bearer"

// ServeHTTP upgrades GET /ws/connect to a WebSocket. The token comes from
// the token query parameter, an Authorization: Bearer header, or the
// Sec-WebSocket-Protocol bearer trick; a missing or invalid token connects
// anonymously. The handler returns when the connection ends.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h.mu.RLock()
	closing := h.closing
	h.mu.RUnlock()
	if closing {
		h.opts.Refuse(w, r, http.StatusServiceUnavailable, "Server shutting down")
		return
	}
	opts := &websocket.AcceptOptions{Subprotocols: []string{bearerProtocol}}
	if h.opts.OriginAllowed != nil {
		if r.Header.Get("Origin") != "" && !h.opts.OriginAllowed(r) {
			h.opts.Refuse(w, r, http.StatusForbidden, "Origin not allowed")
			return
		}
		opts.InsecureSkipVerify = true // checked above
	}

	token := requestToken(r)
	var expires time.Time
	authed := false
	if token != "" && h.opts.Authenticate != nil {
		expires, authed = h.opts.Authenticate(r.Context(), token)
	}
	addr := h.opts.ClientAddr(r)
	if status, msg := h.slots.reserve(h.opts.Limits, addr, !authed); status != 0 {
		h.log.Info("ws: handshake refused", "remote", addr, "status", status, "authenticated", authed)
		h.opts.Refuse(w, r, status, msg)
		return
	}
	defer h.slots.release(addr, !authed)

	hw := &hijackRecorder{ResponseWriter: w}
	conn, err := websocket.Accept(hw, r, opts)
	if err != nil {
		h.log.Info("ws: handshake refused", "remote", r.RemoteAddr, "err", err)
		return // Accept wrote the response
	}
	conn.SetReadLimit(h.opts.MaxMessageBytes)

	c := newClient(h, uuid.NewString(), conn, authed)
	c.raw = hw.conn
	if authed {
		c.token, c.expires = token, expires
	}
	msg := "connected anonymously: ping and system_info only; send a token to join rooms"
	if authed {
		c.rooms.Store(uint32(maskDownloads))
		msg = "connected and authenticated; joined downloads"
	} else if token != "" {
		msg = "invalid or expired token: connected anonymously"
	}
	c.send(event.Connected, map[string]any{
		"connection_id": c.id,
		"authenticated": authed,
		"message":       msg,
		"rooms":         roomMask(c.rooms.Load()).rooms(),
	})
	if !h.register(c) {
		_ = conn.Close(websocket.StatusGoingAway, reasonShutdown)
		return
	}
	h.log.Debug("ws: client connected", "connection_id", c.id, "authenticated", authed)
	go c.writeLoop()
	c.readLoop()
	h.log.Debug("ws: client disconnected", "connection_id", c.id)
}

// requestToken finds the client's token: ?token=, Authorization: Bearer,
// or Sec-WebSocket-Protocol: bearer, <token>.
func requestToken(r *http.Request) string {
	if t := r.URL.Query().Get("token"); t != "" {
		return t
	}
	if t, ok := auth.BearerToken(r); ok {
		return t
	}
	var protos []string
	for _, v := range r.Header.Values("Sec-WebSocket-Protocol") {
		for p := range strings.SplitSeq(v, ",") {
			protos = append(protos, strings.TrimSpace(p))
		}
	}
	for i, p := range protos {
		if strings.EqualFold(p, bearerProtocol) && i+1 < len(protos) {
			return protos[i+1]
		}
	}
	return ""
}

// Status is the body of GET /ws/status.
type Status struct {
	Status                string       `json:"status"`
	ActiveConnections     int          `json:"active_connections"`
	SupportedMessageTypes []event.Type `json:"supported_message_types"`
	Rooms                 []Room       `json:"rooms"`
}

// Status reports the hub's state.
func (h *Hub) Status() Status {
	h.mu.RLock()
	closing := h.closing
	h.mu.RUnlock()
	st := "operational"
	if closing {
		st = "shutting_down"
	}
	return Status{Status: st, ActiveConnections: h.Count(), SupportedMessageTypes: SupportedMessageTypes(), Rooms: Rooms()}
}

// StatusHandler serves GET /ws/status (public; counts only).
func (h *Hub) StatusHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(h.Status())
	})
}
