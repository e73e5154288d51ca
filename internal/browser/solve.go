package browser

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/challenge"
	"github.com/aniworld/aniworld/internal/httpclient"
)

// pollEvery is how often a page is looked at while it works on its
// challenge.
const pollEvery = 150 * time.Millisecond

var _ httpclient.Solver = (*Browser)(nil)

// Name implements httpclient.Solver.
func (b *Browser) Name() string { return "chromium" }

// Solve implements httpclient.Solver: it opens req.URL in a new tab with
// the request's User-Agent, cookies and Referer, waits until the page is
// past its challenge, and returns every cookie the browser holds for the
// URL with the browser's exact User-Agent. Errors wrap ErrUnavailable (no
// browser), ErrBudget (the host's solves for the hour are used) or
// ErrTimeout (still challenged after SolveTimeout; also
// anime.ErrChallenge).
func (b *Browser) Solve(ctx context.Context, req httpclient.SolveRequest) (httpclient.Clearance, error) {
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return httpclient.Clearance{}, fmt.Errorf("browser solve: bad url %q: %w", req.URL, anime.ErrInvalid)
	}
	if b.missing != nil {
		return httpclient.Clearance{}, b.missing
	}
	host := u.Hostname()
	at := b.clock.Now()
	if err := b.stats.take(host, KindSolve, b.opts.MaxSolvesPerHostHour, at); err != nil {
		return httpclient.Clearance{}, err
	}
	start := time.Now()
	headed := b.opts.Headed || b.headedHost(host)
	cl, err := b.solveOnce(ctx, req, u, headed)
	if errors.Is(err, ErrTimeout) && !headed && b.opts.HeadedFallback && b.xvfbPath != "" && ctx.Err() == nil {
		b.log.Warn("challenge not passed headless; trying headed under Xvfb", "host", host)
		b.setHeadedHost(host)
		cl, err = b.solveOnce(ctx, req, u, true)
	}
	b.stats.done(host, KindSolve, at, time.Since(start), err)
	if err != nil {
		b.log.Warn("browser solve failed", "host", host, "error", err)
	} else {
		b.log.Info("browser solved challenge", "host", host, "cookies", len(cl.Cookies), "duration", time.Since(start).Round(time.Millisecond))
	}
	return cl, err
}

// solveOnce is one attempt in one mode.
func (b *Browser) solveOnce(ctx context.Context, req httpclient.SolveRequest, u *url.URL, headed bool) (httpclient.Clearance, error) {
	t, err := b.open(ctx, headed)
	if err != nil {
		return httpclient.Clearance{}, err
	}
	defer t.release()
	if err := chromedp.Do(t.ctx); err != nil { // opens the tab
		return httpclient.Clearance{}, fmt.Errorf("browser: open tab: %w", err)
	}
	wctx, cancel := context.WithTimeout(t.ctx, b.opts.SolveTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel) // the caller's cancellation ends the wait too
	defer stop()

	doc := &documentWatch{}
	if err := chromedp.Listen(wctx, doc.onEvent); err != nil {
		return httpclient.Clearance{}, fmt.Errorf("browser: listen: %w", err)
	}
	ua := req.UserAgent
	if ua == "" {
		ua = b.opts.UserAgent
	}
	if err := chromedp.Do(wctx, setUserAgent(ua), setCookies(req.Cookies, u), navigate(u.String(), req.Referer)); err != nil {
		return httpclient.Clearance{}, b.waitError(ctx, wctx, u, "open page", err)
	}
	final, err := b.waitPast(wctx, doc)
	if err != nil {
		return httpclient.Clearance{}, b.waitError(ctx, wctx, u, "wait for the challenge", err)
	}
	return readClearance(wctx, u, final, req.Cookies)
}

// waitError turns a failed wait into a clear error: the time limit, the
// caller's cancellation, or the browser's own error.
func (b *Browser) waitError(caller, wctx context.Context, u *url.URL, step string, err error) error {
	switch {
	case caller.Err() != nil:
		return fmt.Errorf("browser solve %s: %w", u.Host, caller.Err())
	case wctx.Err() != nil:
		return fmt.Errorf("browser solve %s: %w: still challenged after %s (%w)", u.Host, ErrTimeout, b.opts.SolveTimeout, anime.ErrChallenge)
	}
	return fmt.Errorf("browser solve %s: %s: %w", u.Host, step, err)
}

// documentWatch remembers the status of the top document's last response.
type documentWatch struct {
	mu     sync.Mutex
	status int64
	url    string
}

func (d *documentWatch) onEvent(ev any) {
	e, ok := ev.(*network.EventResponseReceived)
	if !ok || e.Type != network.ResourceTypeDocument || e.Response == nil {
		return
	}
	d.mu.Lock()
	d.status, d.url = e.Response.Status, e.Response.URL
	d.mu.Unlock()
}

func (d *documentWatch) get() (int, string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return int(d.status), d.url
}

