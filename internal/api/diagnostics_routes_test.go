package api

import (
	"runtime"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/fake/tcp"
)

func TestDiagnosticsRoutes(t *testing.T) {
	hole := "http://" + tcp.Blackhole(t)
	e := newOpsEnv(t, nil, func(e *opsEnv, sv *Services) {
		sv.Diagnostics = &DiagnosticsDeps{Targets: func() []string {
			return []string{hole, "http://" + tcp.ClosedPort(t), "http://" + tcp.Blackhole(t)}
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
