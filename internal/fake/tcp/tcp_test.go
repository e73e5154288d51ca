package tcp

import (
	"errors"
	"net"
	"syscall"
	"testing"
)

// TestClosedPortRefusesAndStaysReserved: connecting is refused, and no
// server can take the port while the test runs.
func TestClosedPortRefusesAndStaysReserved(t *testing.T) {
	addr := ClosedPort(t)
	for range 3 {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			t.Fatalf("%s accepted a connection", addr)
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("dial %s: %v, want connection refused", addr, err)
		}
	}
	if ln, err := net.Listen("tcp", addr); err == nil {
		ln.Close()
		t.Fatalf("another server could listen on %s", addr)
	}
}
