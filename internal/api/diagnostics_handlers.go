package api

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/host"
)

// DefaultProbeTimeout bounds one reachability check; the whole network
// diagnosis answers within DefaultProbeTimeout plus a small margin.
const DefaultProbeTimeout = 3 * time.Second

// Resolver is the DNS lookup the diagnosis uses (*net.Resolver).
type Resolver interface {
	LookupHost(ctx context.Context, host string) ([]string, error)
}

// DiagnosticsDeps configures the diagnostics routes.
type DiagnosticsDeps struct {
	// Targets answers the URLs (or bare host names) to check: the
	// configured provider, s.to and TMDB URLs and a few hoster hosts.
	Targets func() []string
	// Timeout per target (DefaultProbeTimeout).
	Timeout time.Duration
	// Resolver defaults to net.DefaultResolver.
	Resolver Resolver
	// HTTPClient, when set, answers the outbound client's transport,
	// resolvers (which one answered per host) and solver state.
	HTTPClient func() httpclient.NetworkReport
	// Mirrors, when set, answers each site's mirrors and the active one.
	Mirrors func() map[string]httpclient.MirrorStatus
}

// NetworkTest is one target's result.
type NetworkTest struct {
	Host           string  `json:"host"`
	URL            string  `json:"url"`
	DNSResolved    *bool   `json:"dns_resolved" doc:"null for an IP address"`
	Reachable      bool    `json:"reachable" doc:"An HTTP answer (any status) arrived"`
	StatusCode     int     `json:"status_code,omitempty"`
	ResponseTimeMs float64 `json:"response_time_ms"`
	Error          *string `json:"error"`
}

// NetworkBody is GET /api/diagnostics/network.
type NetworkBody struct {
	InternetConnected bool          `json:"internet_connected" doc:"At least one target answered"`
	DNSWorking        bool          `json:"dns_working" doc:"At least one target's host name resolved"`
	Tests             []NetworkTest `json:"tests"`
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
		d.Timeout = DefaultProbeTimeout
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
	body := Diagnose(ctx, targets, h.Timeout, h.Resolver)
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
	return &systemOutput{Body: systemInfo(ctx)}, nil
}

func systemInfo(ctx context.Context) SystemBody {
	b := SystemBody{GoVersion: runtime.Version(), PythonVersion: runtime.Version(), OS: runtime.GOOS,
		Architecture: runtime.GOARCH, Processor: runtime.GOARCH, NumCPU: runtime.NumCPU()}
	b.Hostname, _ = os.Hostname()
	kernel := ""
	if hi, err := host.InfoWithContext(ctx); err == nil {
		kernel = hi.KernelVersion
		if hi.KernelArch != "" {
			b.Architecture, b.Processor = hi.KernelArch, hi.KernelArch
		}
	}
	if ci, err := cpu.InfoWithContext(ctx); err == nil && len(ci) > 0 && ci[0].ModelName != "" {
		b.Processor = ci[0].ModelName
	}
	osName := runtime.GOOS
	if osName != "" {
		osName = strings.ToUpper(osName[:1]) + osName[1:]
	}
	parts := []string{osName}
	if kernel != "" {
		parts = append(parts, kernel)
	}
	b.Platform = strings.Join(append(parts, b.Architecture), "-")
	return b
}

// Diagnose checks every target in parallel, each within timeout.
func Diagnose(ctx context.Context, targets []string, timeout time.Duration, res Resolver) NetworkBody {
	body := NetworkBody{Tests: make([]NetworkTest, len(targets))}
	ctx, cancel := context.WithTimeout(ctx, timeout+500*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() { body.Tests[i] = probe(ctx, t, timeout, res) })
	}
	wg.Wait()
	for _, t := range body.Tests {
		body.InternetConnected = body.InternetConnected || t.Reachable
		body.DNSWorking = body.DNSWorking || (t.DNSResolved != nil && *t.DNSResolved)
	}
	return body
}

func probe(ctx context.Context, target string, timeout time.Duration, res Resolver) NetworkTest {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	raw := strings.TrimSpace(target)
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	t := NetworkTest{Host: target, URL: raw}
	fail := func(msg string) NetworkTest { t.Error = &msg; return t }
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fail("not an http(s) URL")
	}
	t.Host = u.Hostname()
	start := time.Now()
	if _, err := netip.ParseAddr(t.Host); err != nil {
		_, lerr := res.LookupHost(ctx, t.Host)
		ok := lerr == nil
		t.DNSResolved = &ok
		if !ok {
			t.ResponseTimeMs = ms(time.Since(start))
			return fail("DNS lookup failed: " + describeNetErr(ctx, lerr))
		}
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: timeout}).DialContext,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		DisableKeepAlives:     true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u.String(), nil)
	if err != nil {
		return fail("bad request: " + err.Error())
	}
	req.Header.Set("User-Agent", "aniworld-diagnostics")
	start = time.Now()
	resp, err := client.Do(req)
	t.ResponseTimeMs = ms(time.Since(start))
	if err != nil {
		return fail(describeNetErr(ctx, err))
	}
	resp.Body.Close()
	t.Reachable, t.StatusCode = true, resp.StatusCode
	return t
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// describeNetErr names the failure without internals.
func describeNetErr(ctx context.Context, err error) string {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "host not found"
		}
		return "DNS error: " + dnsErr.Err
	case errors.As(err, &opErr):
		if opErr.Timeout() {
			return "timed out"
		}
		return fmt.Sprintf("%s failed: %v", opErr.Op, opErr.Err)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
