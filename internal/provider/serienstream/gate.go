package serienstream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/aniworld/aniworld/internal/challenge"
	"github.com/aniworld/aniworld/internal/httpclient"
)

// userAgenter is the optional part of a Doer that names the UA it sends to
// a host (*httpclient.Client).
type userAgenter interface{ UserAgent(host string) string }

// clearanceGen counts passed gates; a caller that saw a gate under an older
// generation retries instead of solving again.
func (c *Client) clearanceGen() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// currentUA is the User-Agent site requests carry.
func (c *Client) currentUA(host string) string {
	c.mu.Lock()
	ua := c.userAgent
	c.mu.Unlock()
	if ua != "" {
		return ua
	}
	if d, ok := c.cfg.Doer.(userAgenter); ok {
		return d.UserAgent(host)
	}
	return httpclient.DefaultUserAgent
}

// passGate hands a gated link-out to the solvers, one at a time: the first
// that passes leaves its cookies in the session (and its User-Agent for the
// site). Concurrent resolves that met the same gate wait and reuse that
// clearance. No solver, or none passing, is anime.ErrChallenge.
func (c *Client) passGate(ctx context.Context, seenGen int, u *url.URL, referer string, kind challenge.Kind, status int) error {
	gateErr := &httpclient.ChallengeError{Host: u.Hostname(), URL: httpclient.Redact(u), Status: status, Kind: kind}
	if len(c.cfg.Solvers) == 0 {
		return fmt.Errorf("%w (no challenge solver configured)", gateErr)
	}
	c.solveMu.Lock()
	defer c.solveMu.Unlock()
	if c.clearanceGen() != seenGen {
		return nil // another resolve passed the gate meanwhile
	}
	var errs []error
	for _, s := range c.cfg.Solvers {
		cl, err := s.Solve(ctx, httpclient.SolveRequest{URL: u.String(), UserAgent: c.currentUA(u.Hostname()),
			Kind: kind, Cookies: c.jar.Cookies(c.base), Referer: referer})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			errs = append(errs, fmt.Errorf("%s: %w", s.Name(), err))
			continue
		}
		c.keep(cl)
		c.log.Info("serienstream gate passed", "solver", s.Name(), "kind", string(kind))
		return nil
	}
	return fmt.Errorf("%w; solvers failed: %w", gateErr, errors.Join(errs...))
}

// keep stores a clearance in the session: its cookies as host cookies of
// the site, its User-Agent for later site requests.
func (c *Client) keep(cl httpclient.Clearance) {
	cs := make([]*http.Cookie, 0, len(cl.Cookies))
	for _, ck := range cl.Cookies {
		if ck == nil || ck.Name == "" {
			continue
		}
		cs = append(cs, &http.Cookie{Name: ck.Name, Value: ck.Value, Path: "/", Expires: ck.Expires, Secure: ck.Secure, HttpOnly: ck.HttpOnly})
	}
	c.jar.SetCookies(c.base, cs)
	c.mu.Lock()
	if cl.UserAgent != "" {
		c.userAgent = cl.UserAgent
	}
	c.gen++
	c.mu.Unlock()
}
