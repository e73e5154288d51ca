package app

import (
	"context"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/seriesview"
)

// siteCatalog answers a library series' site details and seasons from the
// provider registry (the providers cache the pages).
type siteCatalog struct{ reg *provider.Registry }

func (c siteCatalog) Details(ctx context.Context, site, key string) (provider.SeriesDetails, error) {
	p, err := c.reg.Lookup(site)
	if err != nil {
		return provider.SeriesDetails{}, err
	}
	return p.Series(ctx, key)
}

func (c siteCatalog) Seasons(ctx context.Context, site, key string) ([]provider.Season, error) {
	p, err := c.reg.Lookup(site)
	if err != nil {
		return nil, err
	}
	return p.Seasons(ctx, key)
}

// wireSeries builds the series page's service and routes. It must run
// before wireQueue: the stream resolver asks the language chosen on the
// series page before the monitor's wishes. The queue is supplied later
// with SetQueue.
func (a *App) wireSeries(p *providers, lib *library.Service, nfo *nfoAuto, deps *api.Deps) *seriesview.Service {
	sv := seriesview.New(seriesview.Options{
		Store: a.db, Catalog: siteCatalog{reg: p.reg}, Root: lib.Directory,
		Metadata: func() bool { m := nfo.h.cur.Load(); return m != nil && m.Enabled() },
		Rescan:   lib.RescanSeries, Remove: lib.Remove,
	})
	monitorWanted := a.wanted
	a.wanted = func(ctx context.Context, key string, ep anime.EpisodeRef) []anime.Language {
		if l := sv.WantedLanguage(ctx, key, ep); len(l) > 0 {
			return l
		}
		if monitorWanted != nil {
			return monitorWanted(ctx, key, ep)
		}
		return nil
	}
	deps.Register = append(deps.Register, api.SeriesRoutes(sv))
	return sv
}
