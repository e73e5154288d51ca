package queue

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

// ProviderResolver is the queue's Resolver on top of the provider's
// (provider.Resolver): it resolves on the series' own site, in the
// preferred language and hoster order, hosters whose downloads failed on
// earlier tries last, and turns every link tried into an attempt.
type ProviderResolver struct {
	// Site answers the site client of a series (its site in the library,
	// the default site when unknown). Required.
	Site func(ctx context.Context, key string) (provider.Provider, error)
	// Preferences answers the language and hoster orders. It is read on
	// every resolve, so config changes apply to the next try.
	Preferences func() provider.Preferences
	// Wanted, when set, answers a monitored series' own languages; the
	// episode page is then read fresh (a language that just appeared is
	// not in the cache).
	Wanted func(ctx context.Context, key string, ep anime.EpisodeRef) []anime.Language
	// Stats, when set, counts each hoster's outcomes.
	Stats provider.OutcomeRecorder
	// Observe, when set, hears how resolving on the series' site went
	// (the site's health).
	Observe func(ctx context.Context, site string, err error)
	// Now stamps the attempts; time.Now when nil.
	Now func() time.Time
}

// Resolve implements Resolver.
func (r ProviderResolver) Resolve(ctx context.Context, req ResolveRequest) (anime.Stream, []Attempt, error) {
	p, err := r.Site(ctx, req.SerieID)
	if err != nil {
		return anime.Stream{}, nil, err
	}
	var prefs provider.Preferences
	if r.Preferences != nil {
		prefs = r.Preferences()
	}
	prefs.Hosters = HosterOrder(prefs.Hosters, req.Avoid)
	if r.Wanted != nil {
		if w := r.Wanted(ctx, req.SerieID, req.Episode); len(w) > 0 {
			prefs.Languages, ctx = w, provider.WithFreshData(ctx)
		}
	}
	res := provider.NewResolver(p, prefs)
	if r.Stats != nil {
		res = res.Recording(r.Stats)
	}
	out, err := res.Resolve(ctx, req.SerieID, req.Episode.Season, req.Episode.Episode)
	if r.Observe != nil {
		r.Observe(ctx, p.Site(), err)
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	attempts := resolveAttempts(out, err, now().UTC())
	if err != nil {
		return anime.Stream{}, attempts, err
	}
	return out.Stream, attempts, nil
}

// HosterOrder is the order hosters are tried in: the preferred order
// (provider.DefaultHosterOrder when empty) with the hosters in avoid,
// whose downloads failed before, moved last (still usable).
func HosterOrder(preferred, avoid []string) []string {
	hosters := slices.Clone(preferred)
	if len(hosters) == 0 {
		hosters = provider.DefaultHosterOrder()
	}
	avoided := func(h string) bool {
		return slices.ContainsFunc(avoid, func(a string) bool { return strings.EqualFold(a, h) })
	}
	slices.SortStableFunc(hosters, func(a, b string) int {
		switch av, bv := avoided(a), avoided(b); {
		case av == bv:
			return 0
		case av:
			return 1
		}
		return -1
	})
	return hosters
}

// resolveAttempts is the attempt log of one resolution: every link the
// provider tried, or, when none worked, every link that failed.
func resolveAttempts(res provider.Resolution, err error, at time.Time) []Attempt {
	tried := res.Attempts
	var re *provider.ResolveError
	if errors.As(err, &re) {
		tried = re.Attempts
	}
	out := make([]Attempt, 0, len(tried))
	for _, a := range tried {
		out = append(out, Attempt{Stage: StageResolve, Hoster: a.Hoster, Language: a.Lang,
			OK: re == nil && a.Err == nil, Error: a.Reason, At: at})
	}
	return out
}
