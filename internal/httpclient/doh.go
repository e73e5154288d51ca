package httpclient

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// DNS modes, the values of Options.DNS.
const (
	// DNSSystem resolves names with the operating system's resolver.
	DNSSystem = "system"
	// DNSDoH resolves names over DNS-over-HTTPS (Options.DoHProviders, in
	// order), because German ISPs block the sites' names by DNS.
	DNSDoH = "doh"
)

// DoHProvider is one DNS-over-HTTPS endpoint.
type DoHProvider struct {
	// URL is the endpoint ("https://cloudflare-dns.com/dns-query").
	URL string
	// Format is "wire" (RFC 8484 application/dns-message) or "json"
	// (application/dns-json). Empty: DoHFormatFor(URL).
	Format string
}

// DefaultDoHProviders are Cloudflare (RFC 8484 wire format) and Google (JSON),
// tried in this order.
var DefaultDoHProviders = []DoHProvider{
	{URL: "https://cloudflare-dns.com/dns-query", Format: "wire"},
	{URL: "https://dns.google/resolve", Format: "json"},
}

// DoHFormatFor guesses an endpoint's dialect: Google's /resolve speaks JSON,
// everything else the RFC 8484 wire format.
func DoHFormatFor(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil && strings.HasSuffix(u.Path, "/resolve") {
		return "json"
	}
	return "wire"
}

// bootstrap are the addresses of the default DoH hosts, so reaching the
// resolver never depends on the (possibly blocking) system resolver.
var bootstrap = map[string][]string{
	"cloudflare-dns.com": {"1.1.1.1", "1.0.0.1"},
	"dns.google":         {"8.8.8.8", "8.8.4.4"},
}

// errNoAnswer is an authoritative "this name has no address" (NXDOMAIN or
// no A/AAAA records); the next provider is not asked.
var errNoAnswer = errors.New("no such host")

// dohResolver resolves host names over DNS-over-HTTPS, asking its
// providers in order until one answers, and caches answers for their TTL.
type dohResolver struct {
	providers []DoHProvider
	hc        *http.Client
	log       *dnsLog
	mu        sync.Mutex
	cache     map[string]dohEntry
}

type dohEntry struct {
	addrs   []netip.Addr
	expires time.Time
}

func newDoHResolver(providers []DoHProvider, timeout time.Duration, roots transportTLSOpts, log *dnsLog) *dohResolver {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	nd := &net.Dialer{Timeout: min(timeout, 10*time.Second)}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		ips, ok := bootstrap[host]
		if !ok {
			return nd.DialContext(ctx, network, addr)
		}
		var errs []error
		for _, ip := range ips {
			conn, err := nd.DialContext(ctx, network, net.JoinHostPort(ip, port))
			if err == nil {
				return conn, nil
			}
			errs = append(errs, err)
		}
		return nil, errors.Join(errs...)
	}
	if roots.roots != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: roots.roots}
	}
	ps := make([]DoHProvider, len(providers))
	for i, p := range providers {
		if p.Format == "" {
			p.Format = DoHFormatFor(p.URL)
		}
		ps[i] = p
	}
	return &dohResolver{
		providers: ps,
		hc:        &http.Client{Timeout: timeout, Transport: tr},
		log:       log,
		cache:     map[string]dohEntry{},
	}
}

// lookup answers host's addresses from the cache or the first provider
// that answers; a failing provider (unreachable, bad status, garbage) hands
// over to the next one.
func (r *dohResolver) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	r.mu.Lock()
	e, ok := r.cache[host]
	r.mu.Unlock()
	if ok && time.Now().Before(e.expires) {
		return e.addrs, nil
	}
	var errs []error
	for _, p := range r.providers {
		addrs, ttl, err := r.lookupWith(ctx, p, host)
		if err == nil {
			ttl = max(ttl, 30)
			r.mu.Lock()
			r.cache[host] = dohEntry{addrs: addrs, expires: time.Now().Add(time.Duration(ttl) * time.Second)}
			r.mu.Unlock()
			r.log.record(host, "doh "+p.URL, addrs, nil)
			return addrs, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", p.URL, err))
		if errors.Is(err, errNoAnswer) || ctx.Err() != nil {
			break
		}
	}
	err := errors.Join(errs...)
	r.log.record(host, "doh", nil, err)
	return nil, err
}

// lookupWith asks one provider for A records, then AAAA when there are none.
func (r *dohResolver) lookupWith(ctx context.Context, p DoHProvider, host string) ([]netip.Addr, uint32, error) {
	for _, qt := range []dnsmessage.Type{dnsmessage.TypeA, dnsmessage.TypeAAAA} {
		addrs, ttl, err := r.query(ctx, p, host, qt)
		if err != nil {
			return nil, 0, err
		}
		if len(addrs) > 0 {
			return addrs, ttl, nil
		}
	}
	return nil, 0, errNoAnswer
}

