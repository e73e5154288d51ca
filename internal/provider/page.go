package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/challenge"
	"github.com/aniworld/aniworld/internal/httpclient"
)

// ParseError says which page of which step could not be understood; it
// wraps anime.ErrProvider. When a real site changes its markup, this is
// the message that names what broke. Every site client reports it.
type ParseError struct {
	Label  string // "aniworld", "serienstream"
	Step   string // "series page", "season page", "episode page", "search"
	Page   string // the series key, season or episode reference, or query
	Detail string // what was missing ("no div.series-title h1 found")
}

// Error is `aniworld: series page "demo": no div.series-title h1 found`.
func (e *ParseError) Error() string {
	return fmt.Sprintf("%s: %s %q: %s", e.Label, e.Step, e.Page, e.Detail)
}

// Unwrap makes errors.Is(err, anime.ErrProvider) true.
func (e *ParseError) Unwrap() error { return anime.ErrProvider }

// CheckPage maps a fetched site page to the contract's errors, prefixed
// "<label>: <step> "<page>": ": a challenge page is anime.ErrChallenge, a
// status listed in notFound anime.ErrNotFound, 429 anime.ErrRateLimited,
// any other non-2xx anime.ErrProvider. A usable page answers nil.
func CheckPage(label, step, page string, req *http.Request, status int, header http.Header, body []byte, notFound ...int) error {
	if kind := challenge.Detect(status, header, body); kind != challenge.None {
		return fmt.Errorf("%s: %s %q: %w", label, step, page, httpclient.NewChallengeError(req, status, kind))
	}
	for _, nf := range notFound {
		if status == nf {
			return fmt.Errorf("%s: %s %q: %w (status %d)", label, step, page, anime.ErrNotFound, status)
		}
	}
	switch {
	case status == http.StatusTooManyRequests:
		return fmt.Errorf("%s: %s %q: %w (status 429)", label, step, page, anime.ErrRateLimited)
	case status < 200 || status > 299:
		return fmt.Errorf("%s: %s %q: %w: status %d", label, step, page, anime.ErrProvider, status)
	}
	return nil
}

// AllSeasons fetches, in order, every season the series page lists, with
// the site's own Series and Season; the first failure stops it.
func AllSeasons(ctx context.Context, key string,
	series func(ctx context.Context, key string) (SeriesDetails, error),
	season func(ctx context.Context, key string, n int) (Season, error)) ([]Season, error) {
	d, err := series(ctx, key)
	if err != nil {
		return nil, err
	}
	out := make([]Season, 0, len(d.Seasons))
	for _, n := range d.Seasons {
		s, err := season(ctx, key, n)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// EpisodeList collects a season page's rows: the first row of each
// episode number wins, and the list comes out ordered by number.
type EpisodeList struct {
	seen map[int]bool
	eps  []EpisodeInfo
}

// Add keeps ep unless its number was seen before.
func (l *EpisodeList) Add(ep EpisodeInfo) {
	if l.seen == nil {
		l.seen = map[int]bool{}
	}
	if l.seen[ep.Number] {
		return
	}
	l.seen[ep.Number] = true
	l.eps = append(l.eps, ep)
}

// Sorted answers the kept episodes by number; never nil, so an empty
// season encodes as [].
func (l *EpisodeList) Sorted() []EpisodeInfo {
	out := append([]EpisodeInfo{}, l.eps...)
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// ResolveRef resolves a site-relative reference (surrounding space
// trimmed) against base; nil when ref is empty or unparsable.
func ResolveRef(base *url.URL, ref string) *url.URL {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil
	}
	u, err := url.Parse(ref)
	if err != nil {
		return nil
	}
	return base.ResolveReference(u)
}
