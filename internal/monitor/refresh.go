package monitor

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/store"
)

// RefreshResult is what one refresh of a series found and did.
type RefreshResult struct {
	Key          string             `json:"key"`
	NewEpisodes  []anime.EpisodeRef `json:"new_episodes"`
	NewLanguages int                `json:"new_languages"`
	Queued       []QueuedEpisode    `json:"queued"`
}

// QueuedEpisode is one episode the refresh queued.
type QueuedEpisode struct {
	Season   int            `json:"season"`
	Episode  int            `json:"episode"`
	Language anime.Language `json:"language"`
	Upgrade  bool           `json:"upgrade,omitempty"`
}

// Refresh reads a series from its site, records new episodes and
// languages, and queues what matches the series' wishes. It runs for any
// series in the library (a manual "refresh now"); only monitored series
// get anything queued.
func (s *Service) Refresh(ctx context.Context, key string) (RefreshResult, error) {
	s.mu.Lock()
	if s.busy[key] {
		s.mu.Unlock()
		return RefreshResult{}, errBusy
	}
	s.busy[key] = true
	s.mu.Unlock()
	defer func() { s.mu.Lock(); delete(s.busy, key); s.mu.Unlock() }()

	rec, err := s.o.Store.SeriesByKey(ctx, key)
	if err != nil {
		return RefreshResult{}, err
	}
	settings, state, err := s.Get(ctx, key)
	if err != nil {
		return RefreshResult{}, err
	}
	known, err := s.o.Store.MonitorEpisodes(ctx, key)
	if err != nil {
		return RefreshResult{}, err
	}
	r := &refreshRun{key: key, series: rec.Series, now: s.now(), first: len(known) == 0,
		res: RefreshResult{Key: key, NewEpisodes: []anime.EpisodeRef{}, Queued: []QueuedEpisode{}}}
	seasons, err := s.o.Catalog.Seasons(ctx, r.series.Site, key, s.activeSeasons(settings, known, r.now))
	if err != nil {
		if ctx.Err() == nil {
			s.recordRefresh(ctx, key, settings, r.now, err.Error())
			s.o.OnEvent(ctx, Event{Kind: EventRefreshFailed, Series: r.series, Error: err.Error(), Err: err})
		}
		return RefreshResult{}, err
	}
	byRef := make(map[[2]int]*store.MonitorEpisode, len(known))
	for i := range known {
		byRef[[2]int{known[i].Season, known[i].Episode}] = &known[i]
	}
	r.observe(seasons, byRef)
	var since time.Time
	if state.MonitoredSince != nil {
		since = *state.MonitoredSince
	}
	queued, refs, err := s.wanted(ctx, r.series, settings, since, byRef, r.now)
	if err != nil {
		return r.res, err
	}
	if err := s.queueWanted(ctx, r, byRef, queued, refs); err != nil {
		if errors.As(err, new(enqueueError)) {
			return RefreshResult{}, err
		}
		return r.res, err
	}
	if len(r.history) > 0 {
		if err := s.o.Store.AddMonitorHistory(ctx, r.history, r.now.AddDate(0, 0, -HistoryDays)); err != nil {
			return r.res, err
		}
	}
	s.recordRefresh(ctx, key, settings, r.now, "")
	for _, e := range r.events {
		s.o.OnEvent(ctx, e)
	}
	s.o.OnEvent(ctx, Event{Kind: EventRefreshOK, Series: r.series})
	return r.res, nil
}

// enqueueError is a failure of the queue itself: the refresh reports no
// result, since nothing it decided was queued.
type enqueueError struct{ err error }

func (e enqueueError) Error() string { return e.err.Error() }
func (e enqueueError) Unwrap() error { return e.err }