func (r *dohResolver) query(ctx context.Context, p DoHProvider, host string, qt dnsmessage.Type) ([]netip.Addr, uint32, error) {
	if p.Format == "json" {
		return r.queryJSON(ctx, p.URL, host, qt)
	}
	return r.queryWire(ctx, p.URL, host, qt)
}

// queryWire is RFC 8484 GET with ?dns=<base64url message>.
func (r *dohResolver) queryWire(ctx context.Context, endpoint, host string, qt dnsmessage.Type) ([]netip.Addr, uint32, error) {
	name, err := dnsmessage.NewName(host + ".")
	if err != nil {
		return nil, 0, err
	}
	msg := dnsmessage.Message{
		Header:    dnsmessage.Header{RecursionDesired: true},
		Questions: []dnsmessage.Question{{Name: name, Type: qt, Class: dnsmessage.ClassINET}},
	}
	packed, err := msg.Pack()
	if err != nil {
		return nil, 0, err
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, 0, err
	}
	q := u.Query()
	q.Set("dns", base64.RawURLEncoding.EncodeToString(packed))
	u.RawQuery = q.Encode()
	body, err := r.get(ctx, u.String(), "application/dns-message")
	if err != nil {
		return nil, 0, err
	}
	return parseWireAnswer(body)
}

// parseWireAnswer reads A/AAAA records and the smallest TTL from a DNS
// wire-format answer.
func parseWireAnswer(body []byte) ([]netip.Addr, uint32, error) {
	var p dnsmessage.Parser
	h, err := p.Start(body)
	if err != nil {
		return nil, 0, fmt.Errorf("parse answer: %w", err)
	}
	if h.RCode == dnsmessage.RCodeNameError {
		return nil, 0, errNoAnswer
	}
	if h.RCode != dnsmessage.RCodeSuccess {
		return nil, 0, fmt.Errorf("rcode %v", h.RCode)
	}
	if err := p.SkipAllQuestions(); err != nil {
		return nil, 0, fmt.Errorf("parse answer: %w", err)
	}
	var out []netip.Addr
	ttl := uint32(3600)
	for {
		ah, err := p.AnswerHeader()
		if errors.Is(err, dnsmessage.ErrSectionDone) {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("parse answer: %w", err)
		}
		switch ah.Type {
		case dnsmessage.TypeA:
			rr, err := p.AResource()
			if err != nil {
				return nil, 0, err
			}
			out = append(out, netip.AddrFrom4(rr.A))
			ttl = min(ttl, ah.TTL)
		case dnsmessage.TypeAAAA:
			rr, err := p.AAAAResource()
			if err != nil {
				return nil, 0, err
			}
			out = append(out, netip.AddrFrom16(rr.AAAA))
			ttl = min(ttl, ah.TTL)
		default:
			if err := p.SkipAnswer(); err != nil {
				return nil, 0, err
			}
		}
	}
	return out, ttl, nil
}

// queryJSON is the application/dns-json dialect (?name=&type=).
func (r *dohResolver) queryJSON(ctx context.Context, endpoint, host string, qt dnsmessage.Type) ([]netip.Addr, uint32, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, 0, err
	}
	q := u.Query()
	q.Set("name", host)
	typ := "A"
	if qt == dnsmessage.TypeAAAA {
		typ = "AAAA"
	}
	q.Set("type", typ)
	u.RawQuery = q.Encode()
	body, err := r.get(ctx, u.String(), "application/dns-json")
	if err != nil {
		return nil, 0, err
	}
	return parseJSONAnswer(body, qt)
}

// parseJSONAnswer reads records of type qt and the smallest TTL from an
// application/dns-json answer.
func parseJSONAnswer(body []byte, qt dnsmessage.Type) ([]netip.Addr, uint32, error) {
	var ans struct {
		Status int `json:"Status"`
		Answer []struct {
			Type int    `json:"type"`
			TTL  uint32 `json:"TTL"`
			Data string `json:"data"`
		} `json:"Answer"`
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return nil, 0, fmt.Errorf("parse answer: %w", err)
	}
	if ans.Status == 3 { // NXDOMAIN
		return nil, 0, errNoAnswer
	}
	if ans.Status != 0 {
		return nil, 0, fmt.Errorf("dns status %d", ans.Status)
	}
	var out []netip.Addr
	ttl := uint32(3600)
	for _, a := range ans.Answer {
		if a.Type != int(qt) {
			continue // CNAME chain entries
		}
		addr, err := netip.ParseAddr(a.Data)
		if err != nil {
			continue
		}
		out = append(out, addr)
		ttl = min(ttl, a.TTL)
	}
	return out, ttl, nil
}

func (r *dohResolver) get(ctx context.Context, u, accept string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("doh server status %d", resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 64<<10))
}
