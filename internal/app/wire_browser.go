package app

import (
	"time"

	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/browser"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/metrics"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// browserOptions maps download.browser to the browser's options. The
// browser's default User-Agent is the HTTP client's, so the clearance it
// earns fits the client's requests.
func browserOptions(c config.AppConfig) browser.Options {
	bc := c.Download.Browser
	enabled, err := browser.ParseEnabled(bc.Enabled)
	if err != nil { // validated before; keep the product working
		enabled = browser.Auto
	}
	ua := c.Download.UserAgent
	if ua == "" {
		ua = httpclient.DefaultUserAgent
	}
	sec := func(n int) time.Duration { return time.Duration(n) * time.Second }
	return browser.Options{
		Enabled: enabled, Path: bc.Path, HeadedFallback: bc.HeadedFallback,
		SolveTimeout: sec(bc.SolveTimeout), CaptureTimeout: sec(bc.CaptureTimeout),
		MaxSolvesPerHostHour: bc.MaxSolvesPerHostHour, MaxTabs: bc.MaxTabs, IdleTimeout: sec(bc.IdleTimeout),
		UserAgent: ua,
	}
}

// browserFallback makes the browser the hoster registry's fallback
// extractor: it plays an embed whose extractor failed, or whose
// host has none, and hands its stream to the download engine. When the
// browser is switched off there is no fallback; when Chromium is missing
// the fallback fails at once and the attempt log says what to install.
func (a *App) browserFallback(reg *hoster.Registry) {
	if a.browser == nil || a.browser.Status().Enabled == browser.Off {
		return
	}
	reg.SetFallback(&hoster.Browser{Player: browser.HosterPlayer{B: a.browser}, Skip: hoster.IsBait})
}

// wireBrowser builds the shared browser (it starts nothing until a
// challenge or a capture needs it), closes it on shutdown and shows its
// state in /health/detailed and /metrics. Changes to download.browser
// apply at the next start.
func (a *App) wireBrowser(cfg config.AppConfig, deps *api.Deps, m *metrics.Metrics) *browser.Browser {
	o := browserOptions(cfg)
	o.Logger = a.log.With("component", "browser")
	o.TrustedSPKI = a.spki
	b := browser.New(o)
	a.closers = append([]func() error{b.Close}, a.closers...)
	if err := b.Available(); err != nil {
		a.log.Info("no browser for challenges and the extractor fallback", "reason", b.Status().Reason)
	}
	a.browser = b
	if deps != nil {
		deps.Browser = b
	}
	if m != nil {
		m.SetBrowser(b)
	}
	return b
}
