package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// dialWS connects to the app's WebSocket with tok and reads the
// connected message.
func (ta *testApp) dialWS(ctx context.Context, tok string) *websocket.Conn {
	ta.t.Helper()
	conn, _, err := websocket.Dial(ctx, strings.Replace(ta.URL, "http", "ws", 1)+"/ws/connect?token="+tok, nil)
	if err != nil {
		ta.t.Fatal(err)
	}
	ta.t.Cleanup(func() { _ = conn.CloseNow() })
	if _, b, err := conn.Read(ctx); err != nil || !strings.Contains(string(b), `"authenticated":true`) {
		ta.t.Fatalf("connected: %s %v", b, err)
	}
	return conn
}

// wsCloseCode reads until the socket ends and returns its close code.
func wsCloseCode(ctx context.Context, c *websocket.Conn) websocket.StatusCode {
	for {
		if _, _, err := c.Read(ctx); err != nil {
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code
			}
			return -1
		}
	}
}

// TestWebSocketEndsWithItsSession: logging out closes that token's socket
// with 1008 (another session's socket stays open), and a config reset
// that ends every session closes all of them.
func TestWebSocketEndsWithItsSession(t *testing.T) {
	ta := startApp(t, t.TempDir(), nil)
	tokA := ta.setupAndLogin(testPassword)
	tokB := ta.login(testPassword)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, b := ta.dialWS(ctx, tokA), ta.dialWS(ctx, tokB)

	if code, _, body := ta.do("POST", "/api/auth/logout", tokA, nil); code != 200 {
		t.Fatalf("logout: %d %v", code, body)
	}
	if got := wsCloseCode(ctx, a); got != websocket.StatusPolicyViolation {
		t.Fatalf("after logout: close %v, want 1008", got)
	}
	// B's session is alive: its socket still answers a ping.
	if err := b.Write(ctx, websocket.MessageText, []byte(`{"type":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := b.Read(ctx); err != nil || !strings.Contains(string(msg), "pong") {
		t.Fatalf("other session: %s %v", msg, err)
	}

	if code, _, body := ta.do("POST", "/api/config/reset", tokB, map[string]any{"preserve_security": false}); code != 200 {
		t.Fatalf("reset: %d %v", code, body)
	}
	if got := wsCloseCode(ctx, b); got != websocket.StatusPolicyViolation {
		t.Fatalf("after reset: close %v, want 1008", got)
	}
}
