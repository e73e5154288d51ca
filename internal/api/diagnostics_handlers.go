package api

import (
	"context"
	"net"
	"time"

	"github.com/aniworld/aniworld/internal/diagnostics"
	"github.com/aniworld/aniworld/internal/httpclient"
)

// DiagnosticsDeps configures the diagnostics routes.
type DiagnosticsDeps struct {
	// Targets answers the URLs (or bare host names) to check: the
	// configured provider, s.to and TMDB URLs and a few hoster hosts.
	Targets func() []string
	// Timeout per target (diagnostics.DefaultProbeTimeout).
	Timeout time.Duration
	// Resolver defaults to net.DefaultResolver.
	Resolver diagnostics.Resolver
	// HTTPClient, when set, answers the outbound client's transport,
	// resolvers (which one answered per host) and solver state.
	HTTPClient func() httpclient.NetworkReport
	// Mirrors, when set, answers each site's mirrors and the active one.
	Mirrors func() map[string]httpclient.MirrorStatus
}

// NetworkBody is GET /api/diagnostics/network.
type NetworkBody struct {
	InternetConnected bool                      `json:"internet_connected" doc:"At least one target answered"`
	DNSWorking        bool                      `json:"dns_working" doc:"At least one target's host name resolved"`
	Tests             []diagnostics.NetworkTest `json:"tests"`
	// HTTPClient is what the outbound client really used: transport, DNS
	// mode and which resolver answered per host, solvers and last solves.
	HTTPClient *httpclient.NetworkReport `json:"http_client,omitempty"`
	// Mirrors is, per site, its base URLs and the one in use.
	Mirrors map[string]httpclient.MirrorStatus `json:"mirrors,omitempty"`
}

type networkOutput struct{ Body NetworkBody }

// SystemBody is GET /api/diagnostics/system.
type SystemBody struct {
	Platform      string `json:"platform" example:"Linux-6.1.0-amd64-x86_64"`
	GoVersion     string `json:"go_version" example:"go1.26.8"`
	PythonVersion string `json:"python_version" doc:"The Go version (same value as go_version); kept for clients of the older Python server"`
	Architecture  string `json:"architecture" example:"x86_64"`
	Processor     string `json:"processor"`
	Hostname      string `json:"hostname"`
	OS            string `json:"os"`
	NumCPU        int    `json:"num_cpu"`
}

type systemOutput struct{ Body SystemBody }

// diagnosticsHandlers are GET /api/diagnostics/network and system
// (rows in routes.go).
type diagnosticsHandlers struct{ DiagnosticsDeps }

func newDiagnosticsHandlers(d DiagnosticsDeps) diagnosticsHandlers {
	if d.Timeout <= 0 {
		d.Timeout = diagnostics.DefaultProbeTimeout
	}
	if d.Resolver == nil {
		d.Resolver = net.DefaultResolver
	}
	return diagnosticsHandlers{d}
}

// Descriptions of the diagnostics operations.
const (
	docDiagnosticsNetwork = "Checks, in parallel and with short timeouts, the configured provider URL, s.to, the TMDB " +
		"API and a few video hosters: DNS resolution and an HTTP HEAD request (any HTTP answer counts " +
		"as reachable). Direct connection (no proxy). Answers within a few seconds even when nothing is reachable. " +
		"`http_client` shows what the outbound client used (transport, DNS mode, which resolver answered per host, " +
		"solvers); `mirrors` each site's base URLs and the active one."
	docDiagnosticsSystem = "`python_version` carries the Go version (this server is written in Go); it equals `go_version`."
)

func (h diagnosticsHandlers) network(ctx context.Context, _ *struct{}) (*networkOutput, error) {
	var targets []string
	if h.Targets != nil {
		targets = h.Targets()
	}
	n := diagnostics.Diagnose(ctx, targets, h.Timeout, h.Resolver)
	body := NetworkBody{InternetConnected: n.InternetConnected, DNSWorking: n.DNSWorking, Tests: n.Tests}
	if h.HTTPClient != nil {
		rep := h.HTTPClient()
		body.HTTPClient = &rep
	}
	if h.Mirrors != nil {
		body.Mirrors = h.Mirrors()
	}
	return &networkOutput{Body: body}, nil
}

func (h diagnosticsHandlers) system(ctx context.Context, _ *struct{}) (*systemOutput, error) {
	return &systemOutput{Body: SystemBody(diagnostics.SystemInfo(ctx))}, nil
}
