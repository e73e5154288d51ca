package app

import (
	"strings"
	"testing"
)

// TestRestartRequiredNamesOnlyWhatNeedsARestart: X-Restart-Required is
// computed from what the running services declare they apply live, so the
// settings the NFO service and the resolver pick up at once are not
// reported, and a setting nothing applies live is.
func TestRestartRequiredNamesOnlyWhatNeedsARestart(t *testing.T) {
	ta := startApp(t, t.TempDir(), nil)
	tok := ta.setupAndLogin(testPassword)
	tests := []struct {
		name string
		body map[string]any
		want string
	}{
		{"nfo auto create", map[string]any{"nfo": map[string]any{"auto_create": true}}, ""},
		{"tmdb key", map[string]any{"nfo": map[string]any{"tmdb_api_key": "0123456789abcdef"}}, ""},
		{"hoster order", map[string]any{"download": map[string]any{"hoster_order": []string{"Vidoza", "VOE"}}}, ""},
		{"concurrency", map[string]any{"download": map[string]any{"max_concurrent_downloads": 3}}, ""},
		{"scheduler and logging", map[string]any{"scheduler": map[string]any{"interval_minutes": 90}, "logging": map[string]any{"level": "DEBUG"}}, ""},
		{"naming template", map[string]any{"download": map[string]any{"naming_template": "{title} S{season:02}E{episode:02}.mkv"}}, ""},
		{"provider timeout", map[string]any{"download": map[string]any{"provider_timeout": 45}}, "advanced.provider_timeout,download.provider_timeout"},
		{"session timeout", map[string]any{"security": map[string]any{"session_timeout_hours": 12}}, "security.session_timeout_hours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, h, b := ta.do("PUT", "/api/config", tok, tt.body)
			if code != 200 {
				t.Fatalf("PUT: %d %v", code, b)
			}
			if got := h.Get("X-Restart-Required"); got != tt.want {
				t.Fatalf("X-Restart-Required = %q, want %q", got, tt.want)
			}
		})
	}
	// The key applied live indeed: the NFO routes no longer answer 503.
	if code, _, b := ta.do("GET", "/api/nfo/missing", tok, nil); code == 503 {
		t.Fatalf("nfo routes still unavailable after setting the key live: %v", b)
	}
}

// TestBadNamingTemplateRefusedAndServerRestarts: a template the library
// would refuse at start-up is refused by PUT /api/config, so the server
// still starts afterwards.
func TestBadNamingTemplateRefusedAndServerRestarts(t *testing.T) {
	dir := t.TempDir()
	ta := startApp(t, dir, nil)
	tok := ta.setupAndLogin(testPassword)
	for _, tmpl := range []string{"{bogus} S{season}E{episode}.mp4", "{title} E{episode}.mp4", "Season {season}//E{episode}.mp4"} {
		code, _, b := ta.do("PUT", "/api/config", tok, map[string]any{"download": map[string]any{"naming_template": tmpl}})
		if code != 422 || !strings.Contains(ta.getRaw("/api/config", tok), "Season {season:02}/") {
			t.Fatalf("PUT %q: %d %v; want 422 and the default template kept", tmpl, code, b)
		}
		errs, _ := b["details"].(map[string]any)["errors"].([]any)
		if len(errs) != 1 || errs[0].(map[string]any)["field"] != "download.naming_template" {
			t.Fatalf("PUT %q: errors %v", tmpl, errs)
		}
		code, _, b = ta.do("POST", "/api/config/validate", tok, map[string]any{"download": map[string]any{"naming_template": tmpl}})
		if code != 200 || b["valid"] != false {
			t.Fatalf("validate %q: %d %v", tmpl, code, b)
		}
	}
	ta.Stop()
	ta2 := startApp(t, dir, nil)
	if code, _, b := ta2.do("GET", "/api/health", "", nil); code != 200 {
		t.Fatalf("restarted server: %d %v", code, b)
	}
}
