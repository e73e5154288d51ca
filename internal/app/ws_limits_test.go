package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
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

// TestWebSocketFloodKeepsHealthAnswering: 2,000 handshakes from one
// loopback address (half anonymous, half with a token) against the real
// server: it holds exactly its per-address caps, refuses the rest with
// 429, and /health answers 200 all along; once the clients leave, new
// sockets are accepted again.
func TestWebSocketFloodKeepsHealthAnswering(t *testing.T) {
	ta := startApp(t, t.TempDir(), nil)
	tok := ta.setupAndLogin(testPassword)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	url := strings.Replace(ta.URL, "http", "ws", 1) + "/ws/connect"
	const attempts, workers = 2000, 16
	var (
		mu       sync.Mutex
		open     []*websocket.Conn
		anonOpen int
		statuses = map[int]int{}
		next     atomic.Int64
		wg       sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= attempts {
					return
				}
				u := url
				if i%2 == 1 {
					u += "?token=" + tok
				}
				c, res, err := websocket.Dial(ctx, u, nil)
				mu.Lock()
				switch {
				case err == nil:
					// Read (and discard) so the client answers the server's
					// pings: a flood slowed past the ping interval must not
					// free slots by timing out the holders.
					go func() {
						for {
							if _, _, err := c.Read(ctx); err != nil {
								return
							}
						}
					}()
					open = append(open, c)
					if i%2 == 0 {
						anonOpen++
					}
				case res != nil:
					statuses[res.StatusCode]++
				default:
					statuses[-1]++
				}
				mu.Unlock()
			}
		})
	}
	var healthy, unhealthy atomic.Int32
	healthDone := make(chan struct{})
	go func() {
		defer close(healthDone)
		client := &http.Client{Timeout: 5 * time.Second}
		for next.Load() < attempts {
			res, err := client.Get(ta.URL + "/health")
			if err == nil && res.StatusCode == 200 {
				healthy.Add(1)
			} else {
				unhealthy.Add(1)
			}
			if res != nil {
				res.Body.Close()
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	wg.Wait()
	<-healthDone
	defer func() {
		for _, c := range open {
			c.CloseNow()
		}
	}()
	if len(open) != ws.DefaultMaxPerAddress || anonOpen != ws.DefaultMaxAnonymousPerAddress ||
		statuses[http.StatusTooManyRequests] != attempts-ws.DefaultMaxPerAddress || len(statuses) != 1 {
		t.Fatalf("open %d (%d anonymous), refusals %v; want %d open (%d anonymous), the rest 429",
			len(open), anonOpen, statuses, ws.DefaultMaxPerAddress, ws.DefaultMaxAnonymousPerAddress)
	}
	if unhealthy.Load() > 0 || healthy.Load() == 0 {
		t.Fatalf("/health during the flood: %d ok, %d failed", healthy.Load(), unhealthy.Load())
	}
	for _, c := range open {
		c.Close(websocket.StatusNormalClosure, "")
	}
	open = nil
	// The slots come back: a new anonymous socket is accepted.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, _, err := websocket.Dial(ctx, url, nil)
		if err == nil {
			c.CloseNow()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no socket accepted after the flood left: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
