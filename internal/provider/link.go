package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// Link steps a LinkTrace names when a link fails.
const (
	StepRedirect   = "redirect"
	StepExtraction = "extraction"
)

// LinkTrace is what happened to one hoster link: the site's redirect,
// where it landed and which extractor ran. The Resolver and the doctor
// put one in the context (WithLinkTrace); ResolveHosterLink fills it.
type LinkTrace struct {
	Label     string // the site's hoster label
	Embed     string // where the redirect landed (after page forwards)
	Host      string // its host
	Extractor string // the extractor that ran, "" when none
	Via       string // hoster.ViaHost, ViaPage, ViaLabel or ViaNone
	Fallback  string // "", "ok" or "failed"
	// FailedStep is StepRedirect or StepExtraction when the link failed.
	FailedStep string
	Redirect   time.Duration // time of the site's redirect
	Extract    time.Duration // time of the extraction (and fallback)
	// Note is set when the fallback saved the link:
	// "VOE: extractor failed (…), browser fallback OK".
	Note string
}

type traceKey struct{}

// WithLinkTrace returns a context whose ResolveLink call records into the
// returned trace.
func WithLinkTrace(ctx context.Context) (context.Context, *LinkTrace) {
	t := &LinkTrace{}
	return context.WithValue(ctx, traceKey{}, t), t
}

func traceFrom(ctx context.Context) *LinkTrace {
	if t, ok := ctx.Value(traceKey{}).(*LinkTrace); ok {
		return t
	}
	return &LinkTrace{}
}

// MaxSiteHops bounds the redirect chain a site's hoster link may take on
// the site before it lands on a hoster.
const MaxSiteHops = 5

// RedirectTarget is where a redirect answered for cur sends the client:
// its Location resolved against cur. ok is false when Location is missing,
// does not parse or is not http(s).
func RedirectTarget(cur *url.URL, location string) (next *url.URL, ok bool) {
	next, err := cur.Parse(strings.TrimSpace(location))
	if location == "" || err != nil || (next.Scheme != "http" && next.Scheme != "https") {
		return nil, false
	}
	return next, true
}

// Redirector follows a site's hoster link (/redirect/<id>, /r?t=…) to the
// hoster's embed URL without following the hoster's own redirects.
type Redirector func(ctx context.Context, link HosterLink) (embedURL string, err error)

// ResolveHosterLink is the one way a site resolves a hoster link: follow
// the site's redirect, then let the hoster registry choose the extractor
// by where the link landed (host table, page signature, label last; see
// hoster.Registry.Resolve) and run it, with the fallback extractor when
// one is installed. The context's LinkTrace (WithLinkTrace) receives the
// landing host, the extractor and the failed step. site prefixes errors
// ("aniworld").
func ResolveHosterLink(ctx context.Context, site string, hosters *hoster.Registry, c hoster.Doer, link HosterLink, redirect Redirector) (anime.Stream, error) {
	t := traceFrom(ctx)
	t.Label = link.Hoster
	if hosters == nil {
		t.FailedStep = StepExtraction
		return anime.Stream{}, fmt.Errorf("%s: hoster %q: %w: no extractors configured", site, link.Hoster, anime.ErrUnavailable)
	}
	start := time.Now()
	embed, err := redirect(ctx, link)
	t.Redirect = time.Since(start)
	if err != nil {
		t.FailedStep = StepRedirect
		return anime.Stream{}, err
	}
	t.Embed = embed
	if u, perr := url.Parse(embed); perr == nil {
		t.Host = u.Host
	}
	start = time.Now()
	st, d, err := hosters.Resolve(ctx, c, link.Hoster, embed)
	t.Extract = time.Since(start)
	t.Embed, t.Host, t.Extractor, t.Via, t.Fallback = d.Embed, d.Host, d.Extractor, d.Via, d.Fallback
	if err != nil {
		t.FailedStep = StepExtraction
		return anime.Stream{}, fmt.Errorf("%s: hoster %s: %w", site, link.Hoster, err)
	}
	if st.Lang == anime.LangUnknown {
		st.Lang = link.Lang
	}
	if d.Fallback == "ok" && d.ExtractorErr != nil {
		t.Note = fmt.Sprintf("%s: extractor failed (%v), %s fallback OK", d.Extractor, d.ExtractorErr, strings.ToLower(d.FallbackName))
	}
	return st, nil
}

// Removed reports whether err says the video behind a link is gone (a
// removed file, a dead redirect), which no retry changes.
func Removed(err error) bool { return errors.Is(err, anime.ErrNotFound) }
