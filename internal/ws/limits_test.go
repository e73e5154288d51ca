package ws

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// addrFromHeader lets one loopback test act as many client addresses.
func addrFromHeader(r *http.Request) string { return r.Header.Get("X-Test-Addr") }

// tryDial attempts a handshake as addr with tok; it answers the open
// connection or the refusal's HTTP status.
func tryDial(ctx context.Context, url, addr, tok string) (*websocket.Conn, int, error) {
	h := http.Header{"X-Test-Addr": {addr}}
	if tok != "" {
		h.Set("Authorization", "Bearer "+tok)
	}
	c, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		if resp != nil {
			return nil, resp.StatusCode, nil
		}
		return nil, 0, err
	}
	return c, http.StatusSwitchingProtocols, nil
}

// TestSocketLimits: each limit refuses the next handshake with its status
// before the upgrade, and a slot is given back when its socket closes.
func TestSocketLimits(t *testing.T) {
	lim := Limits{MaxConnections: 6, MaxPerAddress: 4, MaxAnonymous: 5, MaxAnonymousPerAddress: 2}
	tests := []struct {
		name  string
		dials []struct{ addr, tok string }
		last  int // status of the final dial
	}{
		{"anonymous per address", dials("a", "", 3), http.StatusTooManyRequests},
		{"all per address", append(dials("a", "", 2), dials("a", goodToken, 3)...), http.StatusTooManyRequests},
		{"anonymous overall", append(append(dials("a", "", 2), dials("b", "", 2)...), dials("c", "", 2)...), http.StatusServiceUnavailable},
		{"overall", append(append(dials("a", goodToken, 3), dials("b", goodToken, 3)...), dials("c", goodToken, 1)...), http.StatusServiceUnavailable},
		{"token passes where anonymous is full", append(dials("a", "", 2), dials("a", goodToken, 1)...), http.StatusSwitchingProtocols},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Options{Limits: lim, ClientAddr: addrFromHeader})
			ctx := testCtx(t)
			var open []*websocket.Conn
			for i, d := range tc.dials {
				c, status, err := tryDial(ctx, f.url(""), d.addr, d.tok)
				if err != nil {
					t.Fatal(err)
				}
				want := http.StatusSwitchingProtocols
				if i == len(tc.dials)-1 {
					want = tc.last
				}
				if status != want {
					t.Fatalf("dial %d (%s %q): status %d, want %d", i, d.addr, d.tok, status, want)
				}
				if c != nil {
					open = append(open, c)
				}
			}
			defer func() {
				for _, c := range open {
					c.CloseNow()
				}
			}()
			if tc.last == http.StatusSwitchingProtocols {
				return
			}
			// Closing one socket of the first address frees its slot.
			open[0].Close(websocket.StatusNormalClosure, "")
			waitFor(t, func() bool { all, _, _ := f.hub.slots.usage(); return all == len(open)-1 })
			last := tc.dials[len(tc.dials)-1]
			if tc.name == "overall" || tc.name == "anonymous overall" {
				last.addr = tc.dials[0].addr
			}
			c, status, err := tryDial(ctx, f.url(""), last.addr, last.tok)
			if err != nil || status != http.StatusSwitchingProtocols {
				t.Fatalf("after a close: status %d %v, want 101", status, err)
			}
			c.CloseNow()
		})
	}
}

