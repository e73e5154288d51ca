package app

import (
	"context"
	"strings"

	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/doctor"
	"github.com/aniworld/aniworld/internal/metrics"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// wireDoctor adds the provider canary: per-hoster outcome counts on
// /metrics and GET /api/diagnostics/providers and /api/diagnostics/hosters.
func (a *App) wireDoctor(deps *api.Deps, p *providers, m *metrics.Metrics) {
	if m != nil {
		m.Registry().MustRegister(p.stats)
	}
	deps.Services.Doctor = &api.ProviderDiagnosticsDeps{
		Run: func(ctx context.Context, site string, probe doctor.Probe) (doctor.Report, error) {
			sites, err := doctor.SitesOf(p.reg, site, probe)
			if err != nil {
				return doctor.Report{}, err
			}
			return doctor.Run(ctx, sites, doctor.Options{Doer: p.client, Resolver: a.dnsDescription()}), nil
		},
		Stats: p.stats,
	}
}

// dnsDescription says how the outbound client resolves names, for the
// doctor's reach step.
func (a *App) dnsDescription() string {
	if u := a.cfg.Get().Download.DoHURL; u != "" {
		return "DoH " + u
	}
	return "system resolver"
}

// mapHosterDomains adds other.hoster_domains ({"new-voe-mirror.com":
// "VOE", …}) to the host table, so a new hoster domain needs no release.
// Entries naming no extractor are logged and skipped.
func (a *App) mapHosterDomains(reg *hoster.Registry, c config.AppConfig) {
	m, _ := c.Other["hoster_domains"].(map[string]any)
	for domain, v := range m {
		name, _ := v.(string)
		if strings.TrimSpace(domain) == "" || !reg.MapHost(domain, name) {
			a.log.Warn("other.hoster_domains: entry skipped (no such hoster)", "domain", domain, "hoster", v)
		}
	}
}
