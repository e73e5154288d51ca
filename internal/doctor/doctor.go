// Package doctor is the canary that says what broke: it runs the whole
// chain live for each site (reach, search, series, season and episode
// pages, then for every hoster on the episode page its redirect, the
// extraction and the first bytes of the media) and reports each step
// with its result, its time and, for a failure, the exact reason. It also
// keeps per-hoster outcome counts of real resolutions (Stats).
package doctor

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// Step results.
const (
	OK      = "ok"
	Failed  = "failed"
	Skipped = "skipped"
)

// Step names.
const (
	StepReach      = "reach"
	StepSearch     = "search"
	StepSeries     = "series page"
	StepSeason     = "season page"
	StepEpisode    = "episode page"
	StepRedirect   = "redirect"
	StepExtraction = "extraction"
	StepMedia      = "media"
)

// Probe is what the doctor looks at on one site: a search term and one
// episode that is known to exist.
type Probe struct {
	Query   string
	Key     string
	Season  int
	Episode int
}

// Site is one site to check.
type Site struct {
	Provider provider.Provider
	Probe    Probe
}

// MirroredSite is implemented by site clients that reach their site
// through several mirrors (aniworld.Client); the reach step goes through
// them and names the mirror that answered.
type MirroredSite interface {
	Mirrors() *httpclient.Mirrors
}

// Options configures a run.
type Options struct {
	// Doer sends the reach and media requests (the app's httpclient).
	Doer hoster.Doer
	// StepTimeout bounds each step (default 45 s).
	StepTimeout time.Duration
	// MediaBytes is how much of the media is fetched (default 4 KiB).
	MediaBytes int
	// Parallel is how many hoster links are checked at once (default 4);
	// the report keeps page order.
	Parallel int
	// Resolver describes how host names are resolved ("DoH
	// https://cloudflare-dns.com/dns-query", "system DNS"); the reach
	// step reports it.
	Resolver string
}

// Step is one row of the report.
type Step struct {
	Site       string  `json:"site"`
	Hoster     string  `json:"hoster,omitempty" doc:"The hoster label for redirect, extraction and media steps"`
	Step       string  `json:"step" enum:"reach,search,series page,season page,episode page,redirect,extraction,media"`
	Result     string  `json:"result" enum:"ok,failed,skipped"`
	DurationMS float64 `json:"duration_ms"`
	Detail     string  `json:"detail,omitempty" doc:"What was found: the mirror reached, counts, the landing host and extractor"`
	Reason     string  `json:"reason,omitempty" doc:"For a failure: the exact error (challenge kind and host, HTTP status, the pattern that did not match)"`
}

// Report is the result of a run.
type Report struct {
	OK         bool      `json:"ok" doc:"Every step passed"`
	Started    time.Time `json:"started"`
	DurationMS float64   `json:"duration_ms"`
	Steps      []Step    `json:"steps"`
}

// Failures returns the failed steps.
func (r Report) Failures() []Step {
	var out []Step
	for _, s := range r.Steps {
		if s.Result == Failed {
			out = append(out, s)
		}
	}
	return out
}

// Run checks every site in turn.
func Run(ctx context.Context, sites []Site, o Options) Report {
	if o.StepTimeout <= 0 {
		o.StepTimeout = 45 * time.Second
	}
	if o.MediaBytes <= 0 {
		o.MediaBytes = 4 << 10
	}
	if o.Doer == nil {
		o.Doer = http.DefaultClient
	}
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	rep := Report{Started: time.Now().UTC()}
	start := time.Now()
	for _, s := range sites {
		r := &run{o: o, site: s, rep: &rep}
		r.check(ctx)
	}
	rep.DurationMS = ms(time.Since(start))
	rep.OK = len(rep.Steps) > 0 && len(rep.Failures()) == 0
	return rep
}

// run is one site's check.
type run struct {
	o    Options
	site Site
	rep  *Report
}

// step times fn within the step timeout and appends its row; it answers
// whether the step passed.
func (r *run) step(ctx context.Context, hosterName, name string, fn func(ctx context.Context) (string, error)) bool {
	sctx, cancel := context.WithTimeout(ctx, r.o.StepTimeout)
	defer cancel()
	start := time.Now()
	detail, err := fn(sctx)
	r.add(hosterName, name, time.Since(start), detail, err)
	return err == nil
}

