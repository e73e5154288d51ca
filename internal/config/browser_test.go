package config

import (
	"strings"
	"testing"
)

func TestBrowserSettings(t *testing.T) {
	cases := []struct {
		name  string
		patch string
		field string // "" when valid
	}{
		{"defaults", `{}`, ""},
		{"off with a path", `{"download":{"browser":{"enabled":"off","path":"/usr/bin/chromium"}}}`, ""},
		{"on", `{"download":{"browser":{"enabled":"on"}}}`, ""},
		{"bad enabled", `{"download":{"browser":{"enabled":"sometimes"}}}`, "download.browser.enabled"},
		{"solve timeout too short", `{"download":{"browser":{"solve_timeout":1}}}`, "download.browser.solve_timeout"},
		{"no solves", `{"download":{"browser":{"max_solves_per_host_hour":0}}}`, "download.browser.max_solves_per_host_hour"},
		{"too many tabs", `{"download":{"browser":{"max_tabs":17}}}`, "download.browser.max_tabs"},
		{"idle timeout", `{"download":{"browser":{"idle_timeout":2}}}`, "download.browser.idle_timeout"},
		{"capture timeout", `{"download":{"browser":{"capture_timeout":601}}}`, "download.browser.capture_timeout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Merge(Default(), []byte(tc.patch))
			if err != nil {
				t.Fatal(err)
			}
			errs := c.Validate()
			if tc.field == "" {
				if len(errs) > 0 {
					t.Fatalf("unexpected errors: %v", errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Field != tc.field {
				t.Fatalf("errors %v, want one for %s", errs, tc.field)
			}
		})
	}
	if _, err := Merge(Default(), []byte(`{"download":{"browser":{"headless":true}}}`)); err == nil || !strings.Contains(err.Error(), "headless") {
		t.Fatalf("unknown key accepted: %v", err)
	}
}

func TestBrowserEnvTwins(t *testing.T) {
	env := FromEnv(func(k string) string {
		return map[string]string{"ANIWORLD_BROWSER": "off", "ANIWORLD_BROWSER_PATH": "/opt/chromium/chrome"}[k]
	})
	c := Default()
	env.Apply(&c)
	if c.Download.Browser.Enabled != "off" || c.Download.Browser.Path != "/opt/chromium/chrome" {
		t.Fatalf("browser %+v", c.Download.Browser)
	}
	saved := c.Clone()
	env.unapply(&saved, Default())
	if saved.Download.Browser != DefaultBrowser() {
		t.Fatalf("overrides leak into the file: %+v", saved.Download.Browser)
	}
}
