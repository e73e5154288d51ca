package ws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/aniworld/aniworld/internal/event"
)

func TestConnectedMessage(t *testing.T) {
	f := newFixture(t, Options{})
	tests := []struct {
		name     string
		query    string
		dopts    *websocket.DialOptions
		authed   bool
		protocol string
	}{
		{name: "anonymous", authed: false},
		{name: "query token", query: "token=" + goodToken, authed: true},
		{name: "invalid query token", query: "token=nope", authed: false},
		{name: "authorization header", dopts: &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + goodToken}}}, authed: true},
		{name: "subprotocol bearer", dopts: &websocket.DialOptions{Subprotocols: []string{"bearer", goodToken}}, authed: true, protocol: "bearer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, m := f.dial(t, tc.query, tc.dopts)
			if got := m.field(t, "authenticated"); got != tc.authed {
				t.Errorf("authenticated = %v, want %v", got, tc.authed)
			}
			if id, _ := m.field(t, "connection_id").(string); id == "" {
				t.Error("connection_id is empty")
			}
			if msg, _ := m.field(t, "message").(string); msg == "" {
				t.Error("message is empty")
			}
			if _, err := time.Parse(timestampLayout, m.Timestamp); err != nil {
				t.Errorf("timestamp %q: %v", m.Timestamp, err)
			}
			if c.Subprotocol() != tc.protocol {
				t.Errorf("subprotocol = %q, want %q", c.Subprotocol(), tc.protocol)
			}
		})
	}
}

func TestPingPong(t *testing.T) {
	f := newFixture(t, Options{})
	c, _ := f.dial(t, "", nil)
	for _, msg := range []string{`{"type":"ping"}`, `{"action":"ping"}`, `{"action":"PING","data":{}}`} {
		t.Run(msg, func(t *testing.T) {
			write(t, c, msg)
			if m := read(t, c); m.Type != "pong" {
				t.Fatalf("got %s, want pong", m.Type)
			}
		})
	}
}

func TestAnonymousCannotReceiveDownloadEvents(t *testing.T) {
	f := newFixture(t, Options{})
	anon, _ := f.dial(t, "", nil)
	authed, _ := f.dial(t, "token="+goodToken, nil)

	for _, room := range Rooms() {
		write(t, anon, `{"action":"join","data":{"room":"`+string(room)+`"}}`)
		m := read(t, anon)
		if m.Type != "error" || m.field(t, "code") != CodeAuthRequired {
			t.Fatalf("join %s as anonymous: got %s %s", room, m.Type, m.Data)
		}
	}
	f.hub.Publish(event.New(event.DownloadProgress, event.DownloadData{DownloadID: "d1", Key: "k", Percent: 10}))
	f.hub.Publish(event.New(event.QueueStatus, event.QueueData{IsRunning: true}))
	f.hub.Publish(event.New(event.ScanProgress, event.ScanData{ScanID: "s1"}))
	f.hub.Publish(event.New(event.SystemInfo, map[string]string{"message": "hello"}))

	// The anonymous client's next message must be system_info: anything
	// published before it that leaked would arrive first.
	if m := read(t, anon); m.Type != "system_info" {
		t.Fatalf("anonymous got %s, want system_info", m.Type)
	}
	var got []string
	for range 3 {
		got = append(got, read(t, authed).Type)
	}
	if want := []string{"download_progress", "queue_status", "system_info"}; !slices.Equal(got, want) {
		t.Fatalf("authenticated got %v, want %v", got, want)
	}
}

func TestAuthenticatedReceivesInOrder(t *testing.T) {
	f := newFixture(t, Options{SendBuffer: 1024})
	c, _ := f.dial(t, "token="+goodToken, nil)
	write(t, c, `{"action":"join","room":"download_progress"}`)
	if m := read(t, c); m.Type != "system_info" || m.field(t, "action") != "joined" || m.field(t, "room") != "download_progress" {
		t.Fatalf("join: got %s %s", m.Type, m.Data)
	}

	want := []event.Type{event.QueueStarted, event.DownloadAdded, event.DownloadStarted}
	for _, typ := range want {
		f.hub.Publish(event.New(typ, event.DownloadData{DownloadID: "d1"}))
	}
	for p := 1; p <= 100; p++ {
		f.hub.Publish(event.New(event.DownloadProgress, event.DownloadData{DownloadID: "d1", Percent: float64(p)}))
	}
	f.hub.Publish(event.New(event.DownloadComplete, event.DownloadData{DownloadID: "d1", Percent: 100}))
	f.hub.Publish(event.New(event.QueueStopped, event.QueueData{}))

	for _, typ := range want {
		if m := read(t, c); m.Type != string(typ) {
			t.Fatalf("got %s, want %s", m.Type, typ)
		}
	}
	// Progress may be coalesced for a client that is behind, but never
	// reordered, and the newest value always arrives.
	last := 0.0
	for {
		m := read(t, c)
		if m.Type == "download_complete" {
			break
		}
		if m.Type != "download_progress" {
			t.Fatalf("got %s inside the progress run", m.Type)
		}
		p := m.field(t, "percent").(float64)
		if p <= last {
			t.Fatalf("progress went from %v to %v", last, p)
		}
		last = p
	}
	if last != 100 {
		t.Fatalf("last progress = %v, want 100", last)
	}
	if m := read(t, c); m.Type != "queue_stopped" {
		t.Fatalf("got %s, want queue_stopped", m.Type)
	}
}

