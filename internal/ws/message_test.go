package ws

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/aniworld/aniworld/internal/event"
)

func TestAudience(t *testing.T) {
	tests := []struct {
		typ  event.Type
		want roomMask
	}{
		{event.DownloadAdded, maskDownloads},
		{event.DownloadStarted, maskDownloads},
		{event.DownloadProgress, maskDownloads | maskDownloadProgress},
		{event.DownloadComplete, maskDownloads},
		{event.DownloadFailed, maskDownloads},
		{event.DownloadRemoved, maskDownloads},
		{event.QueueStatus, maskDownloads},
		{event.QueueStarted, maskDownloads},
		{event.QueueStopped, maskDownloads},
		{event.ScanProgress, maskScanProgress},
		{event.ScanComplete, maskScanProgress},
		{event.SystemInfo, maskEveryone},
		{event.Connected, 0},
		{event.Pong, 0},
		{event.Error, 0},
		{"something_else", 0},
	}
	for _, tc := range tests {
		t.Run(string(tc.typ), func(t *testing.T) {
			if got := audience(tc.typ); got != tc.want {
				t.Fatalf("audience(%s) = %b, want %b", tc.typ, got, tc.want)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	at := time.Date(2025, 12, 13, 11, 30, 0, 123456789, time.FixedZone("CET", 3600))
	tests := []struct {
		name string
		typ  event.Type
		data any
		want string
	}{
		{"download data", event.DownloadProgress, event.DownloadData{DownloadID: "u", Key: "k", Folder: "F", Percent: 45.2, SpeedMbps: 2.5, ETASeconds: 180},
			`{"type":"download_progress","timestamp":"2025-12-13T10:30:00.123Z","data":{"download_id":"u","key":"k","folder":"F","season":0,"episode_number":0,"percent":45.2,"speed_mbps":2.5,"eta_seconds":180}}`},
		{"nil data", event.SystemInfo, nil, `{"type":"system_info","timestamp":"2025-12-13T10:30:00.123Z","data":{}}`},
		{"map data", event.QueueStopped, map[string]int{"n": 1}, `{"type":"queue_stopped","timestamp":"2025-12-13T10:30:00.123Z","data":{"n":1}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := encode(tc.typ, at, tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Fatalf("got  %s\nwant %s", b, tc.want)
			}
		})
	}
	if _, err := encode(event.SystemInfo, at, map[string]any{"f": func() {}}); err == nil {
		t.Fatal("unencodable data: want error")
	}
}

func TestCoalesceKey(t *testing.T) {
	tests := []struct {
		name string
		e    event.Event
		want msgKey
	}{
		{"download value", event.New(event.DownloadProgress, event.DownloadData{DownloadID: "a"}), msgKey{'d', "a"}},
		{"download pointer", event.New(event.DownloadProgress, &event.DownloadData{DownloadID: "a"}), msgKey{'d', "a"}},
		{"download nil pointer", event.New(event.DownloadProgress, (*event.DownloadData)(nil)), msgKey{}},
		{"download map", event.New(event.DownloadProgress, map[string]any{"download_id": "a"}), msgKey{'d', "a"}},
		{"download no id", event.New(event.DownloadProgress, event.DownloadData{}), msgKey{}},
		{"scan value", event.New(event.ScanProgress, event.ScanData{ScanID: "s"}), msgKey{'s', "s"}},
		{"scan pointer", event.New(event.ScanProgress, &event.ScanData{ScanID: "s"}), msgKey{'s', "s"}},
		{"scan map", event.New(event.ScanProgress, map[string]any{"scan_id": "s"}), msgKey{'s', "s"}},
		{"complete never coalesces", event.New(event.DownloadComplete, event.DownloadData{DownloadID: "a"}), msgKey{}},
		{"system info", event.New(event.SystemInfo, nil), msgKey{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := coalesceKey(tc.e); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseRequest(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want request
		code string
	}{
		{"type ping", `{"type":"ping"}`, request{verb: "ping"}, ""},
		{"action ping", `{"action":"ping"}`, request{verb: "ping"}, ""},
		{"join nested", `{"action":"join","data":{"room":"downloads"}}`, request{verb: "join", room: RoomDownloads}, ""},
		{"join flat", `{"action":"join","room":"scan_progress"}`, request{verb: "join", room: RoomScanProgress}, ""},
		{"leave nested", `{"action":"leave","data":{"room":"download_progress"}}`, request{verb: "leave", room: RoomDownloadProgress}, ""},
		{"subscribe alias", `{"action":"subscribe","room":"downloads"}`, request{verb: "join", room: RoomDownloads}, ""},
		{"nested wins", `{"action":"join","room":"downloads","data":{"room":"scan_progress"}}`, request{verb: "join", room: RoomScanProgress}, ""},
		{"null data", `{"action":"join","room":"downloads","data":null}`, request{verb: "join", room: RoomDownloads}, ""},
		{"not json", `hello`, request{}, CodeInvalidMessage},
		{"string", `"ping"`, request{}, CodeInvalidMessage},
		{"empty object", `{}`, request{}, CodeInvalidMessage},
		{"unknown", `{"action":"dance"}`, request{}, CodeUnknownAction},
		{"unknown room", `{"action":"join","room":"x"}`, request{}, CodeUnknownRoom},
		{"missing room", `{"action":"leave","data":{}}`, request{}, CodeInvalidMessage},
		{"bad data", `{"action":"join","data":[1]}`, request{}, CodeInvalidMessage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseRequest([]byte(tc.in))
			if tc.code != "" {
				var pe *protoError
				if !errors.As(err, &pe) || pe.Code != tc.code {
					t.Fatalf("err = %v, want code %s", err, tc.code)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{`{"type":"ping"}`, `{"action":"join","data":{"room":"downloads"}}`, `{"action":"leave","room":"scan_progress"}`, `{`, `[]`, `{"action":"join","data":"x"}`, "\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := parseRequest(b)
		if err != nil {
			var pe *protoError
			if !errors.As(err, &pe) || pe.Code == "" || pe.Message == "" {
				t.Fatalf("error %v is not a protocol error", err)
			}
			if _, err := json.Marshal(pe); err != nil {
				t.Fatal(err)
			}
			return
		}
		switch req.verb {
		case "ping":
		case "join", "leave":
			if _, ok := roomBit(req.room); !ok {
				t.Fatalf("accepted unknown room %q", req.room)
			}
		default:
			t.Fatalf("accepted verb %q", req.verb)
		}
	})
}

// queueClient is a client without a connection, for queue tests.
func queueClient(opts Options) (*Hub, *client) {
	h := NewHub(opts)
	return h, newClient(h, "q", nil, true)
}

func msgs(c *client) []string {
	var out []string
	for _, m := range c.queue {
		out = append(out, string(m.data))
	}
	return out
}

func TestEnqueueCoalescesAndEvicts(t *testing.T) {
	now := time.Unix(0, 0)
	prog := func(id string, n int) *outMsg {
		return &outMsg{data: fmt.Appendf(nil, "%s=%d", id, n), key: msgKey{'d', id}}
	}
	other := func(s string) *outMsg { return &outMsg{data: []byte(s)} }

	tests := []struct {
		name    string
		buffer  int
		drops   int
		in      []*outMsg
		want    []string
		evicted bool
	}{
		{"newest progress wins in place", 8, 8, []*outMsg{prog("a", 1), prog("b", 1), prog("a", 2)}, []string{"a=2", "b=1"}, false},
		{"other message is a barrier", 8, 8, []*outMsg{prog("a", 1), other("done"), prog("a", 2), prog("a", 3)}, []string{"a=1", "done", "a=3"}, false},
		{"full buffer drops", 2, 5, []*outMsg{other("1"), other("2"), other("3")}, []string{"1", "2"}, false},
		{"progress still coalesces when full", 2, 1, []*outMsg{prog("a", 1), prog("b", 1), prog("a", 2)}, []string{"a=2", "b=1"}, false},
		{"too many drops evicts", 2, 2, []*outMsg{other("1"), other("2"), other("3"), other("4")}, []string{"1", "2"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, c := queueClient(Options{SendBuffer: tc.buffer, SlowClientDrops: tc.drops, SlowClientGrace: time.Hour})
			evicted := false
			for _, m := range tc.in {
				evicted = c.enqueue(m, now) || evicted
			}
			if got := msgs(c); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("queue = %v, want %v", got, tc.want)
			}
			if evicted != tc.evicted || c.isKickd.Load() != tc.evicted {
				t.Fatalf("evicted = %v (kicked %v), want %v", evicted, c.isKickd.Load(), tc.evicted)
			}
			if tc.evicted && (c.code != websocket.StatusPolicyViolation || c.reason == "") {
				t.Fatalf("kick = %v %q", c.code, c.reason)
			}
		})
	}
}

func TestGraceEviction(t *testing.T) {
	now := time.Unix(1000, 0)
	h, c := queueClient(Options{SendBuffer: 1, SlowClientDrops: 100, SlowClientGrace: 5 * time.Second, Now: func() time.Time { return now }})
	h.clients[c] = struct{}{}
	c.enqueue(&outMsg{data: []byte("1")}, now)
	c.enqueue(&outMsg{data: []byte("2")}, now) // drop: full since now

	steps := []struct {
		name    string
		advance time.Duration
		kicked  bool
	}{
		{"within grace", 4 * time.Second, false},
		{"past grace", 2 * time.Second, true},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		h.sweep()
		if c.isKickd.Load() != s.kicked || (h.Count() == 0) != s.kicked {
			t.Fatalf("%s: kicked=%v count=%d", s.name, c.isKickd.Load(), h.Count())
		}
	}
}

func TestCatchingUpForgivesDrops(t *testing.T) {
	now := time.Unix(0, 0)
	_, c := queueClient(Options{SendBuffer: 1, SlowClientDrops: 2, SlowClientGrace: time.Hour})
	c.enqueue(&outMsg{data: []byte("1")}, now)
	c.enqueue(&outMsg{data: []byte("x")}, now) // drop 1
	c.giveBack(c.take())
	c.giveBack(c.take()) // empty: the client caught up
	c.enqueue(&outMsg{data: []byte("2")}, now)
	if c.enqueue(&outMsg{data: []byte("y")}, now) { // drop 1 again, not 2
		t.Fatal("evicted although the client caught up in between")
	}
}
