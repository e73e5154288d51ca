// Package aniworld is the site client for aniworld.to and the legacy s.to,
// which share one page engine: one Client parametrised by base URL and path
// prefix. It scrapes search, series, season and episode pages, caches the
// parsed results, and resolves hoster links through the site's redirects.
package aniworld

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// Cache stores parsed pages as JSON blobs; see provider.Cache.
type Cache = provider.Cache

// Config describes one site instance and its collaborators.
type Config struct {
	// Site is the site's name ("aniworld.to", "s.to").
	Site string
	// Label prefixes error messages ("aniworld"). Default: Site.
	Label string
	// BaseURL is the site's origin ("https://aniworld.to"), a mirror, or a
	// local fake. Ignored when Mirrors is set.
	BaseURL string
	// Mirrors, when set, are the site's base URLs: links and keys are built
	// on the canonical (first) one, requests go to the one that works.
	// Default: BaseURL alone.
	Mirrors *httpclient.Mirrors
	// PathPrefix precedes a series slug ("/anime/stream/").
	PathPrefix string
	// Doer sends every request; normally the shared *httpclient.Client.
	Doer hoster.Doer
	// Hosters holds the extractors ResolveLink runs.
	Hosters *hoster.Registry
	// Cache keeps parsed series/season/episode pages; nil disables it.
	Cache Cache
	// CacheTTL is how long a cached page is fresh. Default 6h.
	CacheTTL time.Duration
	// Logger receives cache failures. Default: discard.
	Logger *slog.Logger
	// Now is the clock (tests). Default time.Now.
	Now func() time.Time
}

// AniWorld is the configuration of aniworld.to at baseURL
// ("https://aniworld.to" in production).
func AniWorld(baseURL string, doer hoster.Doer, hosters *hoster.Registry, cache Cache) Config {
	return Config{Site: "aniworld.to", Label: "aniworld", BaseURL: baseURL, PathPrefix: "/anime/stream/", Doer: doer, Hosters: hosters, Cache: cache}
}

// STo is the configuration of the legacy s.to engine at baseURL
// ("https://s.to"), which serves aniworld's markup under /serie/stream/.
func STo(baseURL string, doer hoster.Doer, hosters *hoster.Registry, cache Cache) Config {
	return Config{Site: "s.to", Label: "s.to", BaseURL: baseURL, PathPrefix: "/serie/stream/", Doer: doer, Hosters: hosters, Cache: cache}
}

// Client is one site instance. It implements provider.Provider.
type Client struct {
	cfg     Config
	base    *url.URL // canonical
	mirrors *httpclient.Mirrors
	log     *slog.Logger
}

var _ provider.Provider = (*Client)(nil)

// New checks cfg and builds a Client.
func New(cfg Config) (*Client, error) {
	if cfg.Mirrors != nil {
		cfg.BaseURL = cfg.Mirrors.Canonical().String()
	}
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("%w: provider base url %q must be an absolute http(s) URL", anime.ErrInvalid, cfg.BaseURL)
	}
	if cfg.Site == "" {
		return nil, fmt.Errorf("%w: provider site name is empty", anime.ErrInvalid)
	}
	if cfg.Doer == nil {
		return nil, fmt.Errorf("%w: provider %s has no http client", anime.ErrInvalid, cfg.Site)
	}
	if cfg.Label == "" {
		cfg.Label = cfg.Site
	}
	if cfg.PathPrefix == "" {
		cfg.PathPrefix = "/anime/stream/"
	}
	cfg.PathPrefix = "/" + strings.Trim(cfg.PathPrefix, "/") + "/"
	var log *slog.Logger
	cfg.CacheTTL, cfg.Now, log = provider.ClientDefaults(cfg.CacheTTL, cfg.Now, cfg.Logger)
	mirrors := cfg.Mirrors
	if mirrors == nil {
		if mirrors, err = httpclient.NewMirrors(base.String()); err != nil {
			return nil, err
		}
	}
	return &Client{cfg: cfg, base: base, mirrors: mirrors, log: log}, nil
}

// Mirrors are the site's base URLs and the one in use (diagnostics).
func (c *Client) Mirrors() *httpclient.Mirrors { return c.mirrors }