func TestJoinLeaveRouting(t *testing.T) {
	f := newFixture(t, Options{})
	c, _ := f.dial(t, "token="+goodToken, nil)

	write(t, c, `{"action":"leave","data":{"room":"downloads"}}`)
	if m := read(t, c); m.field(t, "action") != "left" {
		t.Fatalf("leave: got %s %s", m.Type, m.Data)
	}
	write(t, c, `{"action":"join","data":{"room":"scan_progress"}}`)
	if m := read(t, c); m.field(t, "action") != "joined" {
		t.Fatalf("join: got %s %s", m.Type, m.Data)
	}
	f.hub.Publish(event.New(event.DownloadAdded, event.DownloadData{DownloadID: "x"}))
	f.hub.Publish(event.New(event.ScanComplete, event.ScanData{ScanID: "s"}))
	if m := read(t, c); m.Type != "scan_complete" {
		t.Fatalf("got %s, want scan_complete (download_added must not reach a client that left downloads)", m.Type)
	}
	write(t, c, `{"action":"leave","room":"scan_progress"}`)
	if m := read(t, c); m.field(t, "action") != "left" {
		t.Fatalf("leave: got %s %s", m.Type, m.Data)
	}
	f.hub.Publish(event.New(event.ScanProgress, event.ScanData{ScanID: "s"}))
	f.hub.Publish(event.New(event.SystemInfo, nil))
	if m := read(t, c); m.Type != "system_info" || string(m.Data) != "{}" {
		t.Fatalf("got %s %s, want system_info {}", m.Type, m.Data)
	}
}

func TestStalledClientIsDisconnected(t *testing.T) {
	f := newFixture(t, Options{SendBuffer: 8, SlowClientDrops: 8, WriteTimeout: time.Minute, SlowClientGrace: time.Hour})
	stalled, _ := f.dial(t, "token="+goodToken, nil)
	fast, _ := f.dial(t, "token="+goodToken, nil)

	// 64 KiB messages fill the stalled client's socket buffers quickly. The
	// fast client reads every one while the stalled one reads nothing.
	blob := strings.Repeat("x", 64<<10)
	sent := 0
	for f.hub.Count() == 2 {
		if sent == 5000 {
			t.Fatal("stalled client never disconnected")
		}
		sent++
		f.hub.Publish(event.New(event.DownloadProgress, map[string]any{"download_id": fmt.Sprint("d", sent), "n": sent, "pad": blob}))
		m := read(t, fast)
		if n := m.field(t, "n").(float64); int(n) != sent {
			t.Fatalf("fast client got message %v, want %d", n, sent)
		}
	}
	// The fast client is unaffected, and the stalled one, once it reads
	// again, drains what it had and finds close 1008 with a reason.
	f.hub.Publish(event.New(event.DownloadComplete, event.DownloadData{DownloadID: "da"}))
	if m := read(t, fast); m.Type != "download_complete" {
		t.Fatalf("fast client got %s", m.Type)
	}
	if got := closeError(t, stalled); got.Code != websocket.StatusPolicyViolation || got.Reason != reasonSlow {
		t.Fatalf("stalled client close = %v %q, want %v %q", got.Code, got.Reason, websocket.StatusPolicyViolation, reasonSlow)
	}
	roundTrip(t, fast)
}

func TestShutdownSendsGoingAway(t *testing.T) {
	f := newFixture(t, Options{})
	conns := []*websocket.Conn{}
	for _, q := range []string{"", "token=" + goodToken, "token=" + goodToken} {
		c, _ := f.dial(t, q, nil)
		conns = append(conns, c)
	}
	done := make(chan error, len(conns))
	for _, c := range conns {
		go func() {
			_, _, err := c.Read(context.Background())
			done <- err
		}()
	}
	if err := f.stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	for range conns {
		var ce websocket.CloseError
		if err := <-done; !errors.As(err, &ce) || ce.Code != websocket.StatusGoingAway || ce.Reason != reasonShutdown {
			t.Fatalf("close = %v, want 1001 %q", err, reasonShutdown)
		}
	}
	if n := f.hub.Count(); n != 0 {
		t.Fatalf("count after shutdown = %d", n)
	}
	if err := f.hub.Shutdown(context.Background()); err != ErrClosed {
		t.Fatalf("second shutdown = %v, want ErrClosed", err)
	}
	// goleak in TestMain proves no client goroutine outlived Run.
}

