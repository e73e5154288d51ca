package hoster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// How a Dispatch chose its extractor.
const (
	ViaHost  = "host"  // the landing host is in the host table
	ViaPage  = "page"  // the landing page carried an extractor's signature
	ViaLabel = "label" // the site's label named a registered extractor
	ViaNone  = "none"  // nothing matched
)

// Dispatch records how Registry.Resolve handled one link: where it
// landed, which extractor ran and why, and whether the fallback ran.
type Dispatch struct {
	Label     string // the site's hoster label ("Vidara")
	Embed     string // the URL the extractor was given (after page forwards)
	Host      string // its host ("voe.sx", "127.0.0.1:4711")
	Extractor string // the extractor that ran ("VOE"), "" when none
	Via       string // ViaHost, ViaPage, ViaLabel or ViaNone
	// Fallback is "" when the fallback did not run, else "ok" or "failed".
	Fallback string
	// FallbackName is the fallback extractor's name when it ran.
	FallbackName string
	// ExtractorErr is the chosen extractor's error when the fallback ran
	// after it.
	ExtractorErr error
}

// String is "Vidara → voe.sx [VOE by host]" plus the fallback outcome.
func (d Dispatch) String() string {
	x := d.Extractor
	if x == "" {
		x = "no extractor"
	}
	s := fmt.Sprintf("%s → %s [%s by %s]", d.Label, d.Host, x, d.Via)
	if d.Fallback != "" {
		s += fmt.Sprintf(", %s fallback %s", strings.ToLower(d.FallbackName), d.Fallback)
	}
	return s
}

// maxForwards bounds the JS forward pages Resolve follows on unknown hosts.
const maxForwards = 2

// forwardRe finds a page that only moves on via window.location.
var forwardRe = regexp.MustCompile(`window\.location(?:\.href)?\s*=\s*['"]([^'"\s]+)['"]`)

// Resolve runs the extractor for a link that landed on embedURL. The
// extractor is chosen by the landing host (the host table: extractors'
// Hosts() and MapHost), else, on an unknown host, by fetching the page
// once (following JS forward pages) and asking every extractor's
// PageRecognizer, and only last by the site's label. When the chosen
// extractor fails with anything but anime.ErrNotFound, or no extractor
// fits, the fallback (SetFallback) runs. No stream whose URL is a known
// bait sample is ever returned.
func (r *Registry) Resolve(ctx context.Context, c Doer, label, embedURL string) (anime.Stream, Dispatch, error) {
	d := Dispatch{Label: label, Embed: embedURL, Via: ViaNone}
	u, err := parseEmbed(label, embedURL)
	if err != nil {
		return anime.Stream{}, d, err
	}
	d.Host = u.Host
	x, ok := r.ForHost(u.Host)
	var pageErr error // why the landing page of an unknown host could not be read
	if ok {
		d.Via = ViaHost
	} else {
		x, c, pageErr = r.recognise(ctx, c, &d)
		if errors.Is(pageErr, anime.ErrNotFound) || ctx.Err() != nil {
			return anime.Stream{}, d, pageErr
		}
	}
	if x == nil {
		if lx, ok := r.Lookup(label); ok {
			x, d.Via = lx, ViaLabel
		}
	}
	if x == nil {
		if r.fallback != nil {
			return r.runFallback(ctx, c, &d, pageErr)
		}
		if pageErr != nil {
			return anime.Stream{}, d, pageErr
		}
		return anime.Stream{}, d, fmt.Errorf("%s: no extractor for host %s: %w", strings.ToLower(label), d.Host, anime.ErrUnavailable)
	}
	d.Extractor = x.Name()
	st, err := x.Resolve(ctx, c, d.Embed)
	if err == nil && IsBait(st.URL) {
		err = fail(x.Name(), "only a bait sample video (%s)", st.URL)
	}
	if err == nil {
		if st.Hoster == "" {
			st.Hoster = x.Name()
		}
		return st, d, nil
	}
	if r.fallback == nil || errors.Is(err, anime.ErrNotFound) || ctx.Err() != nil {
		return anime.Stream{}, d, err
	}
	return r.runFallback(ctx, c, &d, err)
}

