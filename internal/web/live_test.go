package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/aniworld/aniworld/internal/web"
)

// fakeLive is a stand-in API for the queue page: auth status, queue
// status, and a WebSocket endpoint the test controls (drop the
// connection, refuse handshakes, push messages).
type fakeLive struct {
	statusCalls atomic.Int64
	refuse      atomic.Int64 // handshakes still to refuse with 503
	accepted    atomic.Int64

	mu      sync.Mutex
	conns   []*websocket.Conn
	ready   chan *websocket.Conn // each connection once its rooms are joined
	pending []string             // ids
	failed  []string
	retried [][]string // item_ids of each POST /api/queue/retry
	removed []string
}

func item(id, status string, season, episode int) map[string]any {
	return map[string]any{"id": id, "serie_id": "demo", "serie_name": "Demo",
		"episode": map[string]any{"season": season, "episode": episode}, "status": status, "priority": "NORMAL",
		"error": map[bool]any{true: "all hosters failed", false: nil}[status == "failed"]}
}

// broadcast sends a queue event to every open connection, as the real
// hub does after a change.
func (f *fakeLive) broadcast(typ string) {
	f.mu.Lock()
	conns := append([]*websocket.Conn(nil), f.conns...)
	f.mu.Unlock()
	for _, c := range conns {
		send(context.Background(), c, typ, map[string]any{})
	}
}

