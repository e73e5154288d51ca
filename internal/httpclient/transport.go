package httpclient

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// Transport names, the values of Options.Transport.
const (
	// TransportChrome is the browser-grade transport: Chrome 133's TLS
	// ClientHello and HTTP/2 fingerprint (bogdanfinn/tls-client). Default.
	TransportChrome = "chrome"
	// TransportStandard is Go's net/http transport.
	TransportStandard = "standard"
)

// transportTLSOpts are the certificate settings both transports share.
type transportTLSOpts struct {
	roots *x509.CertPool // nil: the system roots
}

// router sends https requests through the chosen transport, plain http
// through the standard one (there is no TLS to fingerprint, and forward
// proxies expect absolute request URIs), and requests to the hosts in
// insecure (origin-IP mirrors) through a variant without certificate
// checks.
type router struct {
	std      http.RoundTripper
	https    http.RoundTripper
	insecure http.RoundTripper
	hosts    map[string]bool // insecure hosts (IP literals)
}

// RoundTrip picks the transport for req.
func (r *router) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.EqualFold(req.URL.Scheme, "https") {
		return r.std.RoundTrip(req)
	}
	if r.insecure != nil && r.hosts[strings.ToLower(req.URL.Hostname())] {
		return r.insecure.RoundTrip(req)
	}
	return r.https.RoundTrip(req)
}

// CloseIdleConnections closes idle connections of every transport.
func (r *router) CloseIdleConnections() {
	for _, t := range []http.RoundTripper{r.std, r.https, r.insecure} {
		if ci, ok := t.(interface{ CloseIdleConnections() }); ok {
			ci.CloseIdleConnections()
		}
	}
}

// buildTransport assembles the router for o. o is valid.
func buildTransport(o Options, d *dialer) (http.RoundTripper, error) {
	tlsOpts := transportTLSOpts{roots: o.RootCAs}
	std := newStdTransport(o, d, tlsOpts, false)
	r := &router{std: std, https: std, hosts: map[string]bool{}}
	for _, h := range o.InsecureHosts {
		r.hosts[strings.ToLower(strings.Trim(h, "[]"))] = true
	}
	if o.Transport == TransportChrome {
		ct, err := newChromeTransport(chromeConfig{proxy: o.Proxy, dial: d, tls: tlsOpts})
		if err != nil {
			return nil, err
		}
		r.https = ct
	}
	if len(r.hosts) == 0 {
		return r, nil
	}
	if o.Transport == TransportChrome {
		ct, err := newChromeTransport(chromeConfig{proxy: o.Proxy, dial: d, tls: tlsOpts, insecure: true})
		if err != nil {
			return nil, err
		}
		r.insecure = ct
	} else {
		r.insecure = newStdTransport(o, d, tlsOpts, true)
	}
	return r, nil
}

// newStdTransport is net/http's transport with the client's dialer, proxy
// and timeouts.
func newStdTransport(o Options, d *dialer, tlsOpts transportTLSOpts, insecure bool) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	if o.Proxy != "" {
		pu, _ := parseProxy(o.Proxy) // validated
		tr.Proxy = http.ProxyURL(pu)
	}
	tr.DialContext = d.DialContext
	// No ResponseHeaderTimeout: the Client's stall timer (attempt.Guard)
	// bounds the wait for headers, as it does with the chrome transport.
	tr.TLSHandshakeTimeout = min(o.Timeout, 15*time.Second)
	if tlsOpts.roots != nil || insecure {
		// Only origin-IP mirrors get InsecureSkipVerify; see Options.InsecureHosts.
		tr.TLSClientConfig = &tls.Config{RootCAs: tlsOpts.roots, InsecureSkipVerify: insecure} //nolint:gosec
	}
	return tr
}

// validTransport checks Options.Transport and Options.InsecureHosts.
func validTransport(o Options) error {
	switch o.Transport {
	case "", TransportChrome, TransportStandard:
	default:
		return fmt.Errorf("%w: transport %q must be %s or %s", anime.ErrInvalid, o.Transport, TransportChrome, TransportStandard)
	}
	for _, h := range o.InsecureHosts {
		if _, err := netip.ParseAddr(strings.Trim(h, "[]")); err != nil {
			return fmt.Errorf("%w: insecure host %q must be an IP address (certificate checks are only ever off for an origin IP)", anime.ErrInvalid, h)
		}
	}
	return nil
}

// isIPLiteral reports whether host (no port) is an IP address.
func isIPLiteral(host string) bool {
	_, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil
}
