package config

import "strings"

// BrowserConfig is download.browser: the built-in Chromium that solves
// anti-bot challenges and plays embeds whose extractor failed. Durations
// are in seconds.
type BrowserConfig struct {
	// Enabled is "auto" (use Chromium when installed), "on" (a missing
	// browser makes health degraded) or "off".
	Enabled string `json:"enabled"`
	// Path is the Chromium executable; empty means look on PATH
	// (chromium, chromium-browser, google-chrome).
	Path string `json:"path"`
	// HeadedFallback retries a challenge the headless browser did not pass
	// with a headed browser under Xvfb (when Xvfb is installed).
	HeadedFallback       bool `json:"headed_fallback"`
	SolveTimeout         int  `json:"solve_timeout"`
	CaptureTimeout       int  `json:"capture_timeout"`
	MaxSolvesPerHostHour int  `json:"max_solves_per_host_hour"`
	MaxTabs              int  `json:"max_tabs"`
	IdleTimeout          int  `json:"idle_timeout"`
}

// DefaultBrowser is download.browser's default.
func DefaultBrowser() BrowserConfig {
	return BrowserConfig{Enabled: "auto", HeadedFallback: true, SolveTimeout: 60, CaptureTimeout: 45,
		MaxSolvesPerHostHour: 6, MaxTabs: 2, IdleTimeout: 120}
}

// validateBrowser checks download.browser.
func validateBrowser(b BrowserConfig, add func(field, format string, args ...any)) {
	switch strings.ToLower(b.Enabled) {
	case "auto", "on", "off":
	default:
		add("download.browser.enabled", "must be auto, on or off")
	}
	if strings.ContainsRune(b.Path, 0) {
		add("download.browser.path", "must not contain NUL")
	}
	for _, f := range []struct {
		name      string
		v, lo, hi int
	}{
		{"solve_timeout", b.SolveTimeout, 5, 600},
		{"capture_timeout", b.CaptureTimeout, 5, 600},
		{"max_solves_per_host_hour", b.MaxSolvesPerHostHour, 1, 1000},
		{"max_tabs", b.MaxTabs, 1, 16},
		{"idle_timeout", b.IdleTimeout, 5, 86400},
	} {
		if f.v < f.lo || f.v > f.hi {
			add("download.browser."+f.name, "must be between %d and %d", f.lo, f.hi)
		}
	}
}