// queueWanted records the queued language of each wanted episode, then
// hands refs to the queue; when the queue refuses them, the records are
// put back as they were.
func (s *Service) queueWanted(ctx context.Context, r *refreshRun, byRef map[[2]int]*store.MonitorEpisode,
	queued []QueuedEpisode, refs []anime.EpisodeRef) error {
	key := r.key
	// The queued language is stored before the queue sees the episode: a
	// worker may resolve it at once and asks WantedLanguages.
	type mark struct {
		lang string
		at   time.Time
	}
	before := map[[2]int]mark{}
	for _, q := range queued {
		r.res.Queued = append(r.res.Queued, q)
		e := byRef[[2]int{q.Season, q.Episode}]
		before[[2]int{q.Season, q.Episode}] = mark{e.QueuedLanguage, e.QueuedAt}
		e.QueuedLanguage, e.QueuedAt = q.Language.String(), r.now
		r.changed = append(r.changed, *e)
		r.hist("queued", *e, q.Language.String())
	}
	if err := s.o.Store.SaveMonitorEpisodes(ctx, key, r.changed); err != nil {
		return err
	}
	if len(refs) > 0 {
		if err := s.o.Enqueue(ctx, r.series, refs); err != nil {
			var undo []store.MonitorEpisode
			for ref, m := range before {
				e := byRef[ref]
				e.QueuedLanguage, e.QueuedAt = m.lang, m.at
				undo = append(undo, *e)
			}
			_ = s.o.Store.SaveMonitorEpisodes(context.WithoutCancel(ctx), key, undo)
			return enqueueError{err}
		}
	}
	return nil
}

// activeSeasons names the seasons with an episode first seen within
// ActiveWindow (or the fallback's whole wait, when longer).
func (s *Service) activeSeasons(st Settings, known []store.MonitorEpisode, now time.Time) func(int) bool {
	window := max(ActiveWindow, time.Duration(st.FallbackDays*len(st.languages(s.o.Languages())))*24*time.Hour)
	active := map[int]bool{}
	for _, e := range known {
		if now.Sub(e.FirstSeen) < window {
			active[e.Season] = true
		}
	}
	return func(n int) bool { return active[n] }
}

// refreshRun collects what one refresh found and will write.
type refreshRun struct {
	key     string
	series  anime.Series
	now     time.Time
	first   bool // nothing known yet: everything seen is baseline
	res     RefreshResult
	changed []store.MonitorEpisode
	history []store.HistoryEntry
	events  []Event
}

func (r *refreshRun) hist(kind string, e store.MonitorEpisode, lang string) {
	r.history = append(r.history, store.HistoryEntry{At: r.now, Kind: kind, SeriesKey: r.key, SeriesName: r.series.Name,
		Season: e.Season, Episode: e.Episode, Title: e.Title, Language: lang})
}

// observe records new episodes and languages of the site's seasons in
// byRef (adding entries), and notes what changed.
func (r *refreshRun) observe(seasons []provider.Season, byRef map[[2]int]*store.MonitorEpisode) {
	for _, season := range seasons {
		for _, info := range season.Episodes {
			ref := [2]int{season.Number, info.Number}
			e, known := byRef[ref]
			dirty := false
			if !known {
				e = &store.MonitorEpisode{Season: season.Number, Episode: info.Number, Title: info.Title(),
					FirstSeen: r.now, Baseline: r.first, Languages: map[string]time.Time{}}
				byRef[ref] = e
				dirty = true
				if !r.first {
					ep := anime.EpisodeRef{Season: e.Season, Episode: e.Episode, Title: e.Title}
					r.res.NewEpisodes = append(r.res.NewEpisodes, ep)
					r.hist("found", *e, "")
					r.events = append(r.events, Event{Kind: EventFound, Series: r.series, Episode: ep})
				}
			}
			if t := info.Title(); t != "" && t != e.Title {
				e.Title, dirty = t, true
			}
			for _, l := range info.Languages {
				if _, seen := e.Languages[l.String()]; seen || !l.Valid() {
					continue
				}
				e.Languages[l.String()] = r.now
				dirty = true
				if known && !r.first {
					r.res.NewLanguages++
					r.hist("language", *e, l.String())
					r.events = append(r.events, Event{Kind: EventLanguage, Series: r.series,
						Episode: anime.EpisodeRef{Season: e.Season, Episode: e.Episode, Title: e.Title}, Language: l})
				}
			}
			if dirty {
				r.changed = append(r.changed, *e)
			}
		}
	}
}

