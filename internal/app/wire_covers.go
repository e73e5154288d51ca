package app

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/covers"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/provider"
)

// wireCovers builds the cover service (cache in <data_dir>/covers, signing
// key covers.key) and registers its signed routes. The server fetches
// covers only from the sites' hosts and mirrors and the TMDB image host.
func (a *App) wireCovers(cfg config.AppConfig, p *providers, lib *library.Service, deps *api.Deps) (*covers.Service, error) {
	tmdbHost := ""
	if u, err := url.Parse(cfg.NFO.TMDBImageURL); err == nil {
		tmdbHost = u.Host
	}
	allowed := func(host string) bool {
		if tmdbHost != "" && strings.EqualFold(host, tmdbHost) {
			return true
		}
		for _, m := range p.mirrors {
			if m.Owns(host) {
				return true
			}
		}
		return false
	}
	svc, err := covers.New(covers.Options{
		Dir:        filepath.Join(cfg.DataDir, "covers"),
		SecretFile: filepath.Join(cfg.DataDir, "covers.key"),
		MaxBytes:   cfg.Covers.CacheBytes(),
		Library:    coverLibrary{lib},
		Sites:      siteCovers{reg: p.reg},
		Client:     p.client,
		Allowed:    allowed,
		Logger:     a.log.With("component", "covers"),
	})
	if err != nil {
		return nil, err
	}
	deps.Services.Covers = svc
	return svc, nil
}

// coverLibrary finds a series for the covers; without an anime directory
// there is no folder (and so no poster.jpg), but the site's cover still is.
type coverLibrary struct{ lib *library.Service }

func (l coverLibrary) SeriesDir(ctx context.Context, key string) (anime.Series, string, error) {
	s, dir, err := l.lib.SeriesDir(ctx, key)
	if errors.Is(err, anime.ErrUnavailable) {
		d, _, gerr := l.lib.Get(ctx, key)
		if gerr != nil {
			return anime.Series{}, "", gerr
		}
		return anime.Series{Key: d.Key, Name: d.Name, Site: d.Site, Folder: d.Folder}, "", nil
	}
	return s, dir, err
}

// siteCovers reads a series' cover URL from its site's series page (the
// provider's page cache spares a fetch).
type siteCovers struct{ reg *provider.Registry }

func (s siteCovers) CoverURL(ctx context.Context, site, key string) (string, error) {
	p, err := s.reg.Lookup(site)
	if err != nil {
		return "", err
	}
	d, err := p.Series(ctx, key)
	if err != nil {
		return "", err
	}
	return d.Cover, nil
}

// coveredLibrary adds the signed cover_url to the library's list items and
// series details.
type coveredLibrary struct {
	api.Library
	cov *covers.Service
}

func (l coveredLibrary) List(ctx context.Context, q library.ListQuery) ([]library.ListItem, int, error) {
	items, total, err := l.Library.List(ctx, q)
	for i := range items {
		items[i].CoverURL = l.cov.SeriesURL(items[i].Key)
	}
	return items, total, err
}

func (l coveredLibrary) Get(ctx context.Context, idOrFolder string) (library.Detail, bool, error) {
	d, byFolder, err := l.Library.Get(ctx, idOrFolder)
	if err == nil {
		d.CoverURL = l.cov.SeriesURL(d.Key)
	}
	return d, byFolder, err
}
