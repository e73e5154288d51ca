// Package httpclient is the program's one outbound HTTP client: browser-like
// default headers, per-host rate limits, retries with exponential backoff,
// proxies, cookies, DNS-over-HTTPS, anti-bot challenge detection and an
// optional FlareSolverr fallback. *Client satisfies hoster.Doer.
package httpclient

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/attempt"
)

// DefaultUserAgent is desktop Chrome 133 on Windows: the browser whose TLS
// and HTTP/2 fingerprint the chrome transport presents.
const DefaultUserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36"

// RateLimit is a token bucket: PerSecond requests per second with bursts of
// Burst. A zero PerSecond means "use the default"; a negative one disables
// limiting.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// Options configures a Client. The zero value is usable.
type Options struct {
	// UserAgent replaces DefaultUserAgent.
	UserAgent string
	// Timeout bounds every wait of one attempt: connecting, the response
	// headers, and any stall while reading the body (no bytes for Timeout).
	// A long download that keeps flowing is never cut off. Default 30s.
	Timeout time.Duration
	// Retries is how many times a failed attempt is repeated (5xx, 429,
	// network errors). Zero means the default 3; negative means none.
	Retries int
	// BackoffBase is the first retry delay, doubled per attempt with jitter.
	// Default 500ms.
	BackoffBase time.Duration
	// BackoffMax caps one delay, including a server's Retry-After. Default 30s.
	BackoffMax time.Duration
	// RateLimit applies to every host without an entry in HostRateLimits.
	// Default 4 requests/s, burst 8.
	RateLimit RateLimit
	// HostRateLimits overrides RateLimit per host name (no port).
	HostRateLimits map[string]RateLimit
	// Proxy is an http://, https://, socks5:// or socks5h:// proxy URL.
	Proxy string
	// Cookie is a raw Cookie header value ("a=b; c=d") sent to CookieHosts
	// (and their subdomains) only, typically the provider's host.
	Cookie      string
	CookieHosts []string
	// Transport is TransportChrome (default: Chrome 133's TLS and HTTP/2
	// fingerprint for every https request) or TransportStandard (Go's).
	Transport string
	// RootCAs replaces the system roots (a private or test CA).
	RootCAs *x509.CertPool
	// InsecureHosts are IP addresses whose certificates are not checked:
	// the sites' origin IPs, reached with the site's name in Host (see
	// Mirrors). Names are refused.
	InsecureHosts []string
	// Solvers pass challenges, tried in order (the Chromium solver first,
	// then FlareSolverr). A GET answered by a challenge is solved and
	// retried once with the clearance.
	Solvers []Solver
	// OnSolve, when set, is told about every solve attempt (health,
	// metrics).
	OnSolve func(SolveEvent)
	// SolveCooldown is how long a solver that failed for a host is not
	// asked again for that host (the challenge error then says when and
	// why it failed), so a challenge nobody passes costs one solve timeout,
	// not one per request. Default 5 minutes; negative disables.
	SolveCooldown time.Duration
	// FlareSolverrURL is a FlareSolverr v1 endpoint
	// (http://host:8191/v1); when set, a FlareSolverr solver follows
	// Solvers.
	FlareSolverrURL string
	// FlareSolverrTimeout is maxTimeout passed to FlareSolverr. Default 60s.
	FlareSolverrTimeout time.Duration
	// DNS is DNSDoH or DNSSystem. Empty means DNSDoH when DoHURL or
	// DoHProviders is set, else DNSSystem.
	DNS string
	// DoHProviders are the DNS-over-HTTPS endpoints, asked in order.
	// Default with DNS=DNSDoH: DoHURL alone when set, else
	// DefaultDoHProviders.
	DoHProviders []DoHProvider
	// DoHURL is a single DNS-over-HTTPS endpoint (the older option).
	DoHURL string
	// DoHFormat is DoHURL's dialect: "wire" (RFC 8484
	// application/dns-message, default) or "json" (application/dns-json).
	DoHFormat string
	// Sleep waits between retries; tests inject a recorder. Default: a
	// context-aware timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger receives retry and challenge notes. Default: discard.
	Logger *slog.Logger
	// WrapTransport, when set, wraps the transport (metrics, tracing).
	WrapTransport func(http.RoundTripper) http.RoundTripper
}

// Validate reports a configuration that cannot work.
func (o Options) Validate() error {
	if o.Proxy != "" {
		if _, err := parseProxy(o.Proxy); err != nil {
			return err
		}
	}
	if err := validTransport(o); err != nil {
		return err
	}
	switch o.DNS {
	case "", DNSDoH, DNSSystem:
	default:
		return fmt.Errorf("%w: dns %q must be %s or %s", anime.ErrInvalid, o.DNS, DNSDoH, DNSSystem)
	}
	urls := map[string]string{"flaresolverr url": o.FlareSolverrURL, "doh url": o.DoHURL}
	for i, p := range o.DoHProviders {
		urls[fmt.Sprintf("doh provider %d", i+1)] = p.URL
		if p.Format != "" && p.Format != "wire" && p.Format != "json" {
			return fmt.Errorf("%w: doh provider %s format %q must be wire or json", anime.ErrInvalid, p.URL, p.Format)
		}
	}
	for name, raw := range urls {
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%w: %s %q must be an http(s) URL", anime.ErrInvalid, name, raw)
		}
	}
	switch o.DoHFormat {
	case "", "wire", "json":
	default:
		return fmt.Errorf("%w: doh format %q must be wire or json", anime.ErrInvalid, o.DoHFormat)
	}
	return nil
}