func (r *run) add(hosterName, name string, d time.Duration, detail string, err error) {
	s := Step{Site: r.site.Provider.Site(), Hoster: hosterName, Step: name, Result: OK, DurationMS: ms(d), Detail: detail}
	if err != nil {
		s.Result, s.Reason = Failed, err.Error()
	}
	r.rep.Steps = append(r.rep.Steps, s)
}

func (r *run) skip(hosterName, name, why string) {
	r.rep.Steps = append(r.rep.Steps, Step{Site: r.site.Provider.Site(), Hoster: hosterName, Step: name, Result: Skipped, Detail: why})
}

func (r *run) check(ctx context.Context) {
	p, pr := r.site.Provider, r.site.Probe
	if !r.step(ctx, "", StepReach, r.reach) {
		for _, n := range []string{StepSearch, StepSeries, StepSeason, StepEpisode} {
			r.skip("", n, "site not reached")
		}
		return
	}
	r.step(ctx, "", StepSearch, r.search)
	r.step(ctx, "", StepSeries, func(ctx context.Context) (string, error) {
		d, err := p.Series(provider.WithFreshData(ctx), pr.Key)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%q, %d seasons", d.Title, len(d.Seasons)), nil
	})
	r.step(ctx, "", StepSeason, func(ctx context.Context) (string, error) {
		ss, err := p.Seasons(provider.WithFreshData(ctx), pr.Key)
		if err != nil {
			return "", err
		}
		for _, s := range ss {
			if s.Number == pr.Season {
				if len(s.Episodes) == 0 {
					return "", fmt.Errorf("season %d lists no episodes", pr.Season)
				}
				return fmt.Sprintf("season %d: %d episodes", pr.Season, len(s.Episodes)), nil
			}
		}
		return "", fmt.Errorf("season %d not among %d seasons", pr.Season, len(ss))
	})
	var ep provider.EpisodeLinks
	if !r.step(ctx, "", StepEpisode, func(ctx context.Context) (string, error) {
		var err error
		ep, err = p.Episode(provider.WithFreshData(ctx), pr.Key, pr.Season, pr.Episode)
		if err != nil {
			return "", err
		}
		if len(ep.Links) == 0 {
			return "", fmt.Errorf("S%02dE%02d: no hoster links", pr.Season, pr.Episode)
		}
		return fmt.Sprintf("S%02dE%02d: %d links, languages %v", pr.Season, pr.Episode, len(ep.Links), ep.Languages), nil
	}) {
		return
	}
	r.hosters(ctx, firstPerHoster(ep.Links))
}

// hosters checks the links Parallel at a time and appends their steps in
// page order.
func (r *run) hosters(ctx context.Context, links []provider.HosterLink) {
	rows := make([][]Step, len(links))
	sem := make(chan struct{}, r.o.Parallel)
	var wg sync.WaitGroup
	for i, link := range links {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			sub := &run{o: r.o, site: r.site, rep: &Report{}}
			sub.hoster(ctx, link)
			rows[i] = sub.rep.Steps
		})
	}
	wg.Wait()
	for _, rs := range rows {
		r.rep.Steps = append(r.rep.Steps, rs...)
	}
}

// search runs the probe's query; it passes with at least one result.
func (r *run) search(ctx context.Context) (string, error) {
	pr := r.site.Probe
	res, err := r.site.Provider.Search(ctx, pr.Query)
	if err != nil {
		return "", err
	}
	if len(res) == 0 {
		return "", fmt.Errorf("search %q: no results", pr.Query)
	}
	for _, x := range res {
		if x.Key == pr.Key {
			return fmt.Sprintf("%d results for %q, %q among them", len(res), pr.Query, pr.Key), nil
		}
	}
	return fmt.Sprintf("%d results for %q (%q not among them)", len(res), pr.Query, pr.Key), nil
}

// firstPerHoster keeps each label's first link, in page order.
func firstPerHoster(links []provider.HosterLink) []provider.HosterLink {
	seen := map[string]bool{}
	var out []provider.HosterLink
	for _, l := range links {
		if !seen[l.Hoster] {
			seen[l.Hoster] = true
			out = append(out, l)
		}
	}
	return out
}

