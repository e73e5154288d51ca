package main

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestSIGTERMWithSilentWebSocketClients: clients that never read (so never
// answer the 1001 close frame) do not hold the shutdown up: the process
// sends 1001, waits briefly (ws.Options.ShutdownTimeout, 1 s), drops the
// connections and exits 0 without an error line.
func TestSIGTERMWithSilentWebSocketClients(t *testing.T) {
	p := start(t, t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for range 3 {
		c, _, err := websocket.Dial(ctx, "ws://"+p.addr+"/ws/connect", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow() // never read: the close frame stays unanswered
	}
	sent := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(40 * time.Second):
		t.Fatal("server did not exit after SIGTERM")
	}
	took := time.Since(sent)
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit code %d after %s\n%s", code, took, p.stderr.String())
	}
	if strings.Contains(p.stderr.String(), "deadline exceeded") {
		t.Fatalf("a silent peer was reported as an error:\n%s", p.stderr.String())
	}
	// Before the fix the hub waited 5 s for the handshake; now it waits 1 s.
	if took >= 4*time.Second {
		t.Fatalf("shutdown took %s with silent clients", took)
	}
	t.Logf("exit 0 after %s", took)
}
