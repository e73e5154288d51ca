package httpclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"
)

// dialer connects to host:port, resolving names with DoH when configured.
// Both transports dial through it, so DNS behaves the same with either.
type dialer struct {
	nd  *net.Dialer
	doh *dohResolver // nil: the system resolver for every name
	log *dnsLog
}

// Dial is DialContext without a context (proxy.Dialer).
func (d *dialer) Dial(network, addr string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, addr)
}

// DialContext resolves addr's host and dials each answer in turn.
func (d *dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if isIPLiteral(host) {
		return d.nd.DialContext(ctx, network, addr)
	}
	if d.doh == nil || !dohName(host) {
		conn, err := d.nd.DialContext(ctx, network, addr)
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) {
			d.log.record(host, DNSSystem, nil, err)
		} else {
			d.log.record(host, DNSSystem, nil, nil)
		}
		return conn, err
	}
	addrs, err := d.doh.lookup(ctx, host)
	if err != nil {
		return nil, &net.DNSError{Err: "doh lookup " + host + ": " + err.Error(), Name: host, IsNotFound: errors.Is(err, errNoAnswer)}
	}
	var errs []error
	for _, a := range addrs {
		conn, err := d.nd.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("dial %s: %w", host, errors.Join(errs...))
}

// dohName reports whether host is a public name DoH should resolve: not
// localhost, not a single label (a container or LAN name), not a local or
// internal zone. Those stay with the system resolver.
func dohName(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if !strings.Contains(h, ".") {
		return false
	}
	for _, suffix := range []string{".localhost", ".local", ".internal", ".lan", ".home.arpa"} {
		if strings.HasSuffix(h, suffix) {
			return false
		}
	}
	return true
}

// Resolution is how a host name was last resolved (diagnostics).
type Resolution struct {
	Host string `json:"host"`
	// Resolver is "system" or "doh <endpoint>" (the provider that
	// answered); "doh" alone when every provider failed.
	Resolver  string    `json:"resolver"`
	Addresses []string  `json:"addresses,omitempty"`
	Error     string    `json:"error,omitempty"`
	At        time.Time `json:"at"`
}

// dnsLog keeps the last resolution per host, bounded.
type dnsLog struct {
	mu    sync.Mutex
	hosts map[string]Resolution
	now   func() time.Time
}

const maxDNSLog = 256

func newDNSLog() *dnsLog { return &dnsLog{hosts: map[string]Resolution{}, now: time.Now} }

func (l *dnsLog) record(host, resolver string, addrs []netip.Addr, err error) {
	if l == nil {
		return
	}
	r := Resolution{Host: strings.ToLower(host), Resolver: resolver, At: l.now()}
	for _, a := range addrs {
		r.Addresses = append(r.Addresses, a.String())
	}
	if err != nil {
		r.Error = err.Error()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.hosts[r.Host]; !ok && len(l.hosts) >= maxDNSLog {
		var oldest string
		for h, v := range l.hosts {
			if oldest == "" || v.At.Before(l.hosts[oldest].At) {
				oldest = h
			}
		}
		delete(l.hosts, oldest)
	}
	l.hosts[r.Host] = r
}

func (l *dnsLog) list() []Resolution {
	l.mu.Lock()
	out := make([]Resolution, 0, len(l.hosts))
	for _, r := range l.hosts {
		out = append(out, r)
	}
	l.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Host < out[j].Host })
	return out
}
