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
	aw, err := New(AniWorld(aniworldURL, doer, hosters, cache))
	if err != nil {
		return nil, err
	}
	ps := []provider.Provider{aw}
	if stoURL != "" {
		sto, err := New(STo(stoURL, doer, hosters, cache))
		if err != nil {
			return nil, err
		}
		ps = append(ps, sto)
	}
	return provider.NewRegistry(ps...), nil
}

// RegistryMirrors is Registry with aniworld.to reached through its mirror
// set (see httpclient.Mirrors).
func RegistryMirrors(aniworld *httpclient.Mirrors, stoURL string, doer hoster.Doer, hosters *hoster.Registry, cache Cache) (*provider.Registry, error) {
	cfg := AniWorld("", doer, hosters, cache)
	cfg.Mirrors = aniworld
	aw, err := New(cfg)
	if err != nil {
		return nil, err
	}
	ps := []provider.Provider{aw}
	if stoURL != "" {
		sto, err := New(STo(stoURL, doer, hosters, cache))
		if err != nil {
			return nil, err
		}
		ps = append(ps, sto)
	}
	return provider.NewRegistry(ps...), nil
}
