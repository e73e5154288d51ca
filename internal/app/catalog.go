package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/provider"
)

// catalog adapts the provider registry to what the library consumes.
type catalog struct {
	reg *provider.Registry
	// observe hears how reading a site went (health); optional.
	observe func(ctx context.Context, site string, err error)
}

func (c catalog) observed(ctx context.Context, site string, err error) {
	if c.observe != nil {
		c.observe(ctx, site, err)
	}
}

func (c catalog) Search(ctx context.Context, q string) ([]library.Candidate, error) {
	res, err := c.reg.Search(ctx, q, nil)
	if err != nil {
		return nil, err
	}
	out := make([]library.Candidate, 0, len(res))
	for _, r := range res {
		out = append(out, library.Candidate{Key: r.Key, Name: r.Name, Site: r.Site, Link: r.Link, Year: r.Year, Description: r.Description})
	}
	return out, nil
}

func (c catalog) Series(ctx context.Context, site, key string) (library.Candidate, error) {
	p, err := c.reg.Lookup(site)
	if err != nil {
		return library.Candidate{}, err
	}
	d, err := p.Series(ctx, key)
	c.observed(ctx, site, err)
	if err != nil {
		return library.Candidate{}, err
	}
	return library.Candidate{Key: d.Key, Name: d.Title, Site: d.Site, Link: d.Link, Year: d.StartYear, Description: d.Description}, nil
}

func (c catalog) Episodes(ctx context.Context, site, key string) (map[int][]int, error) {
	p, err := c.reg.Lookup(site)
	if err != nil {
		return nil, err
	}
	seasons, err := p.Seasons(ctx, key)
	c.observed(ctx, site, err)
	if err != nil {
		return nil, err
	}
	out := make(map[int][]int, len(seasons))
	for _, s := range seasons {
		eps := make([]int, 0, len(s.Episodes))
		for _, e := range s.Episodes {
			eps = append(eps, e.Number)
		}
		out[s.Number] = eps
	}
	return out, nil
}

// EpisodeList answers a series' episodes with their titles from its site
// (the default site when the series names none the registry knows).
func (c catalog) EpisodeList(ctx context.Context, site, key string) ([]library.EpisodeInfo, error) {
	p := siteOrDefault(c.reg, site)
	if p == nil {
		return nil, fmt.Errorf("%w: no provider for site %q", anime.ErrUnavailable, site)
	}
	seasons, err := p.Seasons(ctx, key)
	if err != nil {
		return nil, err
	}
	var out []library.EpisodeInfo
	for _, s := range seasons {
		for _, e := range s.Episodes {
			out = append(out, library.EpisodeInfo{Season: s.Number, Episode: e.Number, TitleDE: e.TitleDE, TitleEN: e.TitleEN})
		}
	}
	return out, nil
}

// siteOrDefault is the registry's client for site, else its default one
// (nil when it has none).
func siteOrDefault(reg *provider.Registry, site string) provider.Provider {
	if p, err := reg.Lookup(site); err == nil {
		return p
	}
	return reg.Default()
}

// seriesSite answers the site client of a library series for the queue's
// resolver (the default site when the series or its site is unknown).
func (p *providers) seriesSite(lib *library.Service) func(context.Context, string) (provider.Provider, error) {
	return func(ctx context.Context, key string) (provider.Provider, error) {
		site := ""
		if s, _, err := lib.SeriesDir(ctx, key); err == nil {
			site = s.Site
		}
		if sp := siteOrDefault(p.reg, site); sp != nil {
			return sp, nil
		}
		return nil, fmt.Errorf("%w: no provider for series %q", anime.ErrUnavailable, key)
	}
}

// searcher answers API searches from every site, side by side.
type searcher struct {
	reg *provider.Registry
	log *slog.Logger
}

func (s searcher) Search(ctx context.Context, q string) ([]provider.SearchResult, error) {
	return s.reg.Search(ctx, q, s.log)
}
