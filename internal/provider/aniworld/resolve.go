package aniworld

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/challenge"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider"
)

// ResolveLink turns a hoster link into a stream: it reads the Location of
// the site's /redirect/<id> (without following it) and hands the landing
// URL to the shared dispatch (provider.ResolveHosterLink), which picks
// the extractor by where the link landed, not by its label.
func (c *Client) ResolveLink(ctx context.Context, link provider.HosterLink) (anime.Stream, error) {
	return provider.ResolveHosterLink(ctx, c.cfg.Label, c.cfg.Hosters, c.cfg.Doer, link,
		func(ctx context.Context, l provider.HosterLink) (string, error) { return c.EmbedURL(ctx, l.URL) })
}

// EmbedURL follows the site's /redirect/<id> by reading Location headers
// (up to provider.MaxSiteHops on the site) and answers the hoster's embed URL. A URL not
// on the site is returned unchanged.
func (c *Client) EmbedURL(ctx context.Context, redirectURL string) (string, error) {
	const step = "redirect"
	cur, err := url.Parse(c.abs(redirectURL))
	if err != nil || cur.Host == "" {
		return "", fmt.Errorf("%w: hoster link %q", anime.ErrInvalid, redirectURL)
	}
	page := cur.Path
	for hop := 0; hop < provider.MaxSiteHops; hop++ {
		if !c.mirrors.Owns(cur.Host) {
			return cur.String(), nil
		}
		req, err := http.NewRequestWithContext(httpclient.WithoutRedirects(ctx), http.MethodGet, cur.String(), nil)
		if err != nil {
			return "", err
		}
		req.Header.Set("Referer", c.base.String()+"/")
		resp, err := c.send(req)
		if err != nil {
			if errors.Is(err, anime.ErrChallenge) || ctx.Err() != nil {
				return "", fmt.Errorf("%s: %s %q: %w", c.cfg.Label, step, page, err)
			}
			return "", fmt.Errorf("%s: %s %q: %w: %w", c.cfg.Label, step, page, anime.ErrProvider, err)
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if kind := challenge.Detect(resp.StatusCode, resp.Header, body); kind != challenge.None {
			return "", fmt.Errorf("%s: %s %q: %w", c.cfg.Label, step, page, httpclient.NewChallengeError(req, resp.StatusCode, kind))
		}
		switch {
		case resp.StatusCode >= 300 && resp.StatusCode < 400:
			next, ok := provider.RedirectTarget(cur, resp.Header.Get("Location"))
			if !ok {
				return "", fmt.Errorf("%s: %s %q: %w: status %d with bad Location %q", c.cfg.Label, step, page, anime.ErrProvider, resp.StatusCode, resp.Header.Get("Location"))
			}
			cur = next
			continue
		case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone || resp.StatusCode == http.StatusUnavailableForLegalReasons:
			return "", fmt.Errorf("%s: %s %q: hoster link %w (status %d)", c.cfg.Label, step, page, anime.ErrNotFound, resp.StatusCode)
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			// A Doer that follows redirects by itself lands on the hoster.
			if resp.Request != nil && resp.Request.URL != nil && !c.mirrors.Owns(resp.Request.URL.Host) {
				return resp.Request.URL.String(), nil
			}
			return "", fmt.Errorf("%s: %s %q: %w: status %d without Location (a captcha in front of the redirect?)", c.cfg.Label, step, page, anime.ErrProvider, resp.StatusCode)
		default:
			return "", fmt.Errorf("%s: %s %q: %w: status %d", c.cfg.Label, step, page, anime.ErrProvider, resp.StatusCode)
		}
	}
	return "", fmt.Errorf("%s: %s %q: %w: more than %d redirects on the site", c.cfg.Label, step, page, anime.ErrProvider, provider.MaxSiteHops)
}
