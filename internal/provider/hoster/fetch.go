package hoster

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/challenge"
)

// DefaultUserAgent is the desktop browser User-Agent extractors send when
// they are not given one. The same value is returned in Stream.Headers,
// because hosters sign their media links for the UA that fetched the page.
const DefaultUserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

// maxBody caps how much of an embed page or API answer is read.
const maxBody = 8 << 20

// page is one fetched document.
type page struct {
	body   string
	final  *url.URL    // URL after redirects
	header http.Header // response headers (Set-Cookie of the last hop)
}

// request describes one outbound request of an extractor.
type request struct {
	method  string
	url     string
	headers http.Header
	body    io.Reader
	// embed marks a hoster's own video page: a 200 page that says the
	// video is gone is reported as anime.ErrNotFound.
	embed bool
}

// fail builds an extractor error wrapping anime.ErrProvider.
func fail(hoster, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %w", strings.ToLower(hoster), fmt.Sprintf(format, args...), anime.ErrProvider)
}

// do sends r through c and returns the body. A challenge page yields an
// error wrapping anime.ErrChallenge (and anime.ErrProvider); any other
// non-2xx status an error wrapping anime.ErrProvider (plus
// anime.ErrNotFound for 404/410).
func do(ctx context.Context, c Doer, hoster, step string, r request) (page, error) {
	name := strings.ToLower(hoster)
	if r.method == "" {
		r.method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, r.body)
	if err != nil {
		return page{}, fmt.Errorf("%s: %s: build request: %w: %w", name, step, err, anime.ErrProvider)
	}
	for k, vs := range r.headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := c.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return page{}, fmt.Errorf("%s: %s: %w", name, step, ctx.Err())
		}
		return page{}, fmt.Errorf("%s: %s: %w: %w", name, step, err, anime.ErrProvider)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return page{}, fmt.Errorf("%s: %s: read body: %w: %w", name, step, err, anime.ErrProvider)
	}
	body := string(raw)
	final := req.URL
	if resp.Request != nil && resp.Request.URL != nil {
		final = resp.Request.URL
	}
	if kind := challenge.DetectString(resp.StatusCode, resp.Header, body); kind != challenge.None {
		return page{}, fmt.Errorf("%s: %s: %w", name, step, &ChallengeError{Host: final.Host, Kind: kind, Status: resp.StatusCode})
	}
	if isRemovedStatus(resp.StatusCode) {
		return page{}, fmt.Errorf("%s: %s: HTTP %d (video unavailable): %w: %w", name, step, resp.StatusCode, anime.ErrProvider, anime.ErrNotFound)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return page{}, fmt.Errorf("%s: %s: HTTP %d: %w", name, step, resp.StatusCode, anime.ErrProvider)
	}
	if r.embed {
		if why := Removed(body); why != "" {
			return page{}, fmt.Errorf("%s: %s: video unavailable (page says %q): %w: %w", name, step, why, anime.ErrProvider, anime.ErrNotFound)
		}
	}
	return page{body: body, final: final, header: resp.Header}, nil
}

// ChallengeError is an anti-bot page a hoster answered instead of its
// content. It matches anime.ErrChallenge and anime.ErrProvider.
type ChallengeError struct {
	Host   string         // host:port that answered
	Kind   challenge.Kind // turnstile, cloudflare, captcha, ...
	Status int            // HTTP status of the page
}

// Error names the kind and the host ("turnstile challenge at voe.sx (HTTP 403)").
func (e *ChallengeError) Error() string {
	return fmt.Sprintf("%s challenge at %s (HTTP %d)", e.Kind, e.Host, e.Status)
}

// Unwrap exposes anime.ErrChallenge and anime.ErrProvider.
func (e *ChallengeError) Unwrap() []error { return []error{anime.ErrChallenge, anime.ErrProvider} }

// parseEmbed validates an embed URL.
func parseEmbed(hoster, embedURL string) (*url.URL, error) {
	u, err := url.Parse(embedURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s: bad embed url %q: %w", strings.ToLower(hoster), embedURL, anime.ErrInvalid)
	}
	return u, nil
}

// origin returns scheme://host of u.
func origin(u *url.URL) string { return u.Scheme + "://" + u.Host }

// resolveRef resolves ref (absolute, protocol-relative or relative)
// against base.
func resolveRef(base *url.URL, ref string) (string, error) {
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return "", err
	}
	abs := base.ResolveReference(r)
	if abs.Scheme != "http" && abs.Scheme != "https" {
		return "", fmt.Errorf("unsupported scheme %q", abs.Scheme)
	}
	if abs.Host == "" {
		return "", fmt.Errorf("no host in %q", ref)
	}
	return abs.String(), nil
}

// kindOf guesses the stream kind from the media URL.
func kindOf(mediaURL string) anime.StreamKind {
	if strings.Contains(strings.ToLower(mediaURL), ".m3u8") {
		return anime.StreamHLS
	}
	return anime.StreamMP4
}

// uaHeaders returns a header set with only the User-Agent.
func uaHeaders(ua string) http.Header {
	h := http.Header{}
	h.Set("User-Agent", ua)
	return h
}

// UserAgenter is implemented by a Doer that pins a User-Agent per host,
// like the project's httpclient, whose challenge clearance is bound to
// the UA that solved it. Extractors without their own UserAgent use it.
type UserAgenter interface {
	UserAgent(host string) string
}

// pickUA returns own, else the Doer's UA for u's host, else
// DefaultUserAgent.
func pickUA(own string, c Doer, u *url.URL) string {
	if own != "" {
		return own
	}
	if p, ok := c.(UserAgenter); ok {
		if ua := p.UserAgent(u.Hostname()); ua != "" {
			return ua
		}
	}
	return DefaultUserAgent
}

// lastSegment returns the last non-empty path segment of u, without a
// trailing ".html".
func lastSegment(u *url.URL) string {
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	s := parts[len(parts)-1]
	return strings.TrimSuffix(s, ".html")
}

// Default returns a registry with every supported hoster extractor, each
// using DefaultUserAgent.
func Default() *Registry {
	return NewRegistry(
		&VOE{}, &Vidmoly{}, &Vidoza{}, &Doodstream{}, &Vidara{}, &Vidavaca{},
		&Filemoon{}, &LoadX{}, &Luluvdo{}, &Streamtape{}, &SpeedFiles{},
	)
}