func parseProxy(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: proxy url: %v", anime.ErrInvalid, err)
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return nil, fmt.Errorf("%w: proxy scheme %q must be http, https, socks5 or socks5h", anime.ErrInvalid, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%w: proxy url %q has no host", anime.ErrInvalid, raw)
	}
	return u, nil
}

// Client sends requests with the configured politeness and robustness.
type Client struct {
	opts    Options
	hc      *http.Client
	cfgErr  error
	sleep   func(ctx context.Context, d time.Duration) error
	log     *slog.Logger
	solvers []Solver
	dns     *dnsLog
	mu      sync.Mutex
	limits  map[string]*rate.Limiter
	hostUAs map[string]string // user agents a solved challenge is bound to
	solves  map[string]SolveEvent
	failed  map[string]solveFailure // by host|solver, for SolveCooldown
	dnsMode string                  // effective DNS mode
	doh     []DoHProvider           // effective DoH providers
}

type ctxKey int

const noRedirectKey ctxKey = 1

// WithoutRedirects marks a request context so the client returns a 30x
// response as-is (the caller reads Location) instead of following it.
func WithoutRedirects(ctx context.Context) context.Context {
	return context.WithValue(ctx, noRedirectKey, true)
}

func followsRedirects(ctx context.Context) bool {
	v, _ := ctx.Value(noRedirectKey).(bool)
	return !v
}

// New builds a Client. An invalid option (see Options.Validate) does not
// panic: every Do then fails with that error.
func New(o Options) *Client {
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 3
	}
	if o.Retries < 0 {
		o.Retries = 0
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = 500 * time.Millisecond
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = 30 * time.Second
	}
	if o.RateLimit.PerSecond == 0 {
		o.RateLimit = RateLimit{PerSecond: 4, Burst: 8}
	}
	if o.FlareSolverrTimeout <= 0 {
		o.FlareSolverrTimeout = 60 * time.Second
	}
	if o.Transport == "" {
		o.Transport = TransportChrome
	}
	if o.SolveCooldown == 0 {
		o.SolveCooldown = 5 * time.Minute
	}
	c := &Client{
		opts:    o,
		cfgErr:  o.Validate(),
		sleep:   o.Sleep,
		log:     o.Logger,
		limits:  map[string]*rate.Limiter{},
		hostUAs: map[string]string{},
		solves:  map[string]SolveEvent{},
		failed:  map[string]solveFailure{},
	}
	if c.sleep == nil {
		c.sleep = attempt.Sleep
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.dns = newDNSLog()
	jar, _ := cookiejar.New(nil) // never fails without options
	var rt http.RoundTripper = failingTransport{}
	if c.cfgErr == nil {
		tr, err := buildTransport(o, c.newDialer(o))
		if err != nil {
			c.cfgErr = err
		} else {
			rt = tr
		}
	}
	if o.WrapTransport != nil {
		rt = o.WrapTransport(rt)
	}
	c.hc = &http.Client{
		Transport: rt,
		Jar:       jar,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if !followsRedirects(req.Context()) {
				return http.ErrUseLastResponse
			}
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			return nil
		},
	}
	c.solvers = append(c.solvers, o.Solvers...)
	if o.FlareSolverrURL != "" {
		c.solvers = append(c.solvers, NewFlareSolverr(o.FlareSolverrURL, o.FlareSolverrTimeout))
	}
	return c
}

// newDialer builds the dialer of o's DNS mode.
func (c *Client) newDialer(o Options) *dialer {
	d := &dialer{nd: &net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}, log: c.dns}
	providers := o.DoHProviders
	if len(providers) == 0 && o.DoHURL != "" {
		providers = []DoHProvider{{URL: o.DoHURL, Format: o.DoHFormat}}
	}
	mode := o.DNS
	if mode == "" && len(providers) > 0 {
		mode = DNSDoH
	}
	c.dnsMode = DNSSystem
	if mode == DNSDoH && o.Proxy == "" { // a proxy resolves its targets itself
		if len(providers) == 0 {
			providers = DefaultDoHProviders
		}
		d.doh = newDoHResolver(providers, o.Timeout, transportTLSOpts{roots: o.RootCAs}, c.dns)
		c.dnsMode, c.doh = DNSDoH, d.doh.providers
	}
	return d
}

// failingTransport stands in when the options are invalid (Do reports the
// configuration error before it is ever used).
type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("http client is not configured")
}

