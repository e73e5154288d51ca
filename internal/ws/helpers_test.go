package ws

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const goodToken = "good-token"

// wire is a decoded server message.
type wire struct {
	Type      string          `json:"type"`
	Timestamp string          `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

func (w wire) field(t *testing.T, name string) any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(w.Data, &m); err != nil {
		t.Fatalf("data of %s is not an object: %s", w.Type, w.Data)
	}
	return m[name]
}

// fixture is a hub behind an httptest server with Run going.
type fixture struct {
	hub  *Hub
	srv  *httptest.Server
	stop func() error
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	if opts.Authenticate == nil {
		opts.Authenticate = func(_ context.Context, tok string) (time.Time, bool) { return time.Time{}, tok == goodToken }
	}
	h := NewHub(opts)
	mux := http.NewServeMux()
	mux.Handle("GET /ws/connect", h)
	mux.Handle("GET /ws/status", h.StatusHandler())
	srv := httptest.NewServer(mux)
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- h.Run(ctx) }()
	f := &fixture{hub: h, srv: srv}
	stopped := false
	var err error
	f.stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			err = <-runErr
			srv.Close()
		}
		return err
	}
	t.Cleanup(func() { _ = f.stop() })
	return f
}

func (f *fixture) url(query string) string {
	u := "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws/connect"
	if query != "" {
		u += "?" + query
	}
	return u
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// dial connects and consumes the connected message, returning it.
func (f *fixture) dial(t *testing.T, query string, dopts *websocket.DialOptions) (*websocket.Conn, wire) {
	t.Helper()
	c, resp, err := websocket.Dial(testCtx(t), f.url(query), dopts)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	c.SetReadLimit(4 << 20)
	t.Cleanup(func() { _ = c.CloseNow() })
	m := read(t, c)
	if m.Type != "connected" {
		t.Fatalf("first message = %s, want connected", m.Type)
	}
	return c, m
}

func read(t *testing.T, c *websocket.Conn) wire {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	typ, b, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if typ != websocket.MessageText {
		t.Fatalf("server sent %v frame", typ)
	}
	var m wire
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("server sent invalid JSON %q: %v", b, err)
	}
	return m
}

func write(t *testing.T, c *websocket.Conn, s string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(s)); err != nil {
		t.Fatalf("write %s: %v", s, err)
	}
}

// closeStatus reads until the connection ends and returns its close code.
func closeStatus(t *testing.T, c *websocket.Conn) websocket.StatusCode {
	t.Helper()
	return closeError(t, c).Code
}

// closeError reads until the connection ends and returns its close frame
// (Code -1 when it ended without one).
func closeError(t *testing.T, c *websocket.Conn) websocket.CloseError {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for {
		if _, _, err := c.Read(ctx); err != nil {
			if ctx.Err() != nil {
				t.Fatalf("connection did not close: %v", err)
			}
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				return ce
			}
			return websocket.CloseError{Code: -1}
		}
	}
}

// roundTrip proves a connection and its hub still work: ping -> pong.
func roundTrip(t *testing.T, c *websocket.Conn) {
	t.Helper()
	write(t, c, `{"type":"ping"}`)
	for {
		if m := read(t, c); m.Type == "pong" {
			return
		}
	}
}
