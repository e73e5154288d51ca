package app

import (
	"context"
	"errors"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/notify"
	"github.com/aniworld/aniworld/internal/provider"
)

// The health checks of provider steps, debounced: one problem once a step
// keeps failing, one recovery when it works again — never one message per
// failed request.
//
//   - "provider <site>": reading the site's pages (the monitor's refresh,
//     the library's rescans and adds, the queue's episode pages). A
//     problem after 3 failures in a row or 15 minutes failing.
//   - "hoster <name>": a hoster's redirect and extraction during real
//     downloads. A problem after 5 failures in a row or 30 minutes failing
//     (single links die all the time; a hoster that fails every link is
//     broken).
//   - "disk": the free space of the anime directory (checked every five
//     minutes), a problem at once.
var healthRules = map[string]notify.HealthRule{
	"provider ": {Failures: 3, For: 15 * time.Minute},
	"hoster ":   {Failures: 5, For: 30 * time.Minute},
}

// watchSteps sets the rules and listens to the provider steps.
func (au *automation) watchSteps(p *providers) {
	for prefix, r := range healthRules {
		au.health.SetRule(prefix, r)
	}
	au.a.stepHealth = au.health.Observe
	if p.stats != nil {
		p.stats.OnAttempt(func(at provider.Attempt) {
			if counts, err := stepOutcome(at.Err); counts {
				au.health.Observe("hoster "+at.Name(), err)
			}
		})
	}
}

// observeSite records the outcome of reading a site's pages. A resolve
// that read the episode page but found no working link is a success for
// the site (the hosters are watched on their own).
func (a *App) observeSite(ctx context.Context, site string, err error) {
	if a.stepHealth == nil || site == "" || ctx.Err() != nil {
		return
	}
	var re *provider.ResolveError
	if errors.As(err, &re) {
		err = nil
	}
	if counts, err := stepOutcome(err); counts {
		a.stepHealth("provider "+site, err)
	}
}

// stepOutcome says whether a step's error says anything about the health
// of the site or hoster: what was removed (not found), bad input and
// cancellations do not count (a timeout does).
func stepOutcome(err error) (counts bool, failure error) {
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, anime.ErrNotFound), errors.Is(err, anime.ErrInvalid), errors.Is(err, context.Canceled):
		return false, nil
	}
	return true, err
}
