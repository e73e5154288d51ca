package hoster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/challenge"
)

// Embed is a hoster link after the site's redirect: the hoster's embed URL
// and the hoster name the site labelled the link with.
type Embed struct {
	// Label is the site's hoster name ("VOE").
	Label string
	// URL is the embed URL the site's redirect pointed at.
	URL string
	// MayForward says the embed page may only forward once more via
	// window.location.href='…/e/<id>' (VOE mirrors); the page is peeked at
	// and the forwarded URL handed to the extractor.
	MayForward bool
}

// ResolveEmbed is the one path from an embed URL to a stream that every
// site adapter shares: pick the extractor, peek at a forwarding page, run
// the extractor, and fill the stream's hoster name. Errors name the hoster
// ("hoster VOE: …") and keep the extractor's sentinels.
func (r *Registry) ResolveEmbed(ctx context.Context, c Doer, e Embed) (anime.Stream, error) {
	if r == nil {
		return anime.Stream{}, fmt.Errorf("hoster %q: %w: no extractors configured", e.Label, anime.ErrUnavailable)
	}
	x, ok := r.Lookup(e.Label)
	if !ok {
		return anime.Stream{}, fmt.Errorf("hoster %q: %w: no extractor registered", e.Label, anime.ErrUnavailable)
	}
	embed := e.URL
	if e.MayForward {
		var err error
		if embed, err = followForward(ctx, c, embed); err != nil {
			return anime.Stream{}, fmt.Errorf("hoster %s: %w", e.Label, err)
		}
	}
	st, err := x.Resolve(ctx, c, embed)
	if err != nil {
		return anime.Stream{}, fmt.Errorf("hoster %s: %w", e.Label, err)
	}
	if st.Hoster == "" {
		st.Hoster = x.Name()
	}
	return st, nil
}

// forwardRe finds a hoster page that moves on to another /e/<id> page.
var forwardRe = regexp.MustCompile(`window\.location\.href\s*=\s*['"]([^'"]+/e/[^'"]+)['"]`)

// followForward fetches a hoster page once and, when it only forwards via
// window.location.href='…/e/<id>', answers the forwarded URL. Any other
// page answers embed unchanged; the extractor fetches it again and reports
// its own errors. A challenge page is an error wrapping anime.ErrChallenge.
func followForward(ctx context.Context, c Doer, embed string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, embed, nil)
	if err != nil {
		return "", fmt.Errorf("%w: embed url %q", anime.ErrInvalid, embed)
	}
	resp, err := c.Do(req)
	if err != nil {
		if errors.Is(err, anime.ErrChallenge) || ctx.Err() != nil {
			return "", fmt.Errorf("embed page: %w", err)
		}
		return embed, nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512<<10))
	resp.Body.Close()
	if kind := challenge.Detect(resp.StatusCode, resp.Header, body); kind != challenge.None {
		return "", fmt.Errorf("embed page: %w: %s challenge at %s (status %d)", anime.ErrChallenge, kind, redactURL(req), resp.StatusCode)
	}
	if resp.StatusCode != http.StatusOK {
		return embed, nil
	}
	m := forwardRe.FindSubmatch(body)
	if m == nil {
		return embed, nil
	}
	final := req.URL
	if resp.Request != nil && resp.Request.URL != nil {
		final = resp.Request.URL
	}
	next, err := final.Parse(string(m[1]))
	if err != nil || (next.Scheme != "http" && next.Scheme != "https") || next.String() == final.String() {
		return embed, nil
	}
	return next.String(), nil
}

func redactURL(req *http.Request) string {
	u := *req.URL
	u.RawQuery = ""
	return u.String()
}