func dials(addr, tok string, n int) []struct{ addr, tok string } {
	out := make([]struct{ addr, tok string }, n)
	for i := range out {
		out[i].addr, out[i].tok = addr, tok
	}
	return out
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSocketFloodStaysBounded: 3000 handshakes from 300 addresses (all on
// loopback) against a hub capped at 400 sockets: exactly the caps are
// held, the rest are refused with 429/503, the health route on the same
// server keeps answering throughout, and when the clients leave every
// slot, the per-address table and the heap they used are given back.
func TestSocketFloodStaysBounded(t *testing.T) {
	const attempts, addrs, workers = 3000, 300, 32
	lim := Limits{MaxConnections: 400, MaxPerAddress: 4, MaxAnonymous: 300, MaxAnonymousPerAddress: 2}
	h := NewHub(Options{Limits: lim, ClientAddr: addrFromHeader,
		Authenticate: func(_ context.Context, tok string) (time.Time, bool) { return time.Time{}, tok == goodToken }})
	mux := http.NewServeMux()
	mux.Handle("GET /ws/connect", h)
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(`{"status":"healthy"}`)) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- h.Run(ctx) }()
	defer func() { cancel(); <-runErr }()

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)

	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws/connect"
	var (
		mu      sync.Mutex
		open    []*websocket.Conn
		refused = map[int]int{}
		next    atomic.Int64
		wg      sync.WaitGroup
	)
	dctx, dcancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer dcancel()
	for range workers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= attempts {
					return
				}
				tok := ""
				if i%3 == 0 {
					tok = goodToken
				}
				c, status, err := tryDial(dctx, url, fmt.Sprint("10.0.", i%addrs/256, ".", i%addrs%256), tok)
				mu.Lock()
				switch {
				case err != nil:
					refused[-1]++
				case c != nil:
					open = append(open, c)
				default:
					refused[status]++
				}
				mu.Unlock()
			}
		})
	}
	// The health route answers while the flood runs.
	healthDone := make(chan struct{})
	var healthOK, healthFail atomic.Int32
	go func() {
		defer close(healthDone)
		client := &http.Client{Timeout: 5 * time.Second}
		for next.Load() < attempts {
			res, err := client.Get(srv.URL + "/health")
			if err != nil || res.StatusCode != 200 {
				healthFail.Add(1)
			} else {
				healthOK.Add(1)
			}
			if res != nil {
				res.Body.Close()
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	wg.Wait()
	<-healthDone

	if refused[-1] > 0 {
		t.Fatalf("%d dials failed outright (not a clean refusal)", refused[-1])
	}
	if got := len(open); got != lim.MaxConnections {
		t.Fatalf("open sockets = %d, want the cap %d (refused %v)", got, lim.MaxConnections, refused)
	}
	if refused[http.StatusTooManyRequests]+refused[http.StatusServiceUnavailable] != attempts-lim.MaxConnections {
		t.Fatalf("refusals %v, want %d in 429/503", refused, attempts-lim.MaxConnections)
	}
	if all, anon, _ := h.slots.usage(); all != lim.MaxConnections || anon > lim.MaxAnonymous || h.Count() != lim.MaxConnections {
		t.Fatalf("hub holds %d sockets (%d anonymous, %d clients), caps %d/%d", all, anon, h.Count(), lim.MaxConnections, lim.MaxAnonymous)
	}
	if healthFail.Load() > 0 || healthOK.Load() == 0 {
		t.Fatalf("/health during the flood: %d ok, %d failed", healthOK.Load(), healthFail.Load())
	}
	var peak runtime.MemStats
	runtime.ReadMemStats(&peak)

	held := len(open)
	for _, c := range open {
		c.CloseNow()
	}
	open = nil // the client side's memory is not the hub's
	waitFor(t, func() bool { all, _, addrs := h.slots.usage(); return all == 0 && addrs == 0 && h.Count() == 0 })
	if h.slots.byAddr != nil {
		t.Fatal("the per-address table of the flood was kept")
	}
	var after runtime.MemStats
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		runtime.ReadMemStats(&after)
		if after.HeapInuse < base.HeapInuse+(peak.HeapInuse-base.HeapInuse)/4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("heap in use stays at %d KiB after the clients left (%d KiB before, %d KiB at the peak; %d goroutines)",
				after.HeapInuse>>10, base.HeapInuse>>10, peak.HeapInuse>>10, runtime.NumGoroutine())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("heap in use: %d KiB before, %d KiB with %d sockets, %d KiB after they left",
		base.HeapInuse>>10, peak.HeapInuse>>10, held, after.HeapInuse>>10)
}
