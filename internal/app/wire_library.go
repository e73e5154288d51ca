package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/doctor"
	"github.com/aniworld/aniworld/internal/download"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/provider/hoster"
	"github.com/aniworld/aniworld/internal/provider/serienstream"
)

// providers is the outbound side: the shared HTTP client, the hoster
// extractors and the site registry.
type providers struct {
	client  *httpclient.Client
	hosters *hoster.Registry
	reg     *provider.Registry
	stats   *doctor.Stats                  // per-hoster outcomes of real resolutions
	mirrors map[string]*httpclient.Mirrors // by site name
}

// wireProviders builds the outbound side; wrap, when set, wraps the HTTP
// transport (request metrics); solvers pass challenges after the injected
// ones (wire_network.go).
func (a *App) wireProviders(cfg config.AppConfig, wrap func(http.RoundTripper) http.RoundTripper, solvers ...httpclient.Solver) (*providers, error) {
	d := cfg.Download
	awMirrors := a.siteMirrors(d.ProviderURL, d.ProviderMirrors)
	ssBases := serienstream.BaseURLs(d.STOURL)
	if len(d.STOMirrors) > 0 && len(ssBases) > 0 {
		ssBases = append(ssBases[:1:1], d.STOMirrors...)
	}
	ssMirrors, err := httpclient.NewMirrors(ssBases...)
	if err != nil { // a config the server accepted never stops it: the public addresses then
		a.log.Warn("download.sto_url unusable; using serienstream's public addresses", "error", err)
		ssMirrors, _ = httpclient.NewMirrors(serienstream.DefaultBaseURLs()...)
	}
	var cookieHosts []string
	for _, u := range append([]string{d.ProviderURL}, serienstream.BaseURLs(d.STOURL)...) {
		if pu, err := url.Parse(u); err == nil && pu.Hostname() != "" {
			cookieHosts = append(cookieHosts, pu.Hostname())
		}
	}
	opts := httpclient.Options{
		UserAgent: d.UserAgent, Timeout: time.Duration(d.ProviderTimeout) * time.Second,
		Proxy: d.Proxy, Cookie: d.Cookies, CookieHosts: cookieHosts,
		FlareSolverrURL: d.FlareSolverrURL, DoHURL: d.DoHURL, Logger: a.log.With("component", "httpclient"),
		WrapTransport: wrap,
	}
	networkOptions(&opts, d, []*httpclient.Mirrors{awMirrors, ssMirrors}, append(append([]httpclient.Solver(nil), a.solvers...), solvers...))
	opts.RootCAs = a.trustedRoots(d.CAFile)
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("download settings: %w", err)
	}
	client := httpclient.New(opts)
	hosters := hoster.Default()
	a.mapHosterDomains(hosters, cfg)
	a.browserFallback(hosters)
	var cache provider.Cache // a one-shot command without a database has none
	if a.db != nil {
		cache = a.db
	}
	reg, err := siteRegistry(d, client, hosters, cache, awMirrors, ssMirrors, a.log)
	if err != nil {
		return nil, fmt.Errorf("provider: %w", err)
	}
	return &providers{client: client, hosters: hosters, reg: reg, stats: doctor.NewStats(),
		mirrors: map[string]*httpclient.Mirrors{library.SiteAniworld: awMirrors, "serienstream.to": ssMirrors}}, nil
}

// ffprobe reads real files for naming previews; nil without ffprobe.
func ffprobe() library.MediaProber {
	if p, err := exec.LookPath("ffprobe"); err == nil {
		return &download.FFprobe{Path: p}
	}
	return nil
}

// languages turns the config's language names into site keys.
func languages(names []string) []anime.Language {
	var out []anime.Language
	for _, n := range names {
		if l, err := anime.ParseLanguage(n); err == nil {
			out = append(out, l)
		}
	}
	return out
}

func (a *App) wireLibrary(cfg config.AppConfig, p *providers, deps *api.Deps) (*library.Service, error) {
	sites := librarySites(cfg)
	if m := p.mirrors[library.SiteAniworld]; m != nil { // a link via a mirror names the same series
		for _, mi := range m.List()[1:] {
			sites = append(sites, library.Site{Name: library.SiteAniworld, BaseURL: mi.Base.String(), StreamPath: "/anime/stream/"})
		}
	}
	lib, err := library.New(library.Options{
		AnimeDir:              cfg.AnimeDirectory,
		Languages:             languages(cfg.Download.LanguageOrder),
		RequireWantedLanguage: cfg.Download.RequireWantedLanguage,
		NamingTemplate:        cfg.Download.NamingTemplate,
		Sites:                 sites,
		Catalog:               catalog{reg: p.reg, observe: a.observeSite},
		Prober:                ffprobe(),
		Fresh:                 provider.WithFreshData, // a user's rescan bypasses the page cache
		Publisher:             a.events,
		Logger:                a.log.With("component", "library"),
		Store:                 a.db,
	})
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	a.closers = append([]func() error{lib.Close}, a.closers...)
	if deps == nil { // a one-shot command: no live config changes
		return lib, nil
	}
	a.cfg.Live([]string{"download.naming_template"}, func(old, new config.AppConfig) {
		if err := lib.SetNamingTemplate(new.Download.NamingTemplate); err != nil {
			a.log.Warn("apply download.naming_template", "error", err)
		}
	})
	a.cfg.Live([]string{"anime_directory"}, func(old, new config.AppConfig) {
		if old.AnimeDirectory != new.AnimeDirectory && lib.Directory() != new.AnimeDirectory {
			if _, err := lib.SetDirectory(context.Background(), new.AnimeDirectory); err != nil {
				a.log.Warn("apply anime_directory", "error", err)
			}
		}
	})
	return lib, nil
}