// recognise fetches the landing page of an unknown host (following JS
// forwards, re-checking the host table after each) and asks the page
// recognisers. It answers the extractor found (or nil) and a Doer that
// serves the fetched page once more without a second request.
func (r *Registry) recognise(ctx context.Context, c Doer, d *Dispatch) (Extractor, Doer, error) {
	for hop := 0; hop <= maxForwards; hop++ {
		u, err := parseEmbed(d.Label, d.Embed)
		if err != nil {
			return nil, c, err
		}
		ua := pickUA("", c, u)
		p, err := do(ctx, c, d.Label, "landing page", request{url: d.Embed, headers: uaHeaders(ua), embed: true})
		if err != nil {
			return nil, c, err
		}
		primed := &primedDoer{Doer: c, url: d.Embed, page: p}
		if x, ok := r.ForPage(p.body); ok {
			d.Via = ViaPage
			return x, primed, nil
		}
		m := forwardRe.FindStringSubmatch(p.body)
		if m == nil {
			return nil, primed, nil
		}
		next, err := resolveRef(p.final, m[1])
		if err != nil || next == p.final.String() {
			return nil, primed, nil
		}
		nu, _ := parseEmbed(d.Label, next)
		d.Embed, d.Host = next, nu.Host
		if x, ok := r.ForHost(nu.Host); ok {
			d.Via = ViaHost
			return x, c, nil
		}
	}
	return nil, c, nil
}

// runFallback runs the fallback extractor after extractorErr (nil when no
// extractor fitted).
func (r *Registry) runFallback(ctx context.Context, c Doer, d *Dispatch, extractorErr error) (anime.Stream, Dispatch, error) {
	d.FallbackName, d.ExtractorErr = r.fallback.Name(), extractorErr
	st, err := r.fallback.Resolve(ctx, c, d.Embed)
	if err == nil && IsBait(st.URL) {
		err = fail(r.fallback.Name(), "only a bait sample video (%s)", st.URL)
	}
	if err != nil {
		d.Fallback = "failed"
		return anime.Stream{}, *d, &FallbackError{Hoster: d.hosterName(), ExtractorErr: extractorErr, Fallback: r.fallback.Name(), Err: err}
	}
	d.Fallback = "ok"
	if st.Hoster == "" {
		st.Hoster = d.hosterName()
	}
	return st, *d, nil
}

func (d *Dispatch) hosterName() string {
	if d.Extractor != "" {
		return d.Extractor
	}
	return d.Label
}

// FallbackError is a link on which the chosen extractor (if any) and the
// fallback both failed: "VOE: extractor failed (…), browser fallback
// failed (…)". It matches both errors.
type FallbackError struct {
	Hoster       string
	ExtractorErr error // nil when no extractor fitted the link
	Fallback     string
	Err          error
}

// Error names both failures.
func (e *FallbackError) Error() string {
	first := "no extractor"
	if e.ExtractorErr != nil {
		first = "extractor failed (" + e.ExtractorErr.Error() + ")"
	}
	return fmt.Sprintf("%s: %s, %s fallback failed (%v)", e.Hoster, first, strings.ToLower(e.Fallback), e.Err)
}

// Unwrap exposes both errors.
func (e *FallbackError) Unwrap() []error {
	if e.ExtractorErr == nil {
		return []error{e.Err}
	}
	return []error{e.ExtractorErr, e.Err}
}

// primedDoer answers the first GET of url from an already fetched page,
// so recognising a page does not cost the extractor a second request.
type primedDoer struct {
	Doer
	url  string
	page page
	used bool
}

// Do serves the primed page once, then passes requests through.
func (p *primedDoer) Do(req *http.Request) (*http.Response, error) {
	if p.used || req.Method != http.MethodGet || req.URL.String() != p.url {
		return p.Doer.Do(req)
	}
	p.used = true
	final := p.page.final
	r := req.Clone(req.Context())
	r.URL = final
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: p.page.header.Clone(), Body: io.NopCloser(bytes.NewReader([]byte(p.page.body))),
		ContentLength: int64(len(p.page.body)), Request: r,
	}, nil
}

// UserAgent passes the wrapped Doer's per-host UA through.
func (p *primedDoer) UserAgent(host string) string {
	if ua, ok := p.Doer.(UserAgenter); ok {
		return ua.UserAgent(host)
	}
	return ""
}
