package ws

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/aniworld/aniworld/internal/event"
)

// fakeClock is a settable clock for the hub.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// tokenSet is a revocable set of valid tokens with their expiry.
type tokenSet struct {
	mu    sync.Mutex
	valid map[string]time.Time
}

func (s *tokenSet) authenticate(_ context.Context, tok string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.valid[tok]
	return exp, ok
}

func (s *tokenSet) revoke(tok string) {
	s.mu.Lock()
	delete(s.valid, tok)
	s.mu.Unlock()
}

// TestTokenLifetimeEndsSocket: a socket lives only as long as its token.
// Each case ends one client's token a different way; that client is closed
// with 1008, the other authenticated client keeps receiving events.
func TestTokenLifetimeEndsSocket(t *testing.T) {
	tests := []struct {
		name string
		end  func(f *fixture, clk *fakeClock, toks *tokenSet, c *websocket.Conn)
	}{
		{"expiry passes (injected clock)", func(f *fixture, clk *fakeClock, _ *tokenSet, _ *websocket.Conn) {
			clk.Advance(time.Hour) // "short" expires at +1h, "long" at +48h; the sweep notices
		}},
		{"revoked, then Revalidate (logout)", func(f *fixture, _ *fakeClock, toks *tokenSet, _ *websocket.Conn) {
			toks.revoke("short")
			f.hub.Revalidate(context.Background())
		}},
		{"revoked, then the client joins a room", func(f *fixture, _ *fakeClock, toks *tokenSet, c *websocket.Conn) {
			toks.revoke("short")
			write(t, c, `{"action":"join","data":{"room":"scan_progress"}}`)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			toks := &tokenSet{valid: map[string]time.Time{
				"short": clk.Now().Add(time.Hour),
				"long":  clk.Now().Add(48 * time.Hour),
			}}
			f := newFixture(t, Options{Authenticate: toks.authenticate, Now: clk.Now, SlowClientGrace: 40 * time.Millisecond})
			short, hello := f.dial(t, "token=short", nil)
			if hello.field(t, "authenticated") != true {
				t.Fatalf("short token not authenticated: %s", hello.Data)
			}
			long, _ := f.dial(t, "token=long", nil)
			anon, _ := f.dial(t, "", nil)

			tc.end(f, clk, toks, short)
			if got := closeError(t, short); got.Code != websocket.StatusPolicyViolation || got.Reason != reasonToken {
				t.Fatalf("close = %v %q, want 1008 %q", got.Code, got.Reason, reasonToken)
			}
			f.hub.Publish(event.New(event.DownloadComplete, event.DownloadData{DownloadID: "next-owner"}))
			if m := read(t, long); m.Type != "download_complete" {
				t.Fatalf("valid client got %s", m.Type)
			}
			roundTrip(t, anon)
			if n := f.hub.Count(); n != 2 {
				t.Fatalf("count = %d, want 2", n)
			}
		})
	}
}

// TestJoinWithValidTokenStillWorks: the re-check on join does not bother
// a client whose token is fine.
func TestJoinWithValidTokenStillWorks(t *testing.T) {
	clk := newFakeClock()
	toks := &tokenSet{valid: map[string]time.Time{"tok": clk.Now().Add(time.Hour)}}
	f := newFixture(t, Options{Authenticate: toks.authenticate, Now: clk.Now})
	c, _ := f.dial(t, "token=tok", nil)
	write(t, c, `{"action":"join","data":{"room":"scan_progress"}}`)
	if m := read(t, c); m.Type != "system_info" || m.field(t, "action") != "joined" {
		t.Fatalf("got %s %s", m.Type, m.Data)
	}
}
