package httpclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// Doer sends one request (*Client does).
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// knownMirrors are the sites' fallback addresses (the .cc/.cx mirror,
// then the origin IP), by canonical host.
var knownMirrors = map[string][]string{
	"aniworld.to":     {"https://aniworld.cc", "https://186.2.175.111"},
	"serienstream.to": {"https://serienstream.cx", "https://186.2.175.5"},
}

// KnownMirrors answers the fallback base URLs known for the site at base
// (aniworld.to → aniworld.cc → its origin IP), or nil.
func KnownMirrors(base string) []string {
	u, err := url.Parse(base)
	if err != nil {
		return nil
	}
	return append([]string(nil), knownMirrors[strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")]...)
}

// Mirror is one base URL of a site.
type Mirror struct {
	// Base is scheme://host[:port][/path], without a trailing slash.
	Base *url.URL
	// Host, when set, is sent as the Host header: an origin IP reached
	// under the site's name.
	Host string
	// Insecure means the certificate is not checked (origin IPs only; the
	// client must list the IP in Options.InsecureHosts).
	Insecure bool
}

// Mirrors is one site reachable under several base URLs, tried in order.
// Requests are built against the canonical base (the first), so links and
// keys never depend on the mirror that answered; Do sends them to the
// mirror that worked last and moves on when one fails to connect, does not
// resolve, or answers a block page (a challenge no solver passed, 403,
// 451, 5xx). It is safe for concurrent use.
type Mirrors struct {
	list []Mirror
	now  func() time.Time

	mu      sync.Mutex
	active  int
	lastErr string
	lastAt  time.Time
}

// NewMirrors builds a site from its base URLs; the first is canonical.
// Duplicates are dropped. A non-loopback IP-literal base is contacted with
// the canonical host in Host and without certificate checks: the sites'
// origin IPs serve the site's own certificate.
func NewMirrors(bases ...string) (*Mirrors, error) {
	m := &Mirrors{now: time.Now}
	seen := map[string]bool{}
	for _, raw := range bases {
		raw = strings.TrimRight(strings.TrimSpace(raw), "/")
		if raw == "" || seen[strings.ToLower(raw)] {
			continue
		}
		seen[strings.ToLower(raw)] = true
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("%w: mirror %q must be an http(s) base URL", anime.ErrInvalid, raw)
		}
		mi := Mirror{Base: u}
		if len(m.list) > 0 {
			if ip, err := netip.ParseAddr(u.Hostname()); err == nil && !ip.IsLoopback() {
				mi.Host = m.list[0].Base.Host
				mi.Insecure = u.Scheme == "https"
			}
		}
		m.list = append(m.list, mi)
	}
	if len(m.list) == 0 {
		return nil, fmt.Errorf("%w: a site needs at least one base URL", anime.ErrInvalid)
	}
	return m, nil
}

// Canonical is the first base URL: the site's identity in links and keys.
func (m *Mirrors) Canonical() *url.URL {
	u := *m.list[0].Base
	return &u
}

// List answers the mirrors in order.
func (m *Mirrors) List() []Mirror { return append([]Mirror(nil), m.list...) }

// Active is the base URL requests go to now (the last that worked).
func (m *Mirrors) Active() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.list[m.active].Base.String()
}

// InsecureHosts are the IPs whose certificates are not checked; give them
// to the client's Options.InsecureHosts.
func (m *Mirrors) InsecureHosts() []string {
	var out []string
	for _, mi := range m.list {
		if mi.Insecure {
			out = append(out, mi.Base.Hostname())
		}
	}
	return out
}

// Owns reports whether host (with or without port) is one of the site's
// mirrors.
func (m *Mirrors) Owns(host string) bool {
	for _, mi := range m.list {
		if strings.EqualFold(mi.Base.Host, host) || strings.EqualFold(mi.Base.Hostname(), host) {
			return true
		}
	}
	return false
}

// MirrorStatus is the diagnostics view of a site.
type MirrorStatus struct {
	Canonical string    `json:"canonical"`
	Active    string    `json:"active"`
	Mirrors   []string  `json:"mirrors"`
	LastError string    `json:"last_error,omitempty"`
	LastErrAt time.Time `json:"last_error_at,omitzero"`
}

