// Package sonarr answers the part of Sonarr's v3 API that Jellyseerr and
// Overseerr use, so a household can add aniworld in Seerr as a "Sonarr
// server": a request becomes a library series here, monitored in the
// requested seasons and the profile's languages, and Seerr sees progress
// (/queue) and availability (/series statistics). It is one more edge
// beside package api, with its own route table (routes.go) and its own
// API key. See README.md.
package sonarr

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/metadata/tmdb"
	"github.com/aniworld/aniworld/internal/monitor"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/store"
)

// Library is what the surface needs of the library and the sites.
type Library interface {
	// Search finds series on every site by title.
	Search(ctx context.Context, query string) ([]library.Candidate, error)
	// Episodes answers the episode numbers per season a site lists.
	Episodes(ctx context.Context, site, key string) (map[int][]int, error)
	// Add puts a site series into the library (folder, marker, scan).
	Add(ctx context.Context, link, name string) (library.AddResult, error)
	// SeriesDir answers a library series and its folder.
	SeriesDir(ctx context.Context, key string) (anime.Series, string, error)
	// Directory is the anime directory.
	Directory() string
	// Remove takes a series out of the library and deletes its folder.
	Remove(ctx context.Context, key string) error
}

// Monitor is the per-series monitoring (package monitor).
type Monitor interface {
	Get(ctx context.Context, key string) (monitor.Settings, monitor.RefreshState, error)
	Set(ctx context.Context, key string, s monitor.Settings) (monitor.Settings, monitor.RefreshState, error)
	Refresh(ctx context.Context, key string) (monitor.RefreshResult, error)
}

// Queue is the download queue.
type Queue interface {
	Status(ctx context.Context) (queue.QueueStatus, error)
	State() (running, paused bool)
	Start(ctx context.Context) error
	// Remove takes an item out of the queue (an active download is
	// cancelled and its partial data deleted).
	Remove(ctx context.Context, id string) error
}

// Finder turns a TVDB id into TMDB shows (TMDB's /find); it answers
// anime.ErrUnavailable when no TMDB key is configured.
type Finder func(ctx context.Context, tvdbID int) ([]tmdb.SearchResult, error)

// Keys checks and rotates the API key.
type Keys interface {
	Get() (string, error)
	Rotate() (string, error)
	Check(key string) bool
}

// Options configures a Service. Store, Library, Monitor, Queue and Keys
// are required.
type Options struct {
	Store   *store.DB
	Library Library
	Monitor Monitor
	Queue   Queue
	Keys    Keys
	Find    Finder // nil: TVDB ids resolve only through known series
	// DiskUsage answers free and total bytes of the file system holding
	// path (root folders).
	DiskUsage func(ctx context.Context, path string) (free, total uint64, err error)
	Version   string
	Name      string // instanceName
	Now       func() time.Time
	StartedAt time.Time
	Logger    *slog.Logger
}

// Service is the Sonarr surface's logic. Safe for concurrent use.
type Service struct {
	o   Options
	log *slog.Logger
	// adding serialises POST /series and assignments, so one request
	// cannot add a series twice.
	adding sync.Mutex
	// cmdMu guards the command counter and the pending searches.
	cmdMu   sync.Mutex
	cmdSeq  int64
	pending map[string]bool
	order   []string
	wake    chan struct{}
}

// New checks the options.
func New(o Options) (*Service, error) {
	if o.Store == nil || o.Library == nil || o.Monitor == nil || o.Queue == nil || o.Keys == nil {
		return nil, errors.New("sonarr: store, library, monitor, queue and keys are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.StartedAt.IsZero() {
		o.StartedAt = o.Now()
	}
	return &Service{o: o, log: o.Logger, pending: map[string]bool{}, wake: make(chan struct{}, 1)}, nil
}

// FollowedSeasons answers which seasons of a series the monitor should
// queue episodes of: nil (all) for a series Seerr does not manage; for the
// others each season's monitored flag, or monitorNewItems for seasons
// Seerr never named.
func (s *Service) FollowedSeasons(ctx context.Context, key string) func(season int) bool {
	m, err := s.o.Store.SonarrSeriesByKey(ctx, key)
	if err != nil {
		return nil
	}
	return func(season int) bool { return seasonMonitored(m, season) }
}

func seasonMonitored(m store.SonarrSeries, season int) bool {
	if !m.Monitored {
		return false
	}
	if v, ok := m.Seasons[season]; ok {
		return v
	}
	return m.MonitorNewItems != "none" && season > 0
}
