package serienstream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/challenge"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider"
)

// ResolveLink turns a hoster link into a stream: it reads the hoster's
// embed URL from the Location of the site's /r?t=<token> (sent with the
// episode page's session cookies and its URL as Referer, passing a gate
// through the configured solvers) and hands it to the shared dispatch
// (provider.ResolveHosterLink), which picks the extractor by where the
// link landed, not by its label.
func (c *Client) ResolveLink(ctx context.Context, link provider.HosterLink) (anime.Stream, error) {
	return provider.ResolveHosterLink(ctx, label, c.cfg.Hosters, c.cfg.Doer, link, c.EmbedURL)
}

// EmbedURL follows a link-out (/r?t=<token>) by reading Location headers
// (up to provider.MaxSiteHops on the site) and answers the hoster's embed URL. A URL not
// on the site is returned unchanged. Without the session or Referer the
// site answers its player page instead of a redirect: that is an
// anime.ErrProvider naming the cause; a gate nobody could pass is
// anime.ErrChallenge.
func (c *Client) EmbedURL(ctx context.Context, link provider.HosterLink) (string, error) {
	const step = "link-out"
	cur, err := url.Parse(c.abs(link.URL))
	if err != nil || cur.Host == "" {
		return "", fmt.Errorf("%w: hoster link %q", anime.ErrInvalid, link.URL)
	}
	pageRef := cur.Path
	referer := c.abs(link.Page)
	if referer != "" {
		c.ensureSession(ctx, referer)
	} else {
		referer = c.base.String() + "/"
	}
	solved := false
	for hop := 0; hop < provider.MaxSiteHops; hop++ {
		if !c.onSite(cur) {
			return cur.String(), nil
		}
		gen := c.clearanceGen()
		p, err := c.linkOut(ctx, cur, referer)
		kind, err := c.gateKind(p, err, solved)
		if err != nil {
			return "", c.transportErr(step, pageRef, err)
		}
		if kind != challenge.None {
			if solved {
				return "", fmt.Errorf("%s: %s %q: %w: the gate is still there after solving", label, step, pageRef,
					&httpclient.ChallengeError{Host: cur.Hostname(), URL: httpclient.Redact(cur), Status: p.status, Kind: kind})
			}
			at := p.url // the gate as the mirror that answered showed it
			if at == nil {
				at = c.onActiveMirror(cur)
			}
			if err := c.passGate(ctx, gen, at, referer, kind, p.status); err != nil {
				return "", fmt.Errorf("%s: %s %q: %w", label, step, pageRef, err)
			}
			solved = true
			hop--
			continue
		}
		switch {
		case p.status >= 300 && p.status < 400:
			next, ok := provider.RedirectTarget(cur, p.header.Get("Location"))
			if !ok {
				return "", fmt.Errorf("%s: %s %q: %w: status %d with bad Location %q", label, step, pageRef, anime.ErrProvider, p.status, p.header.Get("Location"))
			}
			cur = next
		case p.status == http.StatusNotFound || p.status == http.StatusGone:
			return "", fmt.Errorf("%s: %s %q: hoster link %w (status %d)", label, step, pageRef, anime.ErrNotFound, p.status)
		case p.status >= 200 && p.status < 300:
			if !c.onSite(p.url) { // a Doer that follows redirects by itself
				return p.url.String(), nil
			}
			return "", fmt.Errorf("%s: %s %q: %w: status %d without a redirect (the player page: session cookie or Referer not accepted)", label, step, pageRef, anime.ErrProvider, p.status)
		default:
			return "", fmt.Errorf("%s: %s %q: %w: status %d", label, step, pageRef, anime.ErrProvider, p.status)
		}
	}
	return "", fmt.Errorf("%s: %s %q: %w: more than %d redirects on the site", label, step, pageRef, anime.ErrProvider, provider.MaxSiteHops)
}

// gateKind says whether a link-out met a gate this client should pass: the
// kind the Doer reported or the page shows. A gate the Doer already failed
// to pass (or that stays after our own pass), like any other failure, is
// answered as the error.
func (c *Client) gateKind(p page, err error, solved bool) (challenge.Kind, error) {
	var cerr *httpclient.ChallengeError
	switch {
	case err != nil && errors.Is(err, anime.ErrChallenge) && (len(c.cfg.Solvers) == 0 || solved):
		return challenge.None, err // the HTTP client's error says why its solvers failed
	case err != nil && errors.As(err, &cerr):
		return cerr.Kind, nil
	case err != nil && errors.Is(err, anime.ErrChallenge):
		return challenge.Cloudflare, nil
	case err != nil:
		return challenge.None, err
	}
	return challenge.Detect(p.status, p.header, p.body), nil
}

// onActiveMirror moves u onto the mirror requests go to now.
func (c *Client) onActiveMirror(u *url.URL) *url.URL {
	active, err := url.Parse(c.mirrors.Active())
	if err != nil {
		return u
	}
	cp := *u
	cp.Scheme, cp.Host = active.Scheme, active.Host
	return &cp
}

// linkOut GETs one link-out URL without following its redirect.
func (c *Client) linkOut(ctx context.Context, u *url.URL, referer string) (page, error) {
	req, err := http.NewRequestWithContext(httpclient.WithoutRedirects(ctx), http.MethodGet, u.String(), nil)
	if err != nil {
		return page{}, err
	}
	req.Header.Set("Referer", referer)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Sec-Fetch-Dest", "iframe")
	return c.send(req, 1<<20)
}

// ensureSession opens the episode page once when the session holds no
// cookie yet (a fresh process resolving a cached episode), so the link-out
// carries the page's session like a browser's would. Failures are left to
// the link-out to report.
func (c *Client) ensureSession(ctx context.Context, pageURL string) {
	u, err := url.Parse(pageURL)
	if err != nil || !c.onSite(u) || len(c.jar.Cookies(c.base)) > 0 {
		return
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		return
	}
	req.Header.Set("Referer", c.base.String()+"/")
	_, _ = c.send(req, maxPage)
}
