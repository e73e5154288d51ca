package app

import (
	"strings"
	"testing"
)

// TestBrowserInHealthAndMetrics builds the real app with the browser
// switched on at a path where no Chromium is: the product still runs,
// /health/detailed says what is missing (degraded, because "on" asks for
// it) and /metrics reports it unavailable.
func TestBrowserInHealthAndMetrics(t *testing.T) {
	ta := startApp(t, t.TempDir(), map[string]string{"ANIWORLD_BROWSER": "on", "ANIWORLD_BROWSER_PATH": "/nonexistent/chromium"})
	code, _, body := ta.do("GET", "/health/detailed", "", nil)
	if code != 200 || body["status"] != "degraded" {
		t.Fatalf("health %d %v", code, body["status"])
	}
	br, _ := body["dependencies"].(map[string]any)["browser"].(map[string]any)
	if br == nil || br["status"] != "degraded" || br["available"] != false || br["enabled"] != "on" ||
		!strings.Contains(br["message"].(string), "apt-get install chromium") {
		t.Fatalf("browser entry %v", br)
	}
	tok := ta.setupAndLogin("Correct-Horse-9")
	metrics := ta.getRaw("/metrics", tok)
	if !strings.Contains(metrics, "aniworld_browser_available 0") || !strings.Contains(metrics, "aniworld_browser_running 0") {
		t.Fatalf("metrics lack the browser: %.400s", metrics)
	}
}