func TestRefusesAfterShutdown(t *testing.T) {
	f := newFixture(t, Options{})
	if err := f.hub.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	rec := &statusRecorder{header: http.Header{}}
	req, _ := http.NewRequest(http.MethodGet, "/ws/connect", nil)
	f.hub.ServeHTTP(rec, req)
	if rec.code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503", rec.code)
	}
}

type statusRecorder struct {
	header http.Header
	code   int
}

func (r *statusRecorder) Header() http.Header         { return r.header }
func (r *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *statusRecorder) WriteHeader(code int)        { r.code = code }

func TestGarbageInput(t *testing.T) {
	f := newFixture(t, Options{MaxMessageBytes: 64 << 10})
	bystander, _ := f.dial(t, "token="+goodToken, nil)
	c, _ := f.dial(t, "token="+goodToken, nil)

	tests := []struct {
		name string
		typ  websocket.MessageType
		msg  string
		code string
	}{
		{"binary frame", websocket.MessageBinary, "\x00\x01\x02", CodeBinary},
		{"invalid json", websocket.MessageText, `{"action":`, CodeInvalidMessage},
		{"json array", websocket.MessageText, `[1,2]`, CodeInvalidMessage},
		{"no action", websocket.MessageText, `{"data":{}}`, CodeInvalidMessage},
		{"unknown action", websocket.MessageText, `{"action":"explode"}`, CodeUnknownAction},
		{"unknown room", websocket.MessageText, `{"action":"join","data":{"room":"secrets"}}`, CodeUnknownRoom},
		{"join without room", websocket.MessageText, `{"action":"join"}`, CodeInvalidMessage},
		{"data not an object", websocket.MessageText, `{"action":"join","data":"downloads"}`, CodeInvalidMessage},
		{"invalid utf8", websocket.MessageText, "{\"action\":\"\xff\"}", CodeUnknownAction},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			if err := c.Write(ctx, tc.typ, []byte(tc.msg)); err != nil {
				t.Fatal(err)
			}
			m := read(t, c)
			if m.Type != "error" || m.field(t, "code") != tc.code {
				t.Fatalf("got %s %s, want error %s", m.Type, m.Data, tc.code)
			}
			roundTrip(t, c)
		})
	}

	t.Run("1 MiB message closes with 1009", func(t *testing.T) {
		big, _ := f.dial(t, "token="+goodToken, nil)
		_ = big.Write(testCtx(t), websocket.MessageText, []byte(`{"action":"ping","pad":"`+strings.Repeat("a", 1<<20)+`"}`))
		if got := closeStatus(t, big); got != websocket.StatusMessageTooBig && got != -1 {
			t.Fatalf("close = %v, want 1009 (or a reset while the client was still writing)", got)
		}
	})

	// The hub still routes and the bystander never noticed.
	f.hub.Publish(event.New(event.DownloadAdded, event.DownloadData{DownloadID: "after"}))
	if m := read(t, bystander); m.Type != "download_added" {
		t.Fatalf("bystander got %s", m.Type)
	}
	roundTrip(t, bystander)
}

func TestOriginCheck(t *testing.T) {
	allowGood := func(r *http.Request) bool { return r.Header.Get("Origin") == "http://good.example" }
	tests := []struct {
		name    string
		allowed func(*http.Request) bool
		origin  string // "" = the server's own origin
		ok      bool
	}{
		{"default same origin", nil, "", true},
		{"default cross origin", nil, "http://evil.example", false},
		{"injected allows", allowGood, "http://good.example", true},
		{"injected rejects", allowGood, "http://evil.example", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Options{OriginAllowed: tc.allowed})
			origin := tc.origin
			if origin == "" {
				origin = f.srv.URL
			}
			c, resp, err := websocket.Dial(testCtx(t), f.url(""), &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {origin}}})
			if resp != nil && resp.Body != nil {
				_ = resp.Body.Close()
			}
			if c != nil {
				defer c.CloseNow()
			}
			if tc.ok != (err == nil) {
				t.Fatalf("dial err = %v, want ok=%v", err, tc.ok)
			}
			if !tc.ok && resp.StatusCode != http.StatusForbidden {
				t.Fatalf("status = %d, want 403", resp.StatusCode)
			}
		})
	}
}