// recordRefresh stores when the refresh ran and plans the next one.
func (s *Service) recordRefresh(ctx context.Context, key string, st Settings, now time.Time, errText string) {
	var next time.Time
	if st.Monitored() {
		next = nextSlot(key, now, s.interval())
	}
	if err := s.o.Store.SetMonitorRefresh(ctx, key, now, next, errText); err != nil {
		s.log.Warn("record refresh", "key", key, "error", err)
	}
}

// wanted decides per episode what to queue now. Episodes seen before
// monitoring began (since) count as baseline, like those of the first
// refresh.
func (s *Service) wanted(ctx context.Context, series anime.Series, st Settings, since time.Time, eps map[[2]int]*store.MonitorEpisode, now time.Time) ([]QueuedEpisode, []anime.EpisodeRef, error) {
	if !st.Monitored() {
		return nil, nil, nil
	}
	files, err := s.o.Store.SeriesEpisodes(ctx, series.Key)
	if err != nil {
		return nil, nil, err
	}
	onDisk := map[[2]int][]anime.Language{}
	for _, f := range files {
		ref := [2]int{f.Season, f.Episode}
		onDisk[ref] = append(onDisk[ref], f.Language)
	}
	global := s.o.Languages()
	var out []QueuedEpisode
	var refs []anime.EpisodeRef
	var follows func(season int) bool
	if s.o.Seasons != nil {
		follows = s.o.Seasons(ctx, series.Key)
	}
	for ref, e := range eps {
		if follows != nil && !follows(e.Season) {
			continue
		}
		ep := Episode{Ref: anime.EpisodeRef{Season: e.Season, Episode: e.Episode, Title: e.Title}, FirstSeen: e.FirstSeen,
			Baseline: e.Baseline || e.FirstSeen.Before(since), Available: map[anime.Language]time.Time{}}
		for name, t := range e.Languages {
			if l, err := anime.ParseLanguage(name); err == nil {
				ep.Available[l] = t
			}
		}
		d, ok := Decide(st, global, ep, onDisk[ref], now)
		if !ok {
			continue
		}
		if e.QueuedLanguage == d.Language.String() && now.Sub(e.QueuedAt) < RequeueAfter {
			continue // queued already; the queue retries on its own
		}
		out = append(out, QueuedEpisode{Season: e.Season, Episode: e.Episode, Language: d.Language, Upgrade: d.Upgrade})
		refs = append(refs, ep.Ref)
	}
	return out, refs, nil
}

// RunDue refreshes every monitored series whose refresh is due, one at a
// time, keeping HostGap between two refreshes on the same host. It
// answers how many it refreshed.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	rows, err := s.o.Store.MonitorRows(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now()
	lastOnHost := map[string]time.Time{}
	n := 0
	for _, r := range rows {
		if !Mode(r.Mode).monitored() {
			continue
		}
		if r.NextRefresh.IsZero() { // never planned (e.g. from an older version): spread over the interval
			r.NextRefresh = now.Add(spread(r.Key, s.interval()))
			_ = s.o.Store.SetMonitorRefresh(ctx, r.Key, r.LastRefresh, r.NextRefresh, r.LastError)
			continue
		}
		if r.NextRefresh.After(now) {
			continue
		}
		site := ""
		if rec, err := s.o.Store.SeriesByKey(ctx, r.Key); err == nil {
			site = rec.Series.Site
		}
		host := s.o.HostOf(site)
		if last, ok := lastOnHost[host]; ok {
			if wait := s.o.HostGap() - s.now().Sub(last); wait > 0 {
				if err := s.o.Sleep(ctx, wait); err != nil {
					return n, err
				}
			}
		}
		lastOnHost[host] = s.now()
		if _, err := s.Refresh(ctx, r.Key); err != nil {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			if !errors.Is(err, anime.ErrConflict) {
				s.log.Warn("monitor refresh failed", "key", r.Key, "error", err)
			}
		}
		n++
	}
	return n, nil
}

