package app

import (
	"log/slog"

	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/provider/aniworld"
	"github.com/aniworld/aniworld/internal/provider/hoster"
	"github.com/aniworld/aniworld/internal/provider/serienstream"
)

// siteRegistry builds the provider registry: aniworld.to (the default) and
// serienstream.to, registered as "s.to", over ssMirrors (built from
// download.sto_url by serienstream.BaseURLs: the old default https://s.to
// means the public serienstream addresses).
//
// A gate in front of serienstream's link-outs is a challenge the HTTP
// client passes with its solvers (the session's cookies live in its jar
// too), so the site client gets no solvers of its own here.
func siteRegistry(d config.DownloadConfig, client *httpclient.Client, hosters *hoster.Registry, cache provider.Cache, awMirrors, ssMirrors *httpclient.Mirrors, log *slog.Logger) (*provider.Registry, error) {
	awCfg := aniworld.AniWorld(d.ProviderURL, client, hosters, cache)
	awCfg.Mirrors = awMirrors // aniworld.to and its mirrors (provider_mirrors)
	aw, err := aniworld.New(awCfg)
	if err != nil {
		return nil, err
	}
	ss, err := serienstream.New(serienstream.Config{Mirrors: ssMirrors, Doer: client,
		Hosters: hosters, Cache: cache, Logger: log.With("component", "serienstream")})
	if err != nil {
		return nil, err
	}
	return provider.NewRegistry(aw, ss), nil
}

// librarySites are the link forms the library accepts: aniworld.to at its
// configured address, serienstream.to at its addresses (and the retired
// s.to form, rewritten on the next scan).
func librarySites(cfg config.AppConfig) []library.Site {
	return append([]library.Site{{Name: library.SiteAniworld, BaseURL: cfg.Download.ProviderURL, StreamPath: "/anime/stream/"}},
		library.SerienstreamSites(serienstream.BaseURLs(cfg.Download.STOURL))...)
}
