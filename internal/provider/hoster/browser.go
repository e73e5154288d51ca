package hoster

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// Player plays an embed page in a real browser and reports the stream the
// page requested. internal/browser implements it (the app adapts it), so
// this package does not depend on a browser library.
type Player interface {
	Play(ctx context.Context, req PlayRequest) (PlayedStream, error)
}

// PlayRequest is one embed page to play, with what the plain client would
// send for it.
type PlayRequest struct {
	URL       string
	UserAgent string
	Cookies   []*http.Cookie
	Referer   string
	// Skip reports media URLs that are never the episode (bait samples).
	Skip func(mediaURL string) bool
	// ExpectedDuration is the episode's length when known (0 otherwise).
	ExpectedDuration time.Duration
}

// PlayedStream is the stream a browser found and the headers it sent for
// it.
type PlayedStream struct {
	URL     string
	Kind    anime.StreamKind
	Headers http.Header
}

// CookieSource is implemented by a Doer that keeps cookies (the project's
// httpclient): the browser starts with the cookies the client holds for
// the embed.
type CookieSource interface {
	Cookies(u *url.URL) []*http.Cookie
}

// Browser is the fallback extractor: it plays the embed in a real browser
// and takes the playlist or video the page requests, whatever the page's
// code looks like. It returns the browser's headers and cookies in the
// stream, so the download runs without the browser.
type Browser struct {
	Player Player
	// UserAgent overrides the Doer's per-host User-Agent.
	UserAgent string
	// Skip reports bait media URLs (IsBait when nil).
	Skip func(mediaURL string) bool
}

// BrowserName is the Browser extractor's name in attempt logs
// ("VOE: extractor failed (…), browser fallback OK").
const BrowserName = "Browser"

// Name implements Extractor.
func (x *Browser) Name() string { return BrowserName }

// Resolve plays embedURL with the User-Agent and cookies the plain client
// has for its host. A missing browser is an error that says what to
// install.
func (x *Browser) Resolve(ctx context.Context, c Doer, embedURL string) (anime.Stream, error) {
	u, err := parseEmbed(BrowserName, embedURL)
	if err != nil {
		return anime.Stream{}, err
	}
	if x.Player == nil {
		return anime.Stream{}, fmt.Errorf("browser: no browser configured: %w", anime.ErrUnavailable)
	}
	req := PlayRequest{URL: u.String(), UserAgent: pickUA(x.UserAgent, c, u), Skip: x.Skip}
	if req.Skip == nil {
		req.Skip = IsBait
	}
	if cs, ok := cookieSource(c); ok {
		req.Cookies = cs.Cookies(u)
	}
	p, err := x.Player.Play(ctx, req)
	if err != nil {
		return anime.Stream{}, fmt.Errorf("browser: %w", err)
	}
	if p.URL == "" {
		return anime.Stream{}, fail(BrowserName, "the browser reported no stream URL")
	}
	return anime.Stream{URL: p.URL, Kind: p.Kind, Headers: p.Headers}, nil
}

// cookieSource finds the cookie jar behind c, also behind the primed
// Doer of a recognised page.
func cookieSource(c Doer) (CookieSource, bool) {
	if p, ok := c.(*primedDoer); ok {
		c = p.Doer
	}
	cs, ok := c.(CookieSource)
	return cs, ok
}
