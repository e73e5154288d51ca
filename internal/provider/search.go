package provider

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// SearchPatience is how much longer the other sites get once one site has
// answered with results: a site that is down or slow to time out costs a
// search at most this much, not its client's whole timeout.
const SearchPatience = 5 * time.Second

// Search asks every site at once and answers their results side by side
// in registration order (aniworld.to first). A failing site, or one still
// silent SearchPatience after another site answered with results, is
// logged (when log is set) and left out. With no result at all, a failure
// is the answer (so a challenge is not reported as "nothing found").
func (r *Registry) Search(ctx context.Context, q string, log *slog.Logger) ([]SearchResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // the sites left out stop at once
	type answer struct {
		i   int
		res []SearchResult
		err error
	}
	answers := make(chan answer, len(r.order))
	for i, p := range r.order {
		go func() {
			res, err := p.Search(ctx, q)
			answers <- answer{i, res, err}
		}()
	}
	results := make([][]SearchResult, len(r.order))
	errs := make([]error, len(r.order))
	for i := range errs {
		errs[i] = errNoAnswer
	}
	var patience <-chan time.Time
wait:
	for range r.order {
		select {
		case a := <-answers:
			results[a.i], errs[a.i] = a.res, a.err
			if a.err == nil && len(a.res) > 0 && patience == nil {
				patience = r.patience(ctx)
			}
		case <-patience:
			break wait
		}
	}
	return r.searchAnswer(results, errs, log)
}

// errNoAnswer marks a site that had not answered when the others' results
// were taken.
var errNoAnswer = fmt.Errorf("no answer within %s of another site's results", SearchPatience)

// patience fires SearchPatience from now, or never once ctx ends.
func (r *Registry) patience(ctx context.Context) <-chan time.Time {
	if r.after != nil {
		return r.after(SearchPatience)
	}
	c := make(chan time.Time, 1)
	t := time.AfterFunc(SearchPatience, func() { c <- time.Now() })
	context.AfterFunc(ctx, func() { t.Stop() })
	return c
}

// searchAnswer joins the sites' results in registration order, leaving out
// and logging the failed ones; with no result at all the failures are the
// answer.
func (r *Registry) searchAnswer(results [][]SearchResult, errs []error, log *slog.Logger) ([]SearchResult, error) {
	out := []SearchResult{}
	var failures []error
	for i, res := range results {
		if err := errs[i]; err != nil {
			site := r.order[i].Site()
			failures = append(failures, err)
			if log != nil {
				log.Warn("site search failed", "site", site, "err", err)
			}
			continue
		}
		out = append(out, res...)
	}
	if len(out) == 0 && len(failures) > 0 {
		return nil, errors.Join(failures...)
	}
	return out, nil
}