// send sends a request built on the canonical base to the site's working
// mirror.
func (c *Client) send(req *http.Request) (*http.Response, error) {
	return c.mirrors.Do(c.cfg.Doer, req)
}

// Site is the site's name.
func (c *Client) Site() string { return c.cfg.Site }

// BaseURL is the site's canonical origin without a trailing slash.
func (c *Client) BaseURL() string { return c.base.String() }

// PathPrefix is the path before a series slug ("/anime/stream/").
func (c *Client) PathPrefix() string { return c.cfg.PathPrefix }

// SeriesURL is the absolute URL of a series page.
func (c *Client) SeriesURL(key string) string { return c.base.String() + c.cfg.PathPrefix + key }

// seasonPath is the season page path below the series: staffel-N or filme.
func seasonPath(season int) string {
	if season == 0 {
		return "filme"
	}
	return fmt.Sprintf("staffel-%d", season)
}

// episodeURL is the episode (or movie) page URL.
func (c *Client) episodeURL(key string, season, ep int) string {
	if season == 0 {
		return fmt.Sprintf("%s/filme/film-%d", c.SeriesURL(key), ep)
	}
	return fmt.Sprintf("%s/staffel-%d/episode-%d", c.SeriesURL(key), season, ep)
}

// abs resolves a site-relative reference against the base URL.
func (c *Client) abs(ref string) string {
	if u := provider.ResolveRef(c.base, ref); u != nil {
		return u.String()
	}
	return ""
}

// parseErr builds the "<label>: <step> "<page>": <detail>" error.
func (c *Client) parseErr(step, page, format string, args ...any) error {
	return &ParseError{Label: c.cfg.Label, Step: step, Page: page, Detail: fmt.Sprintf(format, args...)}
}

// ParseError says which page of which step could not be understood; see
// provider.ParseError.
type ParseError = provider.ParseError

// maxPage bounds a page body.
const maxPage = 16 << 20

// fetch GETs a site page and answers its body. 404 maps to
// anime.ErrNotFound, 429 to anime.ErrRateLimited, a challenge page to
// anime.ErrChallenge, other failures to anime.ErrProvider.
func (c *Client) fetch(ctx context.Context, step, page, rawURL string, mod func(*http.Request)) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %q: %w", c.cfg.Label, step, page, err)
	}
	req.Header.Set("Referer", c.base.String()+"/")
	if mod != nil {
		mod(req)
	}
	return c.do(req, step, page)
}

func (c *Client) do(req *http.Request, step, page string) ([]byte, error) {
	resp, err := c.send(req)
	if err != nil {
		if errors.Is(err, anime.ErrChallenge) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("%s: %s %q: %w", c.cfg.Label, step, page, err)
		}
		return nil, fmt.Errorf("%s: %s %q: %w: %w", c.cfg.Label, step, page, anime.ErrProvider, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPage))
	if err != nil {
		return nil, fmt.Errorf("%s: %s %q: read body: %w: %w", c.cfg.Label, step, page, anime.ErrProvider, err)
	}
	if err := provider.CheckPage(c.cfg.Label, step, page, req, resp.StatusCode, resp.Header, body, http.StatusNotFound); err != nil {
		return nil, err
	}
	return bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), nil
}

// cached answers a fresh cached value for key, else runs load and stores
// its result (provider.Cached under this site's prefix).
func cached[T any](ctx context.Context, c *Client, key string, load func() (T, error)) (T, error) {
	return provider.Cached(ctx, c.pageCache(), key, load)
}

func (c *Client) pageCache() provider.PageCache {
	return provider.PageCache{Cache: c.cfg.Cache, Site: c.cfg.Site, TTL: c.cfg.CacheTTL, Now: c.cfg.Now, Logger: c.log}
}

// Forget drops every cached page of one series (details, seasons,
// episodes). It is a no-op without a cache or when the cache cannot delete.
func (c *Client) Forget(ctx context.Context, key string) error {
	if err := c.pageCache().Forget(ctx, key); err != nil {
		return fmt.Errorf("%s: forget %q: %w", c.cfg.Label, key, err)
	}
	return nil
}
