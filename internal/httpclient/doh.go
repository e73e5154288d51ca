package httpclient

import (
	"context"
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

// dohResolver resolves host names over DNS-over-HTTPS and caches answers
// for their TTL.
type dohResolver struct {
	endpoint string
	json     bool
	hc       *http.Client
	mu       sync.Mutex
	cache    map[string]dohEntry
}

type dohEntry struct {
	addrs   []netip.Addr
	expires time.Time
}

func newDoHResolver(endpoint, format string, timeout time.Duration) *dohResolver {
	return &dohResolver{
		endpoint: endpoint,
		json:     format == "json",
		hc:       &http.Client{Timeout: timeout},
		cache:    map[string]dohEntry{},
	}
}

// dialContext resolves the address's host over DoH, then dials each
// answer in turn with d.
func (r *dohResolver) dialContext(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if _, err := netip.ParseAddr(host); err == nil || host == "localhost" {
			return d.DialContext(ctx, network, addr)
		}
		addrs, err := r.lookup(ctx, host)
		if err != nil {
			return nil, fmt.Errorf("doh lookup %s: %w", host, err)
		}
		var errs []error
		for _, a := range addrs {
			conn, err := d.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
			if err == nil {
				return conn, nil
			}
			errs = append(errs, err)
		}
		return nil, errors.Join(errs...)
	}
}

func (r *dohResolver) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	r.mu.Lock()
	e, ok := r.cache[host]
	r.mu.Unlock()
	if ok && time.Now().Before(e.expires) {
		return e.addrs, nil
	}
	var all []netip.Addr
	minTTL := uint32(3600)
	var lastErr error
	for _, qt := range []dnsmessage.Type{dnsmessage.TypeA, dnsmessage.TypeAAAA} {
		addrs, ttl, err := r.query(ctx, host, qt)
		if err != nil {
			lastErr = err
			continue
		}
		all = append(all, addrs...)
		if len(addrs) > 0 {
			minTTL = min(minTTL, ttl)
		}
		if len(all) > 0 {
			break // IPv4 answers are enough
		}
	}
	if len(all) == 0 {
		if lastErr == nil {
			lastErr = errors.New("no addresses")
		}
		return nil, lastErr
	}
	minTTL = max(minTTL, 30)
	r.mu.Lock()
	r.cache[host] = dohEntry{addrs: all, expires: time.Now().Add(time.Duration(minTTL) * time.Second)}
	r.mu.Unlock()
	return all, nil
}

func (r *dohResolver) query(ctx context.Context, host string, qt dnsmessage.Type) ([]netip.Addr, uint32, error) {
	if r.json {
		return r.queryJSON(ctx, host, qt)
	}
	return r.queryWire(ctx, host, qt)
}

// queryWire is RFC 8484 GET with ?dns=<base64url message>.
func (r *dohResolver) queryWire(ctx context.Context, host string, qt dnsmessage.Type) ([]netip.Addr, uint32, error) {
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
	u, err := url.Parse(r.endpoint)
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
func (r *dohResolver) queryJSON(ctx context.Context, host string, qt dnsmessage.Type) ([]netip.Addr, uint32, error) {
	u, err := url.Parse(r.endpoint)
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
