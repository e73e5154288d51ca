package api

import (
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/httpclient"
)

// TestDiagnosticsNetworkClientState: the network diagnosis carries what the
// outbound client used (transport, which resolver answered per host,
// solvers) and each site's active mirror.
func TestDiagnosticsNetworkClientState(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	e := newOpsEnv(t, nil, func(e *opsEnv, sv *Services) {
		sv.Diagnostics = &DiagnosticsDeps{
			Targets: func() []string { return nil },
			HTTPClient: func() httpclient.NetworkReport {
				return httpclient.NetworkReport{Transport: "chrome", DNS: "doh", DoHProviders: []string{"https://cloudflare-dns.com/dns-query"},
					Resolutions: []httpclient.Resolution{{Host: "aniworld.to", Resolver: "doh https://cloudflare-dns.com/dns-query", Addresses: []string{"186.2.175.111"}, At: at}},
					Solvers:     []string{"chromium", "flaresolverr"}, Solves: map[string]httpclient.SolveEvent{}}
			},
			Mirrors: func() map[string]httpclient.MirrorStatus {
				return map[string]httpclient.MirrorStatus{"aniworld.to": {Canonical: "https://aniworld.to", Active: "https://aniworld.cc",
					Mirrors: []string{"https://aniworld.to", "https://aniworld.cc"}, LastError: "aniworld.to: status 403", LastErrAt: at}}
			},
		}
	})
	code, _, raw := e.do("GET", "/api/diagnostics/network", "")
	body := decode[NetworkBody](t, raw)
	if code != 200 || body.HTTPClient == nil || body.HTTPClient.Transport != "chrome" ||
		len(body.HTTPClient.Resolutions) != 1 || body.HTTPClient.Resolutions[0].Resolver != "doh https://cloudflare-dns.com/dns-query" ||
		body.Mirrors["aniworld.to"].Active != "https://aniworld.cc" {
		t.Fatalf("%d %s", code, raw)
	}
}
