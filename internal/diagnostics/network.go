// Package diagnostics checks what the server can reach: DNS and an HTTP
// answer from each outside party (the sites, TMDB, hosters), directly and
// within a short timeout, and describes the host it runs on.
package diagnostics

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DefaultProbeTimeout bounds one reachability check; the whole network
// diagnosis answers within DefaultProbeTimeout plus a small margin.
const DefaultProbeTimeout = 3 * time.Second

// Resolver is the DNS lookup the diagnosis uses (*net.Resolver).
type Resolver interface {
	LookupHost(ctx context.Context, host string) ([]string, error)
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

// Network is the outcome of checking a list of targets.
type Network struct {
	InternetConnected bool // at least one target answered
	DNSWorking        bool // at least one target's host name resolved
	Tests             []NetworkTest
}

// Diagnose checks every target (a URL or a bare host name) in parallel,
// each within timeout: DNS, then an HTTP HEAD without proxy or redirects
// (any HTTP answer counts as reachable).
func Diagnose(ctx context.Context, targets []string, timeout time.Duration, res Resolver) Network {
	body := Network{Tests: make([]NetworkTest, len(targets))}
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
