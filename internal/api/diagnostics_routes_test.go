package api

import (
	"net"
	"runtime"
	"sync"
	"testing"
	"time"
)

// blackhole accepts connections and never answers.
func blackhole(t *testing.T) string {
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

func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestDiagnosticsRoutes(t *testing.T) {
	hole := "http://" + blackhole(t)
	e := newOpsEnv(t, nil, func(e *opsEnv, sv *Services) {
		sv.Diagnostics = &DiagnosticsDeps{Targets: func() []string {
			return []string{hole, "http://" + closedPort(t), "http://" + blackhole(t)}
		}}
	})
	start := time.Now()
	code, _, raw := e.do("GET", "/api/diagnostics/network", "")
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("network diagnosis took %v", el)
	}
	body := decode[NetworkBody](t, raw)
	if code != 200 || body.InternetConnected || len(body.Tests) != 3 {
		t.Fatalf("%d %s", code, raw)
	}
	code, _, raw = e.do("GET", "/api/diagnostics/system", "")
	sys := decode[SystemBody](t, raw)
	if code != 200 || sys.GoVersion != runtime.Version() || sys.PythonVersion != sys.GoVersion || sys.Platform == "" || sys.Architecture == "" || sys.Hostname == "" {
		t.Fatalf("%d %s", code, raw)
	}
	e.token = ""
	if code, _, _ := e.do("GET", "/api/diagnostics/system", ""); code != 401 {
		t.Fatalf("anonymous: %d", code)
	}
}
