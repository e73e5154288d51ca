package monitor

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/attempt"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/store"
)

// Catalog lists a series' seasons as the site shows them now. active
// names the seasons where episodes or languages may still appear (read
// them fresh); the others may come from a cache.
type Catalog interface {
	Seasons(ctx context.Context, site, key string, active func(season int) bool) ([]provider.Season, error)
}

// EnqueueFunc adds episodes of a series to the download queue.
type EnqueueFunc func(ctx context.Context, s anime.Series, eps []anime.EpisodeRef) error

// EventKind names what the monitor reports.
type EventKind string

// Event kinds.
const (
	EventFound         EventKind = "found"          // a new episode on the site
	EventLanguage      EventKind = "language"       // a new language of a known episode
	EventQueued        EventKind = "queued"         // an episode was queued
	EventRefreshFailed EventKind = "refresh_failed" // the site could not be read
	EventRefreshOK     EventKind = "refresh_ok"     // a refresh succeeded
)

// Event is one thing the monitor noticed.
type Event struct {
	Kind     EventKind
	Series   anime.Series
	Episode  anime.EpisodeRef
	Language anime.Language
	Error    string
	// Err is the refresh's error itself (EventRefreshFailed), for callers
	// that tell kinds of failure apart (a series gone from the site is no
	// outage of the site).
	Err error
}

// Defaults for Options left zero.
const (
	DefaultInterval = 6 * time.Hour
	DefaultHostGap  = 5 * time.Second
	// HistoryDays is how long the history (calendar) is kept.
	HistoryDays = 30
	// ActiveWindow: a season with an episode first seen this recently is
	// read fresh (a dub or the next episode may follow).
	ActiveWindow = 60 * 24 * time.Hour
	// RequeueAfter is how long the monitor waits before queueing the same
	// episode in the same language again (after a failed download).
	RequeueAfter = 24 * time.Hour
)

// Options configures a Service. Store, Catalog and Enqueue are required.
type Options struct {
	Store   *store.DB
	Catalog Catalog
	Enqueue EnqueueFunc
	// Languages is the global download.language_order (live).
	Languages func() []anime.Language
	// Interval is the refresh interval per series (live); DefaultInterval
	// when nil or zero.
	Interval func() time.Duration
	// HostGap is the least time between two refreshes on one host (live);
	// DefaultHostGap when nil, none when it answers 0.
	HostGap func() time.Duration
	// Enabled switches the background refreshes (live); on when nil.
	// Refresh (the "refresh now" action) works either way.
	Enabled func() bool
	// HostOf maps a series' site name to the host that serves it (for the
	// per-host gap); the site name itself when nil.
	HostOf func(site string) string
	// Seasons, when set, narrows a monitored series to some seasons: it
	// answers, once per refresh, which seasons of the series are followed
	// (nil: all); an episode of another season is never queued. A Seerr
	// request names the seasons it wants.
	Seasons func(ctx context.Context, key string) (follows func(season int) bool)
	// OnEvent receives what the monitor noticed (notifications, health).
	OnEvent func(ctx context.Context, e Event)
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Sleep waits d or until ctx ends; a real timer when nil.
	Sleep  func(ctx context.Context, d time.Duration) error
	Logger *slog.Logger
}

// Service is the monitor. Its methods are safe for concurrent use.
type Service struct {
	o    Options
	log  *slog.Logger
	mu   sync.Mutex // one refresh of a series at a time
	busy map[string]bool
	poke chan struct{}
}