// reach GETs the site's origin (through its mirrors when the client has
// them); any answer that is not a challenge or a server error counts. The
// detail names the mirror that answered and the DNS resolver.
func (r *run) reach(ctx context.Context) (string, error) {
	u, err := url.Parse(r.site.Provider.SeriesURL(r.site.Probe.Key))
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%w: site url %q", anime.ErrInvalid, r.site.Provider.SeriesURL(r.site.Probe.Key))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.Scheme+"://"+u.Host+"/", nil)
	if err != nil {
		return "", err
	}
	var resp *http.Response
	ms, mirrored := r.site.Provider.(MirroredSite)
	if mirrored && ms.Mirrors() != nil {
		resp, err = ms.Mirrors().Do(r.o.Doer, req)
	} else {
		resp, err = r.o.Doer.Do(req)
	}
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		return "", fmt.Errorf("%s answered HTTP %d", u.Host, resp.StatusCode)
	}
	final := u.Host
	if resp.Request != nil && resp.Request.URL != nil {
		final = resp.Request.URL.Host
	}
	detail := fmt.Sprintf("%s answered HTTP %d", final, resp.StatusCode)
	if mirrored && ms.Mirrors() != nil {
		st := ms.Mirrors().Status()
		detail += fmt.Sprintf("; mirror %s (%d known)", st.Active, len(st.Mirrors))
		if st.LastError != "" {
			detail += "; last mirror failure: " + st.LastError
		}
	}
	if r.o.Resolver != "" {
		detail += "; DNS: " + r.o.Resolver
	}
	return detail, nil
}

// hoster checks one link: redirect, extraction, media.
func (r *run) hoster(ctx context.Context, link provider.HosterLink) {
	sctx, cancel := context.WithTimeout(ctx, r.o.StepTimeout)
	lctx, tr := provider.WithLinkTrace(sctx)
	st, err := r.site.Provider.ResolveLink(lctx, link)
	cancel()
	label := link.Hoster
	switch {
	case tr.FailedStep == provider.StepRedirect:
		r.add(label, StepRedirect, tr.Redirect, "", err)
		r.skip(label, StepExtraction, "redirect failed")
		r.skip(label, StepMedia, "redirect failed")
		return
	case tr.Host == "" && err != nil: // failed before the redirect (no extractors)
		r.add(label, StepRedirect, tr.Redirect, "", err)
		r.skip(label, StepExtraction, "redirect failed")
		r.skip(label, StepMedia, "redirect failed")
		return
	}
	r.add(label, StepRedirect, tr.Redirect, "→ "+tr.Host, nil)
	detail := extractionDetail(tr, st)
	r.add(label, StepExtraction, tr.Extract, detail, err)
	if err != nil {
		r.skip(label, StepMedia, "extraction failed")
		return
	}
	r.step(ctx, label, StepMedia, func(ctx context.Context) (string, error) { return firstBytes(ctx, r.o.Doer, st, r.o.MediaBytes) })
}

func extractionDetail(tr *provider.LinkTrace, st anime.Stream) string {
	x := tr.Extractor
	if x == "" {
		x = "no extractor"
	}
	d := fmt.Sprintf("%s (chosen by %s)", x, tr.Via)
	if tr.Fallback != "" {
		d += ", fallback " + tr.Fallback
	}
	if st.URL != "" {
		d += fmt.Sprintf(", %s stream", st.Kind)
	}
	if tr.Note != "" { // "VOE: extractor failed (…), browser fallback OK": the extractor is broken
		d += "; " + tr.Note
	}
	return d
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// DefaultProbes are the episodes checked on the real sites when nothing
// else is named: long-running shows whose first episode stays online.
var DefaultProbes = map[string]Probe{
	"aniworld.to": {Query: "Naruto", Key: "naruto", Season: 1, Episode: 1},
	"s.to":        {Query: "Breaking Bad", Key: "breaking-bad", Season: 1, Episode: 1},
}

// ProbeFor returns DefaultProbes[site] (S01E01 of nothing for an
// unknown site) with override's set fields: Key and Query when not empty
// (a new Key is also the query unless one is given), Season when >= 0
// (-1 = not set), Episode when > 0.
func ProbeFor(site string, override Probe) Probe {
	p, ok := DefaultProbes[site]
	if !ok {
		p = Probe{Season: 1, Episode: 1}
	}
	if override.Key != "" {
		p.Key, p.Query = override.Key, override.Key
	}
	if override.Query != "" {
		p.Query = override.Query
	}
	if override.Season >= 0 {
		p.Season = override.Season
	}
	if override.Episode > 0 {
		p.Episode = override.Episode
	}
	return p
}