// Status answers the mirrors, the active one and the last failure.
func (m *Mirrors) Status() MirrorStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := MirrorStatus{Canonical: m.list[0].Base.String(), Active: m.list[m.active].Base.String(), LastError: m.lastErr, LastErrAt: m.lastAt}
	for _, mi := range m.list {
		st.Mirrors = append(st.Mirrors, mi.Base.String())
	}
	return st
}

// Do sends req, whose URL is on any of the site's mirrors (normally the
// canonical one), to the active mirror first and then to the others in
// order. The last mirror's answer is returned as it is; when every mirror
// failed with an error, the errors are joined (errors.Is still finds
// anime.ErrChallenge). A request body is replayed with GetBody.
func (m *Mirrors) Do(d Doer, req *http.Request) (*http.Response, error) {
	m.mu.Lock()
	start := m.active
	m.mu.Unlock()
	n := len(m.list)
	var errs []error
	for i := range n {
		idx := (start + i) % n
		r, err := m.rewrite(req, idx, i > 0)
		if err != nil {
			errs = append(errs, err)
			break
		}
		resp, err := d.Do(r)
		last := i == n-1
		switch {
		case err == nil && !blocked(resp.StatusCode):
			m.setActive(idx, start)
			return resp, nil
		case err == nil && last:
			return resp, nil
		case err == nil:
			drain(resp)
			err = fmt.Errorf("status %d", resp.StatusCode)
		case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || req.Context().Err() != nil:
			return nil, err
		}
		m.noteFailure(m.list[idx].Base.Host, err)
		errs = append(errs, fmt.Errorf("%s: %w", m.list[idx].Base.Host, err))
	}
	if len(errs) == 1 {
		return nil, errs[0]
	}
	return nil, fmt.Errorf("every mirror of %s failed: %w", m.list[0].Base.Host, errors.Join(errs...))
}

// blocked reports statuses that mean "this mirror will not serve us".
func blocked(status int) bool {
	return status == http.StatusForbidden || status == http.StatusUnavailableForLegalReasons || status >= 500
}

func (m *Mirrors) setActive(idx, was int) {
	if idx == was {
		return
	}
	m.mu.Lock()
	m.active = idx
	m.mu.Unlock()
}

func (m *Mirrors) noteFailure(host string, err error) {
	m.mu.Lock()
	m.lastErr = host + ": " + err.Error()
	m.lastAt = m.now()
	m.mu.Unlock()
}

// rewrite clones req onto mirror idx: scheme, host and base path, the Host
// header of an origin IP, and Referer/Origin headers that named the site.
func (m *Mirrors) rewrite(req *http.Request, idx int, replay bool) (*http.Request, error) {
	mi := m.list[idx]
	r := req.Clone(req.Context())
	r.URL = m.onto(req.URL, mi)
	r.Host = mi.Host
	for _, h := range []string{"Referer", "Origin"} {
		if v := r.Header.Get(h); v != "" {
			if u, err := url.Parse(v); err == nil && m.Owns(u.Host) {
				r.Header.Set(h, m.onto(u, mi).String())
			}
		}
	}
	if replay && req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return nil, fmt.Errorf("%s %s: the request body cannot be sent to another mirror", req.Method, Redact(req.URL))
		}
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	return r, nil
}

// onto moves u from whichever mirror it is on to mi. A URL on no mirror
// is returned unchanged.
func (m *Mirrors) onto(u *url.URL, mi Mirror) *url.URL {
	out := *u
	for _, from := range m.list {
		if !strings.EqualFold(from.Base.Host, u.Host) {
			continue
		}
		rest := strings.TrimPrefix(u.Path, strings.TrimSuffix(from.Base.Path, "/"))
		out.Scheme = mi.Base.Scheme
		out.Host = mi.Base.Host
		out.Path = strings.TrimSuffix(mi.Base.Path, "/") + rest
		out.RawPath = ""
		return &out
	}
	return &out
}
