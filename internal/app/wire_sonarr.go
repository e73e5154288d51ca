package app

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/shirou/gopsutil/v4/disk"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/auth"
	"github.com/aniworld/aniworld/internal/calendar"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/metadata/tmdb"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/sonarr"
	"github.com/aniworld/aniworld/internal/version"
)

// sonarrRateLimit is how many requests one client may make to the Sonarr
// surface per minute; Seerr's syncs need a few per run.
const sonarrRateLimit = 300

// adder adds a series to the library with the product's hooks (NFO,
// "series added" notification).
type adder interface {
	Add(ctx context.Context, link, name string) (library.AddResult, error)
}

// wireSonarr builds the Sonarr v3 surface for Jellyseerr/Overseerr: its
// key, its routes (own table, own key, own rate limit and error shapes),
// the settings routes, its search worker, and the season filter it puts
// on the monitor.
func (a *App) wireSonarr(cfg config.AppConfig, deps *api.Deps, p *providers, lib *library.Service, add adder, am *automation, q *queue.Service) error {
	tmdbHTTP := httpclient.New(httpclient.Options{RateLimit: httpclient.RateLimit{PerSecond: 30, Burst: 40}, Logger: a.log.With("component", "tmdb")})
	svc, err := sonarr.New(sonarr.Options{
		Store: a.db, Monitor: am.mon, Queue: q,
		Library: sonarrLibrary{catalog: catalog{reg: p.reg}, add: add, lib: lib, db: a.db},
		Keys:    calendar.NewTokens(filepath.Join(cfg.DataDir, "seerr_api_key")),
		Find: func(ctx context.Context, tvdbID int) ([]tmdb.SearchResult, error) {
			c := a.cfg.Get().NFO
			if c.TMDBAPIKey == "" {
				return nil, fmt.Errorf("%w: no TMDB key configured", anime.ErrUnavailable)
			}
			tc, err := tmdb.New(tmdb.Options{APIURL: c.TMDBAPIURL, ImageURL: c.TMDBImageURL, APIKey: c.TMDBAPIKey, Language: c.Language, HTTP: tmdbHTTP})
			if err != nil {
				return nil, err
			}
			return tc.FindTVDB(ctx, tvdbID)
		},
		DiskUsage: func(ctx context.Context, path string) (uint64, uint64, error) {
			u, err := disk.UsageWithContext(ctx, path)
			if err != nil {
				return 0, 0, err
			}
			return u.Free, u.Total, nil
		},
		Version: version.Version, Name: cfg.Name, Now: a.automationClock(), StartedAt: a.startedAt,
		Logger: a.log.With("component", "sonarr"),
	})
	if err != nil {
		return err
	}
	am.seasons = svc.FollowedSeasons
	a.background = append(a.background, svc.Run)
	trusted, _ := auth.ParseTrustedProxies(cfg.Security.TrustedProxies) // checked by wireAuth
	limiter := auth.NewLimiter(sonarrRateLimit, time.Minute, auth.DefaultMaxKeys)
	deps.Outer = append(deps.Outer, auth.RateLimitMiddleware([]auth.LimitRule{{Name: auth.RuleSonarr, Declared: true,
		Key: func(r *http.Request) string { return auth.ClientIP(r, trusted) }, Limiter: limiter}},
		func(w http.ResponseWriter, _ *http.Request, _ auth.Decision) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"message":"Too many requests"}`))
		}))
	deps.Services.Sonarr = svc
	return nil
}

// sonarrLibrary adapts the library and the sites to the Sonarr surface.
type sonarrLibrary struct {
	catalog
	add adder
	lib *library.Service
	db  interface {
		DeleteSeries(ctx context.Context, key string) error
	}
}

func (l sonarrLibrary) Add(ctx context.Context, link, name string) (library.AddResult, error) {
	return l.add.Add(ctx, link, name)
}

func (l sonarrLibrary) SeriesDir(ctx context.Context, key string) (anime.Series, string, error) {
	return l.lib.SeriesDir(ctx, key)
}

func (l sonarrLibrary) Directory() string { return l.lib.Directory() }

// Remove deletes a series' folder (only inside the anime directory) and
// its library entry.
func (l sonarrLibrary) Remove(ctx context.Context, key string) error {
	_, dir, err := l.lib.SeriesDir(ctx, key)
	if err != nil {
		return err
	}
	root := l.lib.Directory()
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") || filepath.IsAbs(rel) {
		return fmt.Errorf("%w: series folder %q is not inside the anime directory", anime.ErrInvalid, dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("delete series folder: %w", err)
	}
	return l.db.DeleteSeries(ctx, key)
}
