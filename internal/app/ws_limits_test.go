package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/aniworld/aniworld/internal/ws"
)

// TestWebSocketRefusalIsAContractError: once one address holds its share
// of anonymous sockets, the next handshake is refused before the upgrade
// with 429, Retry-After and the contract's error body; a client with a
// token still gets in, and /health answers.
func TestWebSocketRefusalIsAContractError(t *testing.T) {
	ta := startApp(t, t.TempDir(), nil)
	tok := ta.setupAndLogin(testPassword)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url := strings.Replace(ta.URL, "http", "ws", 1) + "/ws/connect"
	for i := range ws.DefaultMaxAnonymousPerAddress {
		c, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			t.Fatalf("anonymous socket %d: %v", i, err)
		}
		defer c.CloseNow()
	}
	_, res, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"X-Request-ID": {"flood-1"}}})
	if err == nil || res == nil {
		t.Fatalf("socket over the cap: err %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var e map[string]any
	if json.Unmarshal(body, &e) != nil || res.StatusCode != 429 || e["error"] != "RATE_LIMIT_ERROR" ||
		e["request_id"] != "flood-1" || e["success"] != false || res.Header.Get("Retry-After") == "" {
		t.Fatalf("refusal: %d %v %s", res.StatusCode, res.Header, body)
	}
	c, _, err := websocket.Dial(ctx, url+"?token="+tok, nil)
	if err != nil {
		t.Fatalf("authenticated socket refused: %v", err)
	}
	c.CloseNow()
	if code, _, b := ta.do("GET", "/health", "", nil); code != 200 {
		t.Fatalf("/health: %d %v", code, b)
	}
}
