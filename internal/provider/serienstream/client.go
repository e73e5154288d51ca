// Package serienstream is the site client for serienstream.to, the
// redesigned s.to (2026-01-29): /serie/<slug>[/staffel-N[/episode-M]]
// pages, the /api/search/suggest search, and /r?t=<token> link-outs that
// need the episode page's session and may sit behind a Turnstile or ALTCHA
// gate. It registers as site "s.to", the name stored series carry.
package serienstream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// Site is the registry name: serienstream.to keeps s.to's name so stored
// series find their provider.
const Site = provider.SiteSerienstream

// label prefixes error messages.
const label = "serienstream"

// canonicalBase is the site's own name; its mirrors come from
// httpclient.KnownMirrors.
const canonicalBase = "https://serienstream.to"

// DefaultBaseURLs are the site's addresses in fallback order: the
// main domain, then the mirrors httpclient knows for it (serienstream.cx,
// the origin IP contacted with Host: serienstream.to).
func DefaultBaseURLs() []string {
	return append([]string{canonicalBase}, httpclient.KnownMirrors(canonicalBase)...)
}

// BaseURLs turns the configured download.sto_url into the base URL list: a
// legacy s.to address (NXDOMAIN, never requested) or empty means the
// defaults; a known serienstream address comes first, followed by the
// other defaults; any other address (a local fake, a private mirror) is
// used alone.
func BaseURLs(configured string) []string {
	configured = strings.TrimRight(strings.TrimSpace(configured), "/")
	u, err := url.Parse(configured)
	if configured == "" || err != nil || u.Host == "" {
		return DefaultBaseURLs()
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if host == "s.to" {
		return DefaultBaseURLs()
	}
	known := false
	for _, d := range DefaultBaseURLs() {
		if du, _ := url.Parse(d); du.Hostname() == host {
			known = true
		}
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil // a base URL, whatever else the config held
	configured = strings.TrimRight(u.String(), "/")
	if !known {
		return []string{configured}
	}
	out := []string{configured}
	for _, d := range DefaultBaseURLs() {
		if du, _ := url.Parse(d); du.Hostname() != host {
			out = append(out, d)
		}
	}
	return out
}

// Config describes the site instance and its collaborators.
type Config struct {
	// BaseURLs are the site's origins in fallback order, the first being
	// canonical (DefaultBaseURLs when empty); a local fake in tests.
	// Ignored when Mirrors is set.
	BaseURLs []string
	// Mirrors, when set, are the site's base URLs (shared with whoever
	// reports their state); built from BaseURLs otherwise.
	Mirrors *httpclient.Mirrors
	// Doer sends every request; normally the shared *httpclient.Client.
	Doer hoster.Doer
	// Hosters holds the extractors ResolveLink runs.
	Hosters *hoster.Registry
	// Cache keeps parsed series/season/episode pages; nil disables it.
	Cache provider.Cache
	// CacheTTL is how long a cached page is fresh. Default 6h.
	CacheTTL time.Duration
	// Solvers pass a Turnstile/ALTCHA gate in front of /r?t= (tried in
	// order). The clearance cookies join the session; its User-Agent is
	// used for the site from then on. None: a gate fails the link with
	// anime.ErrChallenge.
	Solvers []httpclient.Solver
	// Logger receives cache failures and gate notes. Default: discard.
	Logger *slog.Logger
	// Now is the clock (tests). Default time.Now.
	Now func() time.Time
}

// Client is the serienstream.to site. It implements provider.Provider and
// is safe for concurrent use.
type Client struct {
	cfg     Config
	base    *url.URL // the canonical base: links and keys
	mirrors *httpclient.Mirrors
	log     *slog.Logger
	jar     *cookiejar.Jar // the site session (episode page cookies, clearance)

	solveMu   sync.Mutex // one gate pass at a time
	mu        sync.Mutex
	userAgent string // a solver's UA the clearance is bound to
	gen       int    // passed gates so far
}

var _ provider.Provider = (*Client)(nil)

// New checks cfg and builds a Client.
func New(cfg Config) (*Client, error) {
	if len(cfg.BaseURLs) == 0 {
		cfg.BaseURLs = DefaultBaseURLs()
	}
	mirrors := cfg.Mirrors
	if mirrors == nil {
		for _, b := range cfg.BaseURLs {
			if u, err := url.Parse(strings.TrimSpace(b)); err == nil && strings.EqualFold(strings.TrimPrefix(u.Hostname(), "www."), "s.to") {
				return nil, fmt.Errorf("%w: s.to is gone; serienstream base url must be serienstream.to, a mirror or a fake", anime.ErrInvalid)
			}
		}
		var err error
		if mirrors, err = httpclient.NewMirrors(cfg.BaseURLs...); err != nil {
			return nil, fmt.Errorf("serienstream: %w", err)
		}
	}
	base := mirrors.Canonical()
	if cfg.Doer == nil {
		return nil, fmt.Errorf("%w: provider %s has no http client", anime.ErrInvalid, Site)
	}
	var log *slog.Logger
	cfg.CacheTTL, cfg.Now, log = provider.ClientDefaults(cfg.CacheTTL, cfg.Now, cfg.Logger)
	jar, _ := cookiejar.New(nil) // never fails without options
	return &Client{cfg: cfg, base: base, mirrors: mirrors, log: log, jar: jar}, nil
}

// Site is "s.to".
func (c *Client) Site() string { return Site }

// BaseURL is the canonical origin, without a trailing slash.
func (c *Client) BaseURL() string { return c.base.String() }

// Mirrors are the site's base URLs and the one in use (diagnostics).
func (c *Client) Mirrors() *httpclient.Mirrors { return c.mirrors }

// SeriesURL is the absolute URL of a series page.
func (c *Client) SeriesURL(key string) string { return c.base.String() + "/serie/" + key }

// seasonURL is a season page; season 0 (specials) is staffel-0.
func (c *Client) seasonURL(key string, season int) string {
	return fmt.Sprintf("%s/staffel-%d", c.SeriesURL(key), season)
}

func (c *Client) episodeURL(key string, season, ep int) string {
	return fmt.Sprintf("%s/staffel-%d/episode-%d", c.SeriesURL(key), season, ep)
}

// abs resolves a site-relative reference against the base URL; "" for
// anything unparsable or not http(s).
func (c *Client) abs(ref string) string {
	r := provider.ResolveRef(c.base, ref)
	if r == nil || (r.Scheme != "http" && r.Scheme != "https") || r.Host == "" {
		return ""
	}
	return r.String()
}

// onSite reports whether u is on one of the site's mirrors.
func (c *Client) onSite(u *url.URL) bool { return u != nil && c.mirrors.Owns(u.Host) }

// ParseError says which page of which step could not be understood; see
// provider.ParseError.
type ParseError = provider.ParseError

func parseErr(step, page, format string, args ...any) error {
	return &ParseError{Label: label, Step: step, Page: page, Detail: fmt.Sprintf(format, args...)}
}

// maxPage bounds a page body.
const maxPage = 16 << 20

// page is one fetched response.
type page struct {
	status int
	header http.Header
	body   []byte
	url    *url.URL // after redirects the Doer followed
}

// send runs req (built on any mirror, normally the canonical base) on the
// site's working mirror with the session's cookies and User-Agent, stores
// the cookies the site sets, and reads at most limit bytes of the body.
// The session lives under the canonical base whichever mirror answered.
func (c *Client) send(req *http.Request, limit int64) (page, error) {
	if !c.onSite(req.URL) {
		return page{}, fmt.Errorf("%w: %s is not a serienstream address", anime.ErrInvalid, req.URL.Host)
	}
	for _, ck := range c.jar.Cookies(c.base) {
		req.AddCookie(ck)
	}
	c.mu.Lock()
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	c.mu.Unlock()
	resp, err := c.mirrors.Do(c.cfg.Doer, req)
	if err != nil {
		return page{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return page{}, fmt.Errorf("read body: %w: %w", anime.ErrProvider, err)
	}
	final := req.URL
	if resp.Request != nil && resp.Request.URL != nil {
		final = resp.Request.URL
	}
	if cs := resp.Cookies(); len(cs) > 0 && c.onSite(final) {
		for _, ck := range cs {
			ck.Domain = "" // host cookies of the site, whichever mirror set them
		}
		c.jar.SetCookies(c.base, cs)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), url: final}, nil
}

// fetch GETs a site page and answers its body. 404 maps to
// anime.ErrNotFound, 429 to anime.ErrRateLimited, a challenge page to
// anime.ErrChallenge, other failures to anime.ErrProvider.
func (c *Client) fetch(ctx context.Context, step, pageRef, rawURL string, mod func(*http.Request)) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %q: %w", label, step, pageRef, err)
	}
	req.Header.Set("Referer", c.base.String()+"/")
	if mod != nil {
		mod(req)
	}
	p, err := c.send(req, maxPage)
	if err != nil {
		return nil, c.transportErr(step, pageRef, err)
	}
	if err := provider.CheckPage(label, step, pageRef, req, p.status, p.header, p.body, http.StatusNotFound, http.StatusGone); err != nil {
		return nil, err
	}
	return p.body, nil
}

// transportErr wraps a Doer failure, keeping challenge and cancellation
// sentinels as they are and marking everything else anime.ErrProvider.
func (c *Client) transportErr(step, pageRef string, err error) error {
	if errors.Is(err, anime.ErrChallenge) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, anime.ErrProvider) {
		return fmt.Errorf("%s: %s %q: %w", label, step, pageRef, err)
	}
	return fmt.Errorf("%s: %s %q: %w: %w", label, step, pageRef, anime.ErrProvider, err)
}

// pageCache is this site's view of the shared provider cache.
func (c *Client) pageCache() provider.PageCache {
	return provider.PageCache{Cache: c.cfg.Cache, Site: Site, TTL: c.cfg.CacheTTL, Now: c.cfg.Now, Logger: c.log}
}

// Forget drops every cached page of one series.
func (c *Client) Forget(ctx context.Context, key string) error {
	if err := c.pageCache().Forget(ctx, key); err != nil {
		return fmt.Errorf("%s: forget %q: %w", label, key, err)
	}
	return nil
}
