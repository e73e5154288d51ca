package doctor

import (
	"fmt"

	"github.com/aniworld/aniworld/internal/provider"
)

// SitesOf lists the registered sites to check (only the named one when
// site is set), each with its probe (see ProbeFor).
func SitesOf(reg *provider.Registry, site string, probe Probe) ([]Site, error) {
	var ps []provider.Provider
	if site != "" {
		p, err := reg.Lookup(site)
		if err != nil {
			return nil, fmt.Errorf("doctor: %w", err)
		}
		ps = []provider.Provider{p}
	} else {
		ps = reg.All()
	}
	out := make([]Site, 0, len(ps))
	for _, p := range ps {
		out = append(out, Site{Provider: p, Probe: ProbeFor(p.Site(), probe)})
	}
	return out, nil
}
