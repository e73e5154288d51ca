package aniworld

import (
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// Registry builds the provider registry: aniworld.to at aniworldURL (the
// default provider) and, when stoURL is not empty, legacy s.to at stoURL.
// Both share doer, hosters and cache.
func Registry(aniworldURL, stoURL string, doer hoster.Doer, hosters *hoster.Registry, cache Cache) (*provider.Registry, error) {
	return registry(AniWorld(aniworldURL, doer, hosters, cache), stoURL)
}

// RegistryMirrors is Registry with aniworld.to reached through its mirror
// set (see httpclient.Mirrors).
func RegistryMirrors(aniworld *httpclient.Mirrors, stoURL string, doer hoster.Doer, hosters *hoster.Registry, cache Cache) (*provider.Registry, error) {
	cfg := AniWorld("", doer, hosters, cache)
	cfg.Mirrors = aniworld
	return registry(cfg, stoURL)
}

// registry builds aniworld.to from aw and, when stoURL is not empty, legacy
// s.to at stoURL with aw's doer, hosters and cache.
func registry(aw Config, stoURL string) (*provider.Registry, error) {
	awc, err := New(aw)
	if err != nil {
		return nil, err
	}
	ps := []provider.Provider{awc}
	if stoURL != "" {
		sto, err := New(STo(stoURL, aw.Doer, aw.Hosters, aw.Cache))
		if err != nil {
			return nil, err
		}
		ps = append(ps, sto)
	}
	return provider.NewRegistry(ps...), nil
}
