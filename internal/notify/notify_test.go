package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/fake/webhook"
)

func intp(i int) *int { return &i }

// TestSenders: one URL per target reaches the fake receiver through
// shoutrrr (ntfy, generic webhook) and through our own JSON webhook.
func TestSenders(t *testing.T) {
	rx := webhook.New()
	srv := httptest.NewServer(rx)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	msg := Message{Event: DownloadFinished, Title: "Downloaded: Demo S01E04", Message: "Demo & Friends S01E04 (German Dub)",
		SeriesKey: "demo", Season: intp(1), Episode: intp(4), Path: "/lib/Demo/Season 01/x.mp4", Time: time.Unix(0, 0).UTC()}
	cases := []struct {
		name  string
		url   string
		check func(t *testing.T, r webhook.Request)
	}{
		{"ntfy via shoutrrr", "ntfy://" + host + "/alerts?scheme=http", func(t *testing.T, r webhook.Request) {
			if r.Topic != "alerts" || r.Title != msg.Title || !strings.Contains(r.Message, "S01E04") {
				t.Fatalf("ntfy got %+v", r)
			}
		}},
		{"generic webhook via shoutrrr", "generic://" + host + "/hook?disabletls=yes", func(t *testing.T, r webhook.Request) {
			if r.Path != "/hook" || !strings.Contains(string(r.Body), "S01E04") {
				t.Fatalf("generic got %+v %q", r, r.Body)
			}
		}},
		{"our JSON webhook", srv.URL + "/own", func(t *testing.T, r webhook.Request) {
			if r.Path != "/own" || r.JSON["event"] != "download_finished" || r.JSON["season"] != 1.0 || r.JSON["path"] != msg.Path || r.Title != msg.Title {
				t.Fatalf("webhook got %+v", r.JSON)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(rx.Requests())
			s, err := NewSender(c.url, SenderOptions{Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Send(context.Background(), msg); err != nil {
				t.Fatal(err)
			}
			got := rx.Requests()
			if len(got) != before+1 {
				t.Fatalf("requests %d, want %d", len(got), before+1)
			}
			c.check(t, got[len(got)-1])
			second := msg
			second.Title = "Another title"
			if err := s.Send(context.Background(), second); err != nil {
				t.Fatal(err)
			}
			if got := rx.Requests(); got[len(got)-1].Title != "Another title" && c.name != "generic webhook via shoutrrr" {
				t.Fatalf("second message kept the first title: %+v", got[len(got)-1])
			}
		})
	}
	for _, bad := range []string{"no-scheme", "nosuchservice://x", "http://"} {
		if _, err := NewSender(bad, SenderOptions{}); !errors.Is(err, ErrPermanent) {
			t.Errorf("NewSender(%q) = %v, want a permanent error", bad, err)
		}
	}
}

// TestDownTargetRetriedWithBackoff: a target that is down does not block
// Notify; its message is retried with doubling waits and delivered once
// the target is back. Another target is not held up meanwhile.
func TestDownTargetRetriedWithBackoff(t *testing.T) {
	down, up := webhook.New(), webhook.New()
	down.SetMode(webhook.Down)
	sd, su := httptest.NewServer(down), httptest.NewServer(up)
	defer sd.Close()
	defer su.Close()
	var mu sync.Mutex
	var waits []time.Duration
	n := New(Options{Backoff: time.Second, MaxBackoff: 4 * time.Second, MaxAttempts: 10, QueueSize: 4,
		Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			k := len(waits)
			mu.Unlock()
			if k == 4 {
				down.SetMode(webhook.Up) // the target comes back after the fourth wait
			}
			return nil
		}})
	mk := func(u string) Sender { s, _ := NewSender(u, SenderOptions{Timeout: 2 * time.Second}); return s }
	n.Configure([]Target{
		{Name: "down", Key: sd.URL, Events: []Kind{DownloadFinished}, Sender: mk(sd.URL)},
		{Name: "up", Key: su.URL, Events: []Kind{DownloadFinished, Health}, Sender: mk(su.URL)},
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- n.Run(ctx) }()
	start := time.Now()
	n.Notify(Message{Event: DownloadFinished, Title: "Downloaded: X"})
	n.Notify(Message{Event: EpisodeFound, Title: "not subscribed"})
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Fatalf("Notify blocked for %v", d)
	}
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	for _, rx := range []*webhook.Receiver{up, down} {
		if _, err := rx.WaitFor(wctx, func(r webhook.Request) bool { return r.Title == "Downloaded: X" }); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	got := append([]time.Duration(nil), waits...)
	mu.Unlock()
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}
	if len(got) != len(want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("waits %v, want %v", got, want)
		}
	}
	if down.Attempts() != 5 || len(up.Requests()) != 1 {
		t.Fatalf("attempts down %d, up %d", down.Attempts(), len(up.Requests()))
	}
	st := n.Stats()
	for deadline := time.Now().Add(10 * time.Second); (st[0].Sent == 0 || st[1].Sent == 0) && time.Now().Before(deadline); st = n.Stats() {
		time.Sleep(2 * time.Millisecond) // the receiver recorded it; the sender is counting
	}
	if st[0].Name != "down" || st[0].Sent != 1 || st[0].Retries != 4 || st[1].Sent != 1 {
		t.Fatalf("stats %+v", st)
	}
	cancel()
	<-done
}

// TestQueueBounded: while a target hangs, messages beyond its queue are
// dropped and counted, never piled up; giving up after MaxAttempts counts
// as failed.
func TestQueueBounded(t *testing.T) {
	release := make(chan struct{})
	blocked := &blockingSender{release: release}
	n := New(Options{QueueSize: 3, MaxAttempts: 2, Sleep: func(context.Context, time.Duration) error { return nil }})
	n.Configure([]Target{{Name: "slow", Key: "k", Events: []Kind{Health}, Sender: blocked}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- n.Run(ctx) }()
	for i := 0; i < 20; i++ {
		n.Notify(Message{Event: Health, Title: "disk"})
	}
	st := n.Stats()[0]
	// One message is in the sender, three wait in the queue.
	if st.Dropped < 16 || st.Dropped > 17 || st.Queued > 3 {
		t.Fatalf("stats %+v", st)
	}
	close(release)
	deadline := time.Now().Add(10 * time.Second)
	for n.Stats()[0].Failed+n.Stats()[0].Sent < 20-st.Dropped {
		if time.Now().After(deadline) {
			t.Fatalf("stats %+v", n.Stats()[0])
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := n.Stats()[0]; got.Sent != 0 || got.Retries != got.Failed {
		t.Fatalf("stats %+v", got)
	}
	if err := n.Test(ctx, "nope", Message{}); err == nil {
		t.Fatal("test of unknown target passed")
	}
	cancel()
	<-done
}

type blockingSender struct{ release chan struct{} }

func (b *blockingSender) Send(ctx context.Context, _ Message) error {
	select {
	case <-b.release:
	case <-ctx.Done():
	}
	return errors.New("unreachable")
}

func TestHealthWatch(t *testing.T) {
	var got []Message
	h := NewHealthWatch(func(m Message) { got = append(got, m) }, nil)
	steps := []struct {
		check string
		err   error
	}{
		{"disk", nil}, {"disk", errors.New("12 MB free")}, {"disk", errors.New("10 MB free")},
		{"provider aniworld.to", errors.New("403")}, {"disk", nil}, {"disk", nil},
	}
	for _, s := range steps {
		h.Observe(s.check, s.err)
	}
	if len(got) != 3 || got[0].Title != "Problem: disk" || got[1].Check != "provider aniworld.to" || !got[2].Recovered {
		t.Fatalf("messages %+v", got)
	}
	if f := h.Failing(); len(f) != 1 || f["provider aniworld.to"] != "403" {
		t.Fatalf("failing %v", f)
	}
}

// TestHealthWatchDebounce: with rules, a check becomes a problem only
// after enough failures in a row or a long enough failing streak (on an
// injected clock); a success in between starts over silently; a recovery
// follows only a problem that was sent; repeats send nothing.
func TestHealthWatchDebounce(t *testing.T) {
	type step struct {
		advance time.Duration
		check   string
		err     bool
		want    string // title of the message this step sends, "" for none
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"three failures in a row", []step{
			{0, "provider aniworld.to", true, ""}, {time.Minute, "provider aniworld.to", true, ""},
			{time.Minute, "provider aniworld.to", true, "Problem: provider aniworld.to"},
			{time.Minute, "provider aniworld.to", true, ""},
			{time.Minute, "provider aniworld.to", false, "Recovered: provider aniworld.to"},
			{time.Minute, "provider aniworld.to", false, ""},
		}},
		{"a success in between starts over", []step{
			{0, "provider s.to", true, ""}, {time.Minute, "provider s.to", true, ""},
			{time.Minute, "provider s.to", false, ""},
			{time.Minute, "provider s.to", true, ""}, {time.Minute, "provider s.to", true, ""},
		}},
		{"failing long enough", []step{
			{0, "provider aniworld.to", true, ""},
			{14 * time.Minute, "provider aniworld.to", true, ""},
			{time.Minute, "provider aniworld.to", true, "Problem: provider aniworld.to"},
		}},
		{"longest prefix wins", []step{
			{0, "hoster VOE", true, ""}, {time.Minute, "hoster VOE", true, "Problem: hoster VOE"},
			{0, "hoster Doodstream", true, ""}, {0, "hoster Doodstream", true, ""},
			{0, "hoster Doodstream", true, ""}, {0, "hoster Doodstream", true, ""},
			{0, "hoster Doodstream", true, "Problem: hoster Doodstream"},
		}},
		{"no rule: the first failure", []step{
			{0, "disk", false, ""}, {0, "disk", true, "Problem: disk"}, {5 * time.Minute, "disk", true, ""},
			{5 * time.Minute, "disk", false, "Recovered: disk"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
			var got []Message
			h := NewHealthWatch(func(m Message) { got = append(got, m) }, func() time.Time { return clk })
			h.SetRule("provider ", HealthRule{Failures: 3, For: 15 * time.Minute})
			h.SetRule("hoster ", HealthRule{Failures: 5})
			h.SetRule("hoster VOE", HealthRule{Failures: 2})
			for i, s := range tt.steps {
				clk = clk.Add(s.advance)
				before := len(got)
				var err error
				if s.err {
					err = fmt.Errorf("failure %d", i)
				}
				h.Observe(s.check, err)
				switch {
				case s.want == "" && len(got) != before:
					t.Fatalf("step %d sent %+v", i, got[before:])
				case s.want != "" && (len(got) != before+1 || got[before].Title != s.want):
					t.Fatalf("step %d: messages %+v, want %q", i, got[before:], s.want)
				case s.want != "" && (got[before].Check != s.check || !got[before].Time.Equal(clk) || got[before].Event != Health):
					t.Fatalf("step %d: message %+v", i, got[before])
				}
				if s.want != "" && strings.HasPrefix(s.want, "Problem") {
					if f := h.Failing(); f[s.check] != err.Error() {
						t.Fatalf("step %d: failing %v", i, f)
					}
				}
			}
		})
	}
}

// TestHealthWatchForget: a check turned off is dropped without a message;
// observed again later, it starts from scratch.
func TestHealthWatchForget(t *testing.T) {
	var got []Message
	h := NewHealthWatch(func(m Message) { got = append(got, m) }, nil)
	h.Observe("disk", errors.New("12 MB free"))
	h.Forget("disk")
	if len(h.Failing()) != 0 || len(got) != 1 {
		t.Fatalf("after Forget: failing %v, messages %+v", h.Failing(), got)
	}
	h.Observe("disk", nil)
	h.Observe("disk", errors.New("10 MB free"))
	if len(got) != 2 || got[1].Title != "Problem: disk" {
		t.Fatalf("messages %+v", got)
	}
}
