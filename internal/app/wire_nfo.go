package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/metadata"
	"github.com/aniworld/aniworld/internal/metadata/tmdb"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/store"
)

// seriesLookup adapts the library to what the metadata service needs.
type seriesLookup struct {
	lib *library.Service
	db  *store.DB
}

func (l seriesLookup) Series(ctx context.Context, key string) (anime.Series, string, error) {
	return l.lib.SeriesDir(ctx, key)
}

func (l seriesLookup) List(ctx context.Context) ([]metadata.Entry, error) {
	recs, _, err := l.db.ListSeries(ctx, store.SeriesQuery{Limit: 1 << 30})
	if err != nil {
		return nil, err
	}
	root := l.lib.Directory()
	out := make([]metadata.Entry, 0, len(recs))
	for _, r := range recs {
		out = append(out, metadata.Entry{Series: r.Series, Dir: filepath.Join(root, r.Series.Folder)})
	}
	return out, nil
}

func (l seriesLookup) SetTMDBID(ctx context.Context, key string, id int) error {
	return l.lib.SetTMDBID(ctx, key, id)
}

// nfoHolder keeps the current metadata service; it is rebuilt when the
// TMDB settings change, so a key set through the API works at once.
type nfoHolder struct {
	cur  atomic.Pointer[metadata.Service]
	http *httpclient.Client
	look seriesLookup
	log  func(msg string, args ...any)
}

func (h *nfoHolder) build(c config.NFOConfig) error {
	var client metadata.TMDB
	if c.TMDBAPIKey != "" {
		tc, err := tmdb.New(tmdb.Options{APIURL: c.TMDBAPIURL, ImageURL: c.TMDBImageURL, APIKey: c.TMDBAPIKey, Language: c.Language, HTTP: h.http})
		if err != nil {
			return fmt.Errorf("tmdb: %w", err)
		}
		client = tc
	}
	svc, err := metadata.New(metadata.Options{
		TMDB: client, Series: h.look, IDs: h.look, Language: c.Language,
		ClearLogo: true, SeasonPosters: c.DownloadSeasonPosters,
	})
	if err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	h.cur.Store(svc)
	return nil
}

func (h *nfoHolder) get() api.NFO { return h.cur.Load() }

// nfoAuto writes metadata in the background (metadata.Backlog) for newly
// added series and completed downloads when nfo.auto_create is on.
type nfoAuto struct {
	h       *nfoHolder
	cfg     *config.Manager
	backlog *metadata.Backlog
}

// ensureShow creates tvshow.nfo and artwork when missing.
func (n *nfoAuto) ensureShow(ctx context.Context, key string) error {
	svc := n.h.cur.Load()
	if !svc.Enabled() {
		return nil
	}
	c := n.cfg.Get().NFO
	opts := metadata.DefaultCreateOptions()
	opts.DownloadPoster, opts.DownloadLogo, opts.DownloadFanart = c.DownloadPoster, c.DownloadLogo, c.DownloadFanart
	if _, err := svc.Create(ctx, key, opts); err != nil && !errors.Is(err, anime.ErrConflict) {
		return err
	}
	return nil
}

// afterDownload is the queue hook: the show's NFO, and the episode NFO
// when enabled.
func (n *nfoAuto) afterDownload(_ context.Context, item queue.Item) error {
	c := n.cfg.Get().NFO
	if !c.AutoCreate {
		return nil
	}
	n.backlog.Add("episode/"+item.SerieID+"/"+item.Episode.String(), func(ctx context.Context) {
		if err := n.ensureShow(ctx, item.SerieID); err != nil {
			n.h.log("auto-create NFO", "key", item.SerieID, "error", err)
			return
		}
		if c.EpisodeNFO {
			if _, err := n.h.cur.Load().WriteEpisodeNFO(ctx, item.SerieID, item.Episode, item.FilePath); err != nil {
				n.h.log("episode NFO", "key", item.SerieID, "episode", item.Episode.String(), "error", err)
			}
		}
	})
	return nil
}

// autoLibrary decorates the library's Add with NFO auto-creation.
type autoLibrary struct {
	api.Library
	auto *nfoAuto
}

func (l autoLibrary) Add(ctx context.Context, link, name string) (library.AddResult, error) {
	res, err := l.Library.Add(ctx, link, name)
	if err == nil && l.auto.cfg.Get().NFO.AutoCreate {
		key := res.Key
		l.auto.backlog.Add("show/"+key, func(ctx context.Context) {
			if err := l.auto.ensureShow(ctx, key); err != nil {
				l.auto.h.log("auto-create NFO", "key", key, "error", err)
			}
		})
	}
	return res, err
}

func (a *App) wireNFO(cfg config.AppConfig, lib *library.Service, deps *api.Deps) (*nfoAuto, error) {
	h := &nfoHolder{
		http: httpclient.New(httpclient.Options{RateLimit: httpclient.RateLimit{PerSecond: 30, Burst: 40}, Logger: a.log.With("component", "tmdb")}),
		look: seriesLookup{lib: lib, db: a.db},
		log:  func(msg string, args ...any) { a.log.Warn(msg, args...) },
	}
	if err := h.build(cfg.NFO); err != nil {
		return nil, err
	}
	// The whole section: the service is rebuilt from it, and auto-creation
	// reads nfo.auto_create and the artwork switches on each use.
	a.cfg.Live([]string{"nfo"}, func(old, new config.AppConfig) {
		if old.NFO != new.NFO {
			if err := h.build(new.NFO); err != nil {
				a.log.Warn("apply nfo settings", "error", err)
			}
		}
	})
	auto := &nfoAuto{h: h, cfg: a.cfg, backlog: metadata.NewBacklog()}
	a.backlog = auto.backlog
	deps.Services.NFO = func() api.NFO { return nfoTold{NFO: h.get(), told: a.seriesChanged} }
	return auto, nil
}
