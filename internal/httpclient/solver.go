package httpclient

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/aniworld/aniworld/internal/challenge"
)

// Solver passes an anti-bot challenge for one page and hands back what the
// plain client needs to be let through afterwards: the clearance cookies and
// the exact User-Agent they are bound to. The browser solver
// (internal/browser) and FlareSolverr implement it; the client tries its
// solvers in order.
type Solver interface {
	// Name identifies the solver in errors, logs and health ("chromium",
	// "flaresolverr").
	Name() string
	// Solve opens pageURL as a browser would, waits until the page is past
	// the challenge and returns the clearance. userAgent is the one the
	// client used so far; a solver may answer another one, which the client
	// then uses for that host.
	Solve(ctx context.Context, req SolveRequest) (Clearance, error)
}

// SolveRequest is one challenged page to pass.
type SolveRequest struct {
	URL       string
	UserAgent string
	Kind      challenge.Kind
	// Cookies are the cookies the client holds for the URL (session
	// cookies a gate is bound to); a solver starts its browser with them.
	Cookies []*http.Cookie
	// Referer is the Referer the client sent, if any.
	Referer string
}

// Clearance is what a solved challenge leaves behind.
type Clearance struct {
	Cookies   []*http.Cookie
	UserAgent string
	// Status and Body are the page as the solver finally saw it, when the
	// solver has them (FlareSolverr does); empty otherwise.
	Status int
	Body   []byte
	// Expires is when the clearance is expected to lapse (the earliest
	// cookie expiry); zero when unknown.
	Expires time.Time
}

// Cookies are the cookies the client's jar holds for u (the session
// cookies a hoster's page set), for a browser that must continue where the
// client is: the browser fallback extractor opens an embed with them.
func (c *Client) Cookies(u *url.URL) []*http.Cookie { return c.hc.Jar.Cookies(u) }