// pageState is what the poll reads from the page.
type pageState struct {
	Ready string `json:"ready"`
	Href  string `json:"href"`
	HTML  string `json:"html"`
}

const pageStateJS = `({ready: document.readyState, href: location.href,
  html: document.documentElement ? document.documentElement.outerHTML.slice(0, 65536) : ""})`

// waitPast polls the page until it is loaded, is not a challenge by
// internal/challenge's rules and its document did not answer a challenge
// status. It returns the page's final URL.
func (b *Browser) waitPast(ctx context.Context, doc *documentWatch) (string, error) {
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		st, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](pageStateJS))
		if err == nil && st.Ready == "complete" {
			status, _ := doc.get()
			if status != 0 && challenge.DetectString(status, nil, st.HTML) == challenge.None && !challengeStatus(status) {
				return st.Href, nil
			}
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-tick.C:
		}
	}
}

// challengeStatus is a status a gate answers while it still checks.
func challengeStatus(s int) bool {
	return s == http.StatusForbidden || s == http.StatusTooManyRequests || s == http.StatusServiceUnavailable
}

// readClearance reads the browser's cookies for the page and its exact
// User-Agent.
func readClearance(ctx context.Context, u *url.URL, final string, sent []*http.Cookie) (httpclient.Clearance, error) {
	urls := []string{u.String()}
	if final != "" && final != u.String() {
		urls = append(urls, final)
	}
	res, err := chromedp.Run(ctx, getCookies(urls))
	if err != nil {
		return httpclient.Clearance{}, fmt.Errorf("browser: read cookies: %w", err)
	}
	ua, err := chromedp.Run(ctx, chromedp.Evaluate[string]("navigator.userAgent"))
	if err != nil {
		return httpclient.Clearance{}, fmt.Errorf("browser: read user agent: %w", err)
	}
	cl := httpclient.Clearance{UserAgent: ua}
	before := map[string]string{}
	for _, c := range sent {
		before[c.Name] = c.Value
	}
	for _, c := range res {
		hc := httpCookie(c)
		cl.Cookies = append(cl.Cookies, hc)
		if v, ok := before[c.Name]; ok && v == c.Value {
			continue // not earned by this solve
		}
		if !hc.Expires.IsZero() && (cl.Expires.IsZero() || hc.Expires.Before(cl.Expires)) {
			cl.Expires = hc.Expires
		}
	}
	return cl, nil
}

// httpCookie converts a DevTools cookie.
func httpCookie(c *network.Cookie) *http.Cookie {
	hc := &http.Cookie{Name: c.Name, Value: c.Value, Domain: c.Domain, Path: c.Path,
		HttpOnly: c.HTTPOnly, Secure: c.Secure}
	if !c.Session && c.Expires > 0 && !math.IsInf(c.Expires, 0) {
		sec, frac := math.Modf(c.Expires)
		hc.Expires = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	}
	switch c.SameSite {
	case network.CookieSameSiteStrict:
		hc.SameSite = http.SameSiteStrictMode
	case network.CookieSameSiteLax:
		hc.SameSite = http.SameSiteLaxMode
	case network.CookieSameSiteNone:
		hc.SameSite = http.SameSiteNoneMode
	}
	return hc
}

// getCookies reads the cookies the browser would send to urls.
func getCookies(urls []string) chromedp.Action[[]*network.Cookie] {
	return func(ctx context.Context, t *chromedp.Target) ([]*network.Cookie, error) {
		res, err := cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: urls})
		if err != nil {
			return nil, err
		}
		return res.Cookies, nil
	}
}

// setCookies puts the client's cookies for u into the browser.
func setCookies(cs []*http.Cookie, u *url.URL) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if len(cs) == 0 {
			return nil
		}
		params := make([]*network.CookieParam, 0, len(cs))
		for _, c := range cs {
			p := &network.CookieParam{Name: c.Name, Value: c.Value, URL: u.String(), Path: c.Path,
				Secure: c.Secure, HTTPOnly: c.HttpOnly}
			if p.Path == "" {
				p.Path = "/"
			}
			if c.Domain != "" {
				p.Domain = c.Domain
			}
			if !c.Expires.IsZero() {
				p.Expires = cdp.TimeSinceEpoch(float64(c.Expires.UnixNano()) / 1e9)
			}
			params = append(params, p)
		}
		_, err := cdp.Call(ctx, t, network.SetCookies, network.SetCookiesParams{Cookies: params})
		return err
	})
}

// headedHost reports whether host needed the headed mode before.
func (b *Browser) headedHost(host string) bool {
	b.stats.mu.Lock()
	defer b.stats.mu.Unlock()
	return b.stats.headedHosts[host]
}

func (b *Browser) setHeadedHost(host string) {
	b.stats.mu.Lock()
	defer b.stats.mu.Unlock()
	b.stats.headedHosts[host] = true
}
