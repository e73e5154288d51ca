package browser

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/fake/jsgate"
	"github.com/aniworld/aniworld/internal/httpclient"
)

// profileDir is the running browser's profile ("" when none runs).
func profileDir(b *Browser) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.proc == nil {
		return ""
	}
	return b.proc.dir
}

// gone fails the test when a process of the profile or the profile
// directory is left.
func gone(t *testing.T, dir string) {
	t.Helper()
	if pids := profileProcs(dir); len(pids) > 0 {
		t.Fatalf("chromium processes left after stop: %v", pids)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("profile dir %s left: %v", dir, err)
	}
}

func TestIdleClose(t *testing.T) {
	exe := needChromium(t)
	_, srv := newGate(t, jsgate.Pass)
	clock := newFakeClock()
	b := New(Options{Path: exe, Clock: clock, IdleTimeout: 2 * time.Minute})
	defer b.Close()
	if _, err := b.Solve(context.Background(), httpclient.SolveRequest{URL: srv.URL + "/", UserAgent: testUA}); err != nil {
		t.Fatal(err)
	}
	dir := profileDir(b)
	if dir == "" || !b.Status().Running || len(profileProcs(dir)) == 0 || clock.pending() != 1 {
		t.Fatalf("after a solve: dir %q, status %+v, timers %d", dir, b.Status(), clock.pending())
	}

	// A tab opened while the idle timer runs cancels it.
	clock.Advance(time.Minute)
	tb, err := b.open(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Minute)
	if !b.Status().Running || b.Status().OpenTabs != 1 {
		t.Fatalf("closed with a tab open: %+v", b.Status())
	}
	tb.release()

	clock.Advance(2*time.Minute - time.Second)
	if !b.Status().Running {
		t.Fatal("closed before the idle timeout")
	}
	clock.Advance(time.Second)
	if st := b.Status(); st.Running || st.OpenTabs != 0 {
		t.Fatalf("still running after the idle timeout: %+v", st)
	}
	gone(t, dir)

	// The next solve starts a fresh browser with a fresh profile.
	if _, err := b.Solve(context.Background(), httpclient.SolveRequest{URL: srv.URL + "/again", UserAgent: testUA}); err != nil {
		t.Fatal(err)
	}
	if st := b.Status(); st.Starts != 2 || profileDir(b) == dir {
		t.Fatalf("restart: %+v, dir %s", st, profileDir(b))
	}
	dir = profileDir(b)
	b.Close()
	gone(t, dir)
	if _, err := b.Solve(context.Background(), httpclient.SolveRequest{URL: srv.URL + "/", UserAgent: testUA}); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "shut down") {
		t.Fatalf("solve after Close: %v", err)
	}
}

func TestTabsBoundedOneProcess(t *testing.T) {
	exe := needChromium(t)
	_, srv := newGate(t, jsgate.Pass)
	b := New(Options{Path: exe, MaxTabs: 2, MaxSolvesPerHostHour: 10})
	defer b.Close()
	t1, err := b.open(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	t2, err := b.open(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	_, err = b.open(ctx, false)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "wait for a browser tab") {
		t.Fatalf("third tab: %v, want a wait for a free tab", err)
	}
	t1.release()
	t2.release()

	errs := make(chan error, 4)
	for i := range 4 {
		go func() {
			_, err := b.Solve(context.Background(), httpclient.SolveRequest{URL: srv.URL + "/p" + string(rune('a'+i)), UserAgent: testUA})
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if st := b.Status(); st.Starts != 1 || st.Hosts[0].OK != 4 {
		t.Fatalf("four solves: %+v", st)
	}
}

func needXvfb(t *testing.T) {
	t.Helper()
	if findXvfb("", defaultLookPath) == "" {
		t.Skip("Xvfb not installed")
	}
}

func TestHeadedFallbackUnderXvfb(t *testing.T) {
	exe := needChromium(t)
	needXvfb(t)
	gate, srv := newGate(t, jsgate.RefuseHeadless)
	b := New(Options{Path: exe, HeadedFallback: true, SolveTimeout: 3 * time.Second})
	defer b.Close()
	req := httpclient.SolveRequest{URL: srv.URL + "/", UserAgent: testUA}
	cl, err := b.Solve(context.Background(), req)
	if err != nil {
		t.Fatalf("solve with headed fallback: %v", err)
	}
	st := b.Status()
	if !st.Running || !st.Headed || st.Starts != 2 || !st.HeadedPossible {
		t.Fatalf("status after fallback: %+v", st)
	}
	if code, _ := get(t, srv.URL+"/", cl.UserAgent, cl.Cookies); code != 200 {
		t.Fatalf("plain request after headed solve: %d", code)
	}
	if gate.PassedUA(testUA) != 2 { // the headed browser's reload and the plain request
		t.Fatalf("gate passed %d requests", gate.PassedUA(testUA))
	}
	// The host is solved headed from now on: no switch back to headless
	// (which would be a third start).
	if _, err := b.Solve(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if st := b.Status(); st.Starts != 2 || !st.Headed {
		t.Fatalf("second solve: %+v", st)
	}

	// Without the fallback the same gate is a clear time-limit error.
	nb := New(Options{Path: exe, SolveTimeout: 2 * time.Second})
	defer nb.Close()
	if _, err := nb.Solve(context.Background(), req); !errors.Is(err, ErrTimeout) {
		t.Fatalf("headless only: %v, want ErrTimeout", err)
	}
}
