package app

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/auth"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/metrics"
)

// wire builds the feature services and adds their routes, handlers and
// background loops to deps and the app.
func (a *App) wire(ctx context.Context, deps *api.Deps) error {
	cfg := a.cfg.Get()
	authSvc, err := a.wireAuth(ctx, deps, cfg)
	if err != nil {
		return err
	}
	a.wireWS(deps, authSvc)
	m := metrics.New()
	br := a.wireBrowser(cfg, deps, m)
	prov, err := a.wireProviders(cfg, m.RoundTripper, browserSolvers(br)...)
	if err != nil {
		return err
	}
	lib, err := a.wireLibrary(cfg, prov, deps)
	if err != nil {
		return err
	}
	auto, err := a.wireNFO(cfg, lib, deps)
	if err != nil {
		return err
	}
	am, err := a.wireAutomation(cfg, prov, lib, deps)
	if err != nil {
		return err
	}
	cov, err := a.wireCovers(cfg, prov, lib, deps)
	if err != nil {
		return err
	}
	series := a.wireSeries(prov, lib, auto, cov, deps)
	adds := monitoredLibrary{Library: coveredLibrary{Library: autoLibrary{Library: lib, auto: auto}, cov: cov}, au: am}
	deps.Services.Library = adds
	deps.Services.Search = librarySearch{searcher: searcher{reg: prov.reg, log: a.log}, lib: lib, db: a.db, cov: cov}
	q, err := a.wireQueue(ctx, cfg, prov, lib, deps, auto.afterDownload, am.afterDownload)
	if err != nil {
		return err
	}
	am.setQueue(q)
	series.SetQueue(q)
	if err := a.wireSonarr(cfg, deps, prov, lib, adds, am, q); err != nil {
		return err
	}
	if err := a.wireHistory(deps, q); err != nil {
		return err
	}
	if err := a.wireOps(ctx, deps, OpsDeps{Auth: authSvc, Library: lib, Queue: q, Metrics: m, Providers: prov}); err != nil {
		return err
	}
	a.wireDoctor(deps, prov, m)
	a.wireWeb(deps)
	return nil
}

// wireAuth builds access control: the auth service, its routes, the gate
// on protected routes, CORS and the rate limits.
func (a *App) wireAuth(ctx context.Context, deps *api.Deps, cfg config.AppConfig) (*auth.Service, error) {
	sec := cfg.Security
	svc, err := auth.New(ctx, auth.Options{
		DataDir:        cfg.DataDir,
		Store:          a.db,
		SessionTimeout: time.Duration(sec.SessionTimeoutHours) * time.Hour,
		RememberFor:    time.Duration(sec.RememberDays) * 24 * time.Hour,
		Lockout: auth.LockoutPolicy{
			MaxFailures: sec.LockoutAttempts,
			Window:      time.Duration(sec.LockoutMinutes) * time.Minute,
			Duration:    time.Duration(sec.LockoutMinutes) * time.Minute,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("access control: %w", err)
	}
	trusted, err := auth.ParseTrustedProxies(sec.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("security.trusted_proxies: %w", err)
	}
	deps.ClientAddr = func(r *http.Request) string { return auth.ClientIP(r, trusted) }
	deps.Gate = &api.Gate{Verifier: api.AuthVerifier{Svc: svc}}
	deps.Services.Auth = svc

	var origins []string // nil: same origin plus http://localhost:* and http://127.0.0.1:*
	if len(sec.AllowedOrigins) > 0 {
		origins = sec.AllowedOrigins
	}
	cors, err := auth.NewCORS(auth.CORSOptions{AllowedOrigins: origins})
	if err != nil {
		return nil, fmt.Errorf("security.allowed_origins: %w", err)
	}
	a.cors = cors
	rl := auth.DefaultRateLimitConfig()
	rl.Login.Requests = sec.AuthRateLimit
	rl.Setup.Requests = sec.AuthRateLimit
	rl.Origin.Requests = sec.OriginRateLimit
	rl.TrustedProxies = trusted
	rules := auth.DefaultLimitRules(rl)
	deps.Outer = append(deps.Outer, cors.Handler, api.CrossSiteGuard(cors.OriginAllowed), auth.RateLimitMiddleware(rules, func(w http.ResponseWriter, r *http.Request, d auth.Decision) {
		secs := auth.RetryAfterSeconds(d.RetryAfter)
		api.WriteError(w, r, api.NewError(http.StatusTooManyRequests, api.CodeRateLimit,
			fmt.Sprintf("Too many requests; try again in %d seconds", secs), map[string]any{"retry_after": secs}))
	}))
	a.auth = svc // jobs.go prunes its revoked tokens hourly
	return svc, nil
}