func TestStatusHandler(t *testing.T) {
	f := newFixture(t, Options{})
	f.dial(t, "", nil)
	f.dial(t, "token="+goodToken, nil)
	resp, err := http.Get(f.srv.URL + "/ws/status")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		Status            string   `json:"status"`
		ActiveConnections int      `json:"active_connections"`
		Types             []string `json:"supported_message_types"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	if st.Status != "operational" || st.ActiveConnections != 2 {
		t.Fatalf("status = %+v", st)
	}
	for _, typ := range []string{"connected", "ping", "pong", "download_started", "download_progress", "scan_complete", "system_info", "error"} {
		if !slices.Contains(st.Types, typ) {
			t.Errorf("supported_message_types lacks %s", typ)
		}
	}
}

func TestShutdownForcedWhenClientNeverAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	silent, _ := f.dial(t, "token="+goodToken, nil) // never reads again: never answers the close frame
	_ = silent
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := f.hub.Shutdown(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("shutdown = %v, want deadline exceeded", err)
	}
	// Bounded by coder/websocket's close-handshake timeout, not by the client.
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("forced shutdown took %s", d)
	}
	if n := f.hub.Count(); n != 0 {
		t.Fatalf("count = %d", n)
	}
}

func TestConcurrentPublishersAndSubscribers(t *testing.T) {
	f := newFixture(t, Options{SendBuffer: 4096, SlowClientDrops: 4096})
	const clients, publishers, perPublisher = 5, 4, 200
	conns := make([]*websocket.Conn, clients)
	for i := range conns {
		conns[i], _ = f.dial(t, "token="+goodToken, nil)
	}
	// Each client toggles its rooms while reading until the final marker.
	errs := make(chan error, clients)
	for i, c := range conns {
		go func() {
			ctx := testCtx(t)
			for n := 0; ; n++ {
				room := Rooms()[n%3]
				verb := []string{"join", "leave"}[(n+i)%2]
				if n < 50 {
					if err := c.Write(ctx, websocket.MessageText, []byte(`{"action":"`+verb+`","room":"`+string(room)+`"}`)); err != nil {
						errs <- err
						return
					}
				}
				_, b, err := c.Read(ctx)
				if err != nil {
					errs <- err
					return
				}
				if strings.Contains(string(b), `"final"`) {
					errs <- nil
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	for p := range publishers {
		go func() {
			defer func() { done <- struct{}{} }()
			for n := range perPublisher {
				id := fmt.Sprint("p", p)
				switch n % 3 {
				case 0:
					f.hub.Publish(event.New(event.DownloadProgress, event.DownloadData{DownloadID: id, Percent: float64(n)}))
				case 1:
					f.hub.Publish(event.New(event.ScanProgress, event.ScanData{ScanID: id, Current: n}))
				default:
					f.hub.Publish(event.New(event.QueueStatus, event.QueueData{PendingCount: n}))
				}
			}
		}()
	}
	for range publishers {
		<-done
	}
	f.hub.Publish(event.New(event.SystemInfo, map[string]string{"final": "yes"}))
	for range clients {
		if err := <-errs; err != nil {
			t.Fatalf("client: %v", err)
		}
	}
	if n := f.hub.Count(); n != clients {
		t.Fatalf("count = %d, want %d (nobody should have been evicted)", n, clients)
	}
}

func TestServerPingsIdleClients(t *testing.T) {
	f := newFixture(t, Options{PingInterval: 20 * time.Millisecond, WriteTimeout: time.Second})

	t.Run("answering client stays", func(t *testing.T) {
		pinged := make(chan struct{}, 1)
		c, _ := f.dial(t, "token="+goodToken, &websocket.DialOptions{OnPingReceived: func(context.Context, []byte) bool {
			select {
			case pinged <- struct{}{}:
			default:
			}
			return true
		}})
		readErr := make(chan error, 1)
		go func() { _, _, err := c.Read(context.Background()); readErr <- err }()
		for range 3 {
			select {
			case <-pinged:
			case err := <-readErr:
				t.Fatalf("connection ended: %v", err)
			case <-testCtx(t).Done():
				t.Fatal("no ping")
			}
		}
		f.hub.Publish(event.New(event.SystemInfo, nil))
		if err := <-readErr; err != nil {
			t.Fatalf("after pings: %v", err)
		}
	})
	t.Run("silent client is closed", func(t *testing.T) {
		c, _ := f.dial(t, "", &websocket.DialOptions{OnPingReceived: func(context.Context, []byte) bool { return false }})
		if got := closeStatus(t, c); got != websocket.StatusPolicyViolation {
			t.Fatalf("close = %v, want 1008 ping timeout", got)
		}
	})
}
