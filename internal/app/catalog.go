package app

import (
	"context"
	"log/slog"

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
	res, err := searchAll(ctx, c.reg, q, nil)
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

// searcher answers API searches from every site, side by side.
type searcher struct {
	reg *provider.Registry
	log *slog.Logger
}

func (s searcher) Search(ctx context.Context, q string) ([]provider.SearchResult, error) {
	return searchAll(ctx, s.reg, q, s.log)
}