// New checks the options and builds the service.
func New(o Options) (*Service, error) {
	if o.Store == nil || o.Catalog == nil || o.Enqueue == nil {
		return nil, errors.New("monitor: store, catalog and enqueue are required")
	}
	if o.Languages == nil {
		o.Languages = func() []anime.Language { return nil }
	}
	if o.HostGap == nil {
		o.HostGap = func() time.Duration { return DefaultHostGap }
	}
	if o.Enabled == nil {
		o.Enabled = func() bool { return true }
	}
	if o.HostOf == nil {
		o.HostOf = func(site string) string { return site }
	}
	if o.OnEvent == nil {
		o.OnEvent = func(context.Context, Event) {}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = attempt.Sleep
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{o: o, log: o.Logger, busy: map[string]bool{}, poke: make(chan struct{}, 1)}, nil
}

func (s *Service) now() time.Time { return s.o.Now().UTC() }

func (s *Service) interval() time.Duration {
	if s.o.Interval != nil {
		if d := s.o.Interval(); d > 0 {
			return d
		}
	}
	return DefaultInterval
}

// spread is a stable offset in [0, window) for a series, so refreshes of
// many series do not all fall on the same minute.
func spread(key string, window time.Duration) time.Duration {
	if window <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return time.Duration(h.Sum64() % uint64(window))
}

// nextSlot is a series' next refresh after one at now: each series has a
// fixed phase in the interval (spread by key), so the refreshes of many
// series spread over the whole interval however they were switched on
// (a bulk edit switches on hundreds at once). Once a series is on its
// phase, refreshes are exactly one interval apart; the step onto it (after
// the first refresh, or an interval change) is between half and one and a
// half intervals.
func nextSlot(key string, now time.Time, interval time.Duration) time.Time {
	t := now.Truncate(interval).Add(spread(key, interval))
	for !t.After(now.Add(interval / 2)) {
		t = t.Add(interval)
	}
	return t
}

// RefreshState is a series' refresh state.
type RefreshState struct {
	MonitoredSince *time.Time `json:"monitored_since,omitempty"`
	LastRefresh    *time.Time `json:"last_refresh,omitempty"`
	NextRefresh    *time.Time `json:"next_refresh,omitempty"`
	LastError      string     `json:"last_error,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func fromRow(r store.MonitorRow) (Settings, RefreshState) {
	langs := r.Languages
	if langs == nil {
		langs = []string{}
	}
	st := Settings{Mode: Mode(r.Mode), Languages: langs, FallbackDays: r.FallbackDays, Movies: r.Movies, Specials: r.Specials, Upgrade: r.Upgrade}
	return st, RefreshState{MonitoredSince: timePtr(r.MonitoredSince), LastRefresh: timePtr(r.LastRefresh), NextRefresh: timePtr(r.NextRefresh), LastError: r.LastError}
}

// Get answers a series' settings and refresh state (Default for a series
// never configured); anime.ErrNotFound for a series not in the library.
func (s *Service) Get(ctx context.Context, key string) (Settings, RefreshState, error) {
	r, err := s.o.Store.MonitorSettings(ctx, key)
	if errors.Is(err, anime.ErrNotFound) {
		if _, err := s.o.Store.SeriesByKey(ctx, key); err != nil {
			return Settings{}, RefreshState{}, err
		}
		return Default(), RefreshState{}, nil
	}
	if err != nil {
		return Settings{}, RefreshState{}, err
	}
	st, status := fromRow(r)
	return st, status, nil
}

// Set stores a series' settings. A series that becomes monitored gets its
// first refresh soon (spread over a few minutes); anime.ErrNotFound for a
// series not in the library, anime.ErrInvalid for bad settings.
func (s *Service) Set(ctx context.Context, key string, in Settings) (Settings, RefreshState, error) {
	in, err := in.Normalize()
	if err != nil {
		return Settings{}, RefreshState{}, err
	}
	now := s.now()
	row, err := s.o.Store.MonitorSettings(ctx, key)
	switch {
	case errors.Is(err, anime.ErrNotFound):
		row = store.MonitorRow{Key: key, Mode: string(ModeNone)}
	case err != nil:
		return Settings{}, RefreshState{}, err
	}
	if in.Monitored() && !Mode(row.Mode).monitored() {
		row.MonitoredSince = now
		row.NextRefresh = now.Add(spread(key, min(s.interval(), 5*time.Minute)))
	}
	if !in.Monitored() {
		row.NextRefresh = time.Time{}
	}
	if row.MonitoredSince.IsZero() {
		row.MonitoredSince = now
	}
	row.Mode, row.Languages, row.FallbackDays = string(in.Mode), in.Languages, in.FallbackDays
	row.Movies, row.Specials, row.Upgrade = in.Movies, in.Specials, in.Upgrade
	if err := s.o.Store.SaveMonitorSettings(ctx, row); err != nil {
		return Settings{}, RefreshState{}, err
	}
	s.wake()
	st, status := fromRow(row)
	return st, status, nil
}

func (m Mode) monitored() bool { return m == ModeAll || m == ModeFuture }

// Patch changes some settings of many series at once (bulk edit from the
// library); a nil field keeps each series' value.
type Patch struct {
	Mode         *Mode     `json:"mode,omitempty" enum:"all,future,none" doc:"New mode"`
	Languages    *[]string `json:"languages,omitempty" maxItems:"4" doc:"New wanted languages ([] clears: the global order applies)"`
	FallbackDays *int      `json:"fallback_days,omitempty" minimum:"0" maximum:"365" doc:"New fallback delay in days"`
	Movies       *bool     `json:"movies,omitempty"`
	Specials     *bool     `json:"specials,omitempty"`
	Upgrade      *bool     `json:"upgrade,omitempty"`
}

// Apply answers cur with the patch's fields set.
func (p Patch) Apply(cur Settings) Settings {
	if p.Mode != nil {
		cur.Mode = *p.Mode
	}
	if p.Languages != nil {
		cur.Languages = *p.Languages
	}
	if p.FallbackDays != nil {
		cur.FallbackDays = *p.FallbackDays
	}
	if p.Movies != nil {
		cur.Movies = *p.Movies
	}
	if p.Specials != nil {
		cur.Specials = *p.Specials
	}
	if p.Upgrade != nil {
		cur.Upgrade = *p.Upgrade
	}
	return cur
}

// Bulk applies a patch to every named series; it checks the patch on the
// first series before changing any, and answers the keys it changed and
// the ones it could not (not in the library).
func (s *Service) Bulk(ctx context.Context, keys []string, p Patch) (changed []string, failed map[string]string, err error) {
	if _, err := p.Apply(Default()).Normalize(); err != nil {
		return nil, nil, err
	}
	failed = map[string]string{}
	for _, k := range keys {
		cur, _, err := s.Get(ctx, k)
		if err == nil {
			_, _, err = s.Set(ctx, k, p.Apply(cur))
		}
		if err != nil {
			if errors.Is(err, anime.ErrNotFound) {
				failed[k] = "not in the library"
				continue
			}
			return changed, failed, err
		}
		changed = append(changed, k)
	}
	return changed, failed, nil
}

// Upcoming lists the monitored series with their next refresh, soonest first.
func (s *Service) Upcoming(ctx context.Context) ([]Scheduled, error) {
	rows, err := s.o.Store.MonitorRows(ctx)
	if err != nil {
		return nil, err
	}
	var out []Scheduled
	for _, r := range rows {
		if !Mode(r.Mode).monitored() || r.NextRefresh.IsZero() {
			continue
		}
		name := r.Key
		if sr, err := s.o.Store.SeriesByKey(ctx, r.Key); err == nil {
			name = sr.Series.Name
		}
		out = append(out, Scheduled{Key: r.Key, Name: name, At: r.NextRefresh})
	}
	return out, nil
}

// Scheduled is a refresh the monitor will run.
type Scheduled struct {
	Key  string    `json:"key"`
	Name string    `json:"name"`
	At   time.Time `json:"at"`
}

// History lists what was found, queued and downloaded since a time.
func (s *Service) History(ctx context.Context, since time.Time) ([]store.HistoryEntry, error) {
	return s.o.Store.MonitorHistory(ctx, since)
}

func (s *Service) wake() {
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

var errBusy = fmt.Errorf("%w: a refresh of this series is running", anime.ErrConflict)
