package app

import (
	"context"
	"sync"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/covers"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/seriesview"
	"github.com/aniworld/aniworld/internal/store"
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
func (a *App) wireSeries(p *providers, lib *library.Service, nfo *nfoAuto, cov *covers.Service, deps *api.Deps) *seriesview.Service {
	sv := seriesview.New(seriesview.Options{
		Store: a.db, Catalog: siteCatalog{reg: p.reg}, Root: lib.Directory,
		Metadata: func() bool { m := nfo.h.cur.Load(); return m != nil && m.Enabled() },
		Rescan:   lib.RescanSeries, Remove: lib.Remove, Cover: cov.SeriesURL,
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
	deps.Services.Series = sv
	return sv
}

// librarySearch answers API searches from every site (searcher) and tells
// per result whether the series is in the library and which folder adding
// it would create (the library's own rule); the first results without a
// year or cover get them from their series page (cached by the provider),
// so the search page can show them.
type librarySearch struct {
	searcher
	lib *library.Service
	db  *store.DB
	cov *covers.Service
}

// searchDetailsLimit bounds how many results per search are completed
// from their series pages, and searchDetailsParallel how many at once.
const (
	searchDetailsLimit    = 24
	searchDetailsParallel = 4
)

func (s librarySearch) Search(ctx context.Context, q string) ([]provider.SearchResult, error) {
	res, err := s.searcher.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	s.complete(ctx, res)
	for i := range res {
		r := &res[i]
		if s.cov != nil {
			r.CoverURL = s.cov.RemoteURL(r.Cover)
		}
		if rec, err := s.db.SeriesByKey(ctx, r.Key); err == nil && rec.Series.Site == r.Site {
			r.InLibrary, r.Folder = true, rec.Series.Folder
			continue
		}
		if f, _, err := s.lib.PlannedFolder(ctx, r.Key, r.Name, r.Year); err == nil {
			r.Folder = f
		}
	}
	return res, nil
}

// complete fills year, cover and description of the first results from
// their series pages; a page that fails leaves its result as it was.
func (s librarySearch) complete(ctx context.Context, res []provider.SearchResult) {
	sem := make(chan struct{}, searchDetailsParallel)
	var wg sync.WaitGroup
	for i := range res[:min(len(res), searchDetailsLimit)] {
		r := &res[i]
		if r.Year > 0 && r.Cover != "" && r.Description != "" {
			continue
		}
		p, err := s.reg.Lookup(r.Site)
		if err != nil {
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			d, err := p.Series(ctx, r.Key)
			if err != nil {
				return
			}
			if r.Year == 0 {
				r.Year = d.StartYear
			}
			if r.Cover == "" {
				r.Cover = d.Cover
			}
			if r.Description == "" {
				r.Description = d.Description
			}
		})
	}
	wg.Wait()
}
