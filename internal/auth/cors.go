package auth

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// CORS headers the API allows and exposes.
const (
	corsAllowMethods  = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
	corsAllowHeaders  = "Authorization, Content-Type, X-Request-ID"
	corsExposeHeaders = "X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, Retry-After, X-Total-Count, Link, Deprecation, Content-Disposition"
	defaultCORSMaxAge = 10 * time.Minute
)

// DefaultAllowedOrigins are the cross origins allowed when none are
// configured: local development servers on any port.
func DefaultAllowedOrigins() []string {
	return []string{"http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"}
}

// CORSOptions configure NewCORS.
type CORSOptions struct {
	// AllowedOrigins are origins allowed besides the server's own: exact
	// ("https://media.example:8443"), with a port wildcard
	// ("http://localhost:*"), or "*" for any. nil means
	// DefaultAllowedOrigins; an empty non-nil slice allows same-origin only.
	AllowedOrigins []string
	// MaxAge is how long browsers may cache a preflight (10 min).
	MaxAge time.Duration
}

// CORS is the cross-origin policy: a middleware plus the OriginAllowed
// check the WebSocket upgrade uses, so both follow one setting.
type CORS struct {
	any      bool
	patterns []originPattern
	maxAge   string
}

type originPattern struct {
	scheme, host, port string // host lower-case; port "" = default
	anyPort            bool
}

// NewCORS validates the allowed-origin patterns.
func NewCORS(opts CORSOptions) (*CORS, error) {
	list := opts.AllowedOrigins
	if list == nil {
		list = DefaultAllowedOrigins()
	}
	maxAge := opts.MaxAge
	if maxAge <= 0 {
		maxAge = defaultCORSMaxAge
	}
	c := &CORS{maxAge: strconv.Itoa(int(maxAge / time.Second))}
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "*" {
			c.any = true
			continue
		}
		anyPort := strings.HasSuffix(s, ":*")
		if anyPort {
			s = strings.TrimSuffix(s, ":*")
		}
		o, ok := parseOrigin(s)
		if !ok {
			return nil, fmt.Errorf("cors: bad allowed origin %q", s)
		}
		if anyPort && o.port != "" {
			return nil, fmt.Errorf("cors: bad allowed origin %q", s)
		}
		o.anyPort = anyPort
		c.patterns = append(c.patterns, o)
	}
	return c, nil
}

// parseOrigin parses "scheme://host[:port]" (http or https only), dropping
// the scheme's default port.
func parseOrigin(s string) (originPattern, bool) {
	u, err := url.Parse(s)
	if err != nil || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" ||
		(u.Path != "" && u.Path != "/") || u.Host == "" {
		return originPattern{}, false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return originPattern{}, false
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return originPattern{}, false
	}
	port := u.Port()
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return originPattern{}, false
		}
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	return originPattern{scheme: scheme, host: host, port: port}, true
}

// OriginAllowed reports whether a browser page from origin may call the
// API or open the WebSocket: the request's own host (same origin, any
// scheme, so a TLS-terminating proxy works), or a configured pattern. An
// empty or "null" origin is not allowed; callers treat a missing Origin
// header as a non-browser client before asking.
func (c *CORS) OriginAllowed(origin string, r *http.Request) bool {
	o, ok := parseOrigin(origin)
	if !ok {
		return false
	}
	if r != nil && sameHost(o, r.Host) {
		return true
	}
	if c.any {
		return true
	}
	for _, p := range c.patterns {
		if p.scheme == o.scheme && p.host == o.host && (p.anyPort || p.port == o.port) {
			return true
		}
	}
	return false
}

// sameHost compares an origin with the request's Host header.
func sameHost(o originPattern, reqHost string) bool {
	if reqHost == "" {
		return false
	}
	host, port, err := net.SplitHostPort(reqHost)
	if err != nil {
		host, port = reqHost, ""
	}
	host = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	if (o.scheme == "http" && port == "80") || (o.scheme == "https" && port == "443") {
		port = ""
	}
	return host == o.host && port == o.port
}

// Handler answers preflights (OPTIONS with Access-Control-Request-Method)
// itself with 204: with the allow headers and Max-Age for an allowed
// origin, with no CORS headers otherwise. Other requests from an allowed
// origin get Access-Control-Allow-Origin and the exposed headers; every
// request with an Origin gets Vary: Origin.
func (c *CORS) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		allowed := c.OriginAllowed(origin, r)
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			if allowed {
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Allow-Methods", corsAllowMethods)
				h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
				h.Set("Access-Control-Max-Age", c.maxAge)
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if allowed {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		}
		next.ServeHTTP(w, r)
	})
}
