// Package tcp holds the two unreachable peers tests need: a listener that
// accepts and never answers (a black hole, as a firewall that drops), and
// a port nobody listens on (connection refused).
package tcp

import (
	"net"
	"sync"
	"testing"
)

// Blackhole accepts connections on a loopback port and never answers;
// it answers host:port and closes everything when t ends.
func Blackhole(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// ClosedPort answers a loopback host:port that refuses connections for
// as long as t runs. The port stays reserved (reservePort): a port merely
// listened on and closed can be taken by any other server meanwhile, and
// a test that expected "connection refused" then gets an answer.
func ClosedPort(t testing.TB) string {
	t.Helper()
	addr, release, err := reservePort()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	return addr
}