// Run refreshes due series until ctx ends: every tick, and at once after
// settings changed; nothing while Options.Enabled says no.
func (s *Service) Run(ctx context.Context, tick time.Duration) error {
	if tick <= 0 {
		tick = time.Minute
	}
	for {
		if s.o.Enabled() {
			if _, err := s.RunDue(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("monitor", "error", err)
			}
		}
		t := time.NewTimer(tick)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-s.poke:
			t.Stop()
		case <-t.C:
		}
	}
}

// WantedLanguages answers the languages a download of an episode may use
// (see Wanted); nil leaves the global order.
func (s *Service) WantedLanguages(ctx context.Context, key string, ep anime.EpisodeRef) []anime.Language {
	st, _, err := s.Get(ctx, key)
	if err != nil || !st.Monitored() {
		return nil
	}
	queued := anime.LangUnknown
	if eps, err := s.o.Store.MonitorEpisodes(ctx, key); err == nil {
		for _, e := range eps {
			if e.Season == ep.Season && e.Episode == ep.Episode && e.QueuedLanguage != "" {
				queued, _ = anime.ParseLanguage(e.QueuedLanguage)
			}
		}
	}
	return Wanted(st, s.o.Languages(), queued)
}

// Downloaded records a finished download in the history and, when the
// series upgrades and the new file is in a better-ranked language, removes
// the episode's files in worse-ranked languages (the new file is complete
// by now). dir is the series folder; path the new file.
func (s *Service) Downloaded(ctx context.Context, key, dir string, ep anime.EpisodeRef, lang anime.Language, path string) error {
	now := s.now()
	name, title := key, ep.Title
	if rec, err := s.o.Store.SeriesByKey(ctx, key); err == nil {
		name = rec.Series.Name
	}
	if eps, err := s.o.Store.MonitorEpisodes(ctx, key); err == nil && title == "" {
		for _, e := range eps {
			if e.Season == ep.Season && e.Episode == ep.Episode {
				title = e.Title
			}
		}
	}
	if err := s.o.Store.AddMonitorHistory(ctx, []store.HistoryEntry{{At: now, Kind: "downloaded", SeriesKey: key, SeriesName: name,
		Season: ep.Season, Episode: ep.Episode, Title: title, Language: lang.String()}}, now.AddDate(0, 0, -HistoryDays)); err != nil {
		return err
	}
	st, _, err := s.Get(ctx, key)
	if err != nil || !st.Monitored() || !st.Upgrade || lang == anime.LangUnknown {
		return err
	}
	order := st.languages(s.o.Languages())
	rank := func(l anime.Language) int {
		for i, o := range order {
			if o == l {
				return i
			}
		}
		return len(order)
	}
	files, err := s.o.Store.SeriesEpisodes(ctx, key)
	if err != nil {
		return err
	}
	root, _ := filepath.Abs(dir)
	for _, f := range files {
		if f.Season != ep.Season || f.Episode != ep.Episode || f.Language == anime.LangUnknown || rank(f.Language) <= rank(lang) {
			continue
		}
		old := filepath.Join(root, filepath.FromSlash(f.Path))
		if old == path || !strings.HasPrefix(old, root+string(filepath.Separator)) {
			continue
		}
		if err := os.Remove(old); err != nil && !os.IsNotExist(err) {
			s.log.Warn("remove replaced file", "key", key, "file", f.Path, "error", err)
			continue
		}
		s.log.Info("replaced by a better language", "key", key, "episode", ep.String(), "old", f.Path, "language", lang.String())
	}
	return nil
}