// CloseIdleConnections closes the idle pooled connections of every
// transport.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// UserAgent is the User-Agent the client sends to host (the configured
// one, or the one a FlareSolverr solution is bound to). Downloads of links
// signed for a UA must send the same.
func (c *Client) UserAgent(host string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ua, ok := c.hostUAs[hostOnly(host)]; ok {
		return ua
	}
	return c.opts.UserAgent
}

// Do sends req with default headers, cookies, the host's rate limit and
// retries, and returns the response. A challenge page is never returned as
// a response: Do answers an error wrapping anime.ErrChallenge (after trying
// FlareSolverr for GETs when configured).
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	if c.cfgErr != nil {
		return nil, fmt.Errorf("http client: %w", c.cfgErr)
	}
	ctx := req.Context()
	c.decorate(req)
	policy := c.policy()
	policy.Retries = c.retries(req)
	var lastErr error
	for try := 0; ; try++ {
		if try > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("replay request body: %w", err)
			}
			req.Body = body
		}
		if err := c.wait(ctx, req.URL.Hostname()); err != nil {
			return nil, err
		}
		resp, err := c.send(req)
		hint := time.Duration(0)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			lastErr = fmt.Errorf("%s %s: %w", req.Method, Redact(req.URL), err)
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			if cerr := c.checkChallenge(resp); cerr != nil {
				return c.onChallenge(req, cerr)
			}
			hint = attempt.RetryAfter(resp.Header.Get("Retry-After"), time.Now())
			lastErr = fmt.Errorf("%s %s: status %d", req.Method, Redact(req.URL), resp.StatusCode)
			if resp.StatusCode == http.StatusTooManyRequests {
				lastErr = fmt.Errorf("%w: %w", anime.ErrRateLimited, lastErr)
			}
			if try >= policy.Retries {
				return resp, nil // the caller sees the real status
			}
			drain(resp)
		default:
			if cerr := c.checkChallenge(resp); cerr != nil {
				return c.onChallenge(req, cerr)
			}
			return resp, nil
		}
		if try >= policy.Retries {
			return nil, lastErr
		}
		delay := policy.Delay(try, hint)
		c.log.Debug("http retry", "url", Redact(req.URL), "attempt", try+1, "delay", delay, "err", lastErr)
		if err := c.sleep(ctx, delay); err != nil {
			return nil, err
		}
	}
}

// decorate adds the browser-like defaults the caller did not set.
func (c *Client) decorate(req *http.Request) {
	h := req.Header
	if h == nil {
		h = http.Header{}
		req.Header = h
	}
	setDefault(h, "User-Agent", c.UserAgent(req.URL.Hostname()))
	setClientHints(h, h.Get("User-Agent"), false)
	setDefault(h, "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7")
	setDefault(h, "Accept-Language", "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7")
	setDefault(h, "Sec-Fetch-Dest", "document")
	setDefault(h, "Sec-Fetch-Mode", "navigate")
	setDefault(h, "Sec-Fetch-Site", "none")
	setDefault(h, "Sec-Fetch-User", "?1")
	setDefault(h, "Upgrade-Insecure-Requests", "1")
	setDefault(h, "Priority", "u=0, i")
	if c.opts.Cookie != "" && hostMatches(req.URL.Hostname(), c.opts.CookieHosts) {
		if prev := h.Get("Cookie"); prev != "" {
			h.Set("Cookie", prev+"; "+c.opts.Cookie)
		} else {
			h.Set("Cookie", c.opts.Cookie)
		}
	}
}

func setDefault(h http.Header, k, v string) {
	if h.Get(k) == "" {
		h.Set(k, v)
	}
}

func hostMatches(host string, hosts []string) bool {
	host = strings.ToLower(host)
	for _, h := range hosts {
		h = strings.ToLower(hostOnly(h))
		if h != "" && (host == h || strings.HasSuffix(host, "."+h)) {
			return true
		}
	}
	return false
}

// hostOnly strips a port and any scheme/path from a host or URL string.
func hostOnly(s string) string {
	if strings.Contains(s, "://") {
		if u, err := url.Parse(s); err == nil {
			return u.Hostname()
		}
	}
	if h, _, err := net.SplitHostPort(s); err == nil {
		return h
	}
	return s
}

// wait blocks on the host's token bucket.
func (c *Client) wait(ctx context.Context, host string) error {
	l := c.limiter(host)
	if l == nil {
		return nil
	}
	if err := l.Wait(ctx); err != nil {
		return fmt.Errorf("rate limit %s: %w", host, err)
	}
	return nil
}

func (c *Client) limiter(host string) *rate.Limiter {
	host = strings.ToLower(host)
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.limits[host]; ok {
		return l
	}
	rl, ok := c.opts.HostRateLimits[host]
	if !ok {
		rl = c.opts.RateLimit
	}
	var l *rate.Limiter
	if rl.PerSecond > 0 {
		l = rate.NewLimiter(rate.Limit(rl.PerSecond), max(rl.Burst, 1))
	}
	c.limits[host] = l
	return l
}

// Redact drops the query string (tokens, signatures) and user info from a
// URL shown in logs or messages.
func Redact(u *url.URL) string {
	cp := *u
	cp.RawQuery = ""
	cp.User = nil
	return cp.String()
}