func (f *fakeLive) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/auth/status":
		writeJSON(w, map[string]any{"configured": true, "authenticated": r.Header.Get("Authorization") == "Bearer tok"})
	case "/api/queue/status":
		f.statusCalls.Add(1)
		f.mu.Lock()
		pending, failed := []any{}, []any{}
		for i, id := range f.pending {
			pending = append(pending, item(id, "pending", 2, i+1))
		}
		for i, id := range f.failed {
			failed = append(failed, item(id, "failed", 3, i+1))
		}
		f.mu.Unlock()
		active := item("d1", "downloading", 1, 2)
		active["progress"] = map[string]any{"percent": 10}
		writeJSON(w, map[string]any{
			"status": map[string]any{"is_running": true, "is_paused": false, "pending_queue": pending,
				"active_downloads": []any{active}, "completed_downloads": []any{}, "failed_downloads": failed},
			"statistics": map[string]any{"active_count": 1, "pending_count": len(pending), "failed_count": len(failed)},
		})
	case "/api/queue/retry":
		var body struct {
			ItemIDs []string `json:"item_ids"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		f.mu.Lock()
		f.retried = append(f.retried, body.ItemIDs)
		ids := body.ItemIDs
		if len(ids) == 0 {
			ids = f.failed
		}
		var keep []string
		for _, id := range f.failed {
			if slices.Contains(ids, id) {
				f.pending = append(f.pending, id)
			} else {
				keep = append(keep, id)
			}
		}
		f.failed = keep
		f.mu.Unlock()
		writeJSON(w, map[string]any{"status": "success", "message": fmt.Sprintf("Retrying %d failed item(s)", len(ids))})
		f.broadcast("queue_status")
	case "/ws/connect":
		if r.URL.Query().Get("token") != "tok" {
			http.Error(w, "bad token", http.StatusForbidden)
			return
		}
		if f.refuse.Load() > 0 {
			f.refuse.Add(-1)
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		f.accepted.Add(1)
		f.mu.Lock()
		f.conns = append(f.conns, c)
		f.mu.Unlock()
		ctx := r.Context()
		send(ctx, c, "connected", map[string]any{"authenticated": true})
		for {
			_, data, err := c.Read(ctx)
			if err != nil {
				return
			}
			var m struct {
				Action string `json:"action"`
				Data   struct {
					Room string `json:"room"`
				} `json:"data"`
			}
			_ = json.Unmarshal(data, &m)
			if m.Action == "join" {
				send(ctx, c, "system_info", map[string]any{"action": "joined", "room": m.Data.Room})
				f.ready <- c
			}
		}
	default:
		if id, ok := strings.CutPrefix(r.URL.Path, "/api/queue/"); ok && r.Method == http.MethodDelete {
			f.mu.Lock()
			f.removed = append(f.removed, id)
			f.pending = slices.DeleteFunc(f.pending, func(x string) bool { return x == id })
			f.mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
			f.broadcast("download_removed")
			return
		}
		http.NotFound(w, r)
	}
}

func send(ctx context.Context, c *websocket.Conn, typ string, data any) {
	b, _ := json.Marshal(map[string]any{"type": typ, "timestamp": time.Now().UTC().Format(time.RFC3339), "data": data})
	_ = c.Write(ctx, websocket.MessageText, b)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// TestQueuePageLive: the queue page shows progress pushed over the
// WebSocket without polling, shows "offline" when the connection drops,
// reconnects with backoff (surviving a refused handshake), resyncs the
// queue state after reconnecting, and retries/removes items with the
// bodies the API expects, following the queue events that answer them.
func TestQueuePageLive(t *testing.T) {
	b := newBrowser(t, 30*time.Second)
	fake := &fakeLive{ready: make(chan *websocket.Conn, 8), pending: []string{"p1"}, failed: []string{"f1", "f2"}}
	ui := web.New(web.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/ws/") {
			fake.ServeHTTP(w, r)
			return
		}
		ui.ServeHTTP(w, r)
	}))
	defer srv.Close()
	defer func() {
		fake.mu.Lock()
		defer fake.mu.Unlock()
		for _, c := range fake.conns {
			c.CloseNow()
		}
	}()

	b.navigate(srv.URL + "/static/favicon.svg") // this origin, no page script
	b.run("token", evalVoid(`localStorage.setItem("aniworld.token", JSON.stringify({token: "tok"}))`))
	b.navigate(srv.URL + "/queue")
	var conn *websocket.Conn
	select {
	case conn = <-fake.ready:
	case <-time.After(20 * time.Second):
		t.Fatalf("the page never joined a room; page: %s; problems: %q", b.pageState(), b.snapshotProblems())
	}
	b.waitJS("synced", `document.body.dataset.synced === "1"`)
	calls := fake.statusCalls.Load()

	// Progress arrives over the WebSocket only.
	ctx := context.Background()
	send(ctx, conn, "download_progress", map[string]any{"download_id": "d1", "percent": 42.5, "speed_mbps": 1.25, "eta_seconds": 75})
	b.waitJS("bar moved", `document.querySelector('#active progress[data-id="d1"]').value === 42.5`)
	if got := b.text("row", `document.querySelector('#active li[data-id="d1"]').innerText`); !strings.Contains(got, "1.25 MB/s") || !strings.Contains(got, "ETA 1m 15s") {
		t.Errorf("progress row %q lacks speed or ETA", got)
	}
	if n := fake.statusCalls.Load(); n != calls {
		t.Errorf("progress caused %d status requests; the page must not poll", n-calls)
	}

	// Drop the connection and refuse the first reconnection attempt.
	b.allow("WebSocket connection to")
	b.allow("503")
	fake.refuse.Store(1)
	conn.Close(websocket.StatusGoingAway, "test drops the connection")
	b.waitJS("offline shown", `!document.getElementById("conn").hidden && document.getElementById("conn").textContent.startsWith("Offline")`)
	select {
	case <-fake.ready:
	case <-time.After(25 * time.Second):
		t.Fatal("the page did not reconnect")
	}
	if fake.refuse.Load() != 0 {
		t.Errorf("the refused handshake was never tried")
	}
	b.waitJS("online again", `document.getElementById("conn").hidden && document.body.dataset.live === "online"`)
	b.waitJS("resynced", `document.querySelector('#active progress[data-id="d1"]').value === 10`)
	if n := fake.statusCalls.Load(); n <= calls {
		t.Errorf("no resync after reconnecting")
	}

	// Retry one failed item, then all: the page follows the queue events.
	b.click(`#failed li[data-id="f1"] button[aria-label^="Retry"]`)
	b.waitJS("f1 pending", `!!document.querySelector('#pending li[data-id="f1"]') && !document.querySelector('#failed li[data-id="f1"]')`)
	b.click("#retry-all")
	b.waitJS("all pending", `document.querySelectorAll("#failed li").length === 0 && document.querySelectorAll("#pending li").length === 3`)
	b.click(`#pending li[data-id="p1"] button[aria-label^="Remove"]`)
	b.waitJS("p1 removed", `!document.querySelector('#pending li[data-id="p1"]')`)
	fake.mu.Lock()
	got := fmt.Sprint(fake.retried, fake.removed)
	fake.mu.Unlock()
	if got != "[[f1] []] [p1]" {
		t.Errorf("retry bodies and removals %s, want [[f1] []] [p1]", got)
	}
	b.checkClean("live reconnect")
}
