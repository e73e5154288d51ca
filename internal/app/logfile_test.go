package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogFileOnlyInsideLogsFolder: the API accepts only log files inside
// <data>/logs (422 otherwise, for both routes that set it); a config file
// that already points elsewhere does not stop the server from starting —
// it logs to stderr with a warning — and a restart still works.
func TestLogFileOnlyInsideLogsFolder(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"logging":{"file":"jwt_secret"}}`), 0o600)
	ta := startApp(t, dir, nil)
	if !strings.Contains(ta.stderr.String(), "logging.file") {
		t.Fatalf("no warning about logging.file:\n%s", ta.stderr.String())
	}
	tok := ta.setupAndLogin(testPassword)

	for _, tc := range []struct {
		method, path string
		body         map[string]any
		status       int
	}{
		{"PUT", "/api/config", map[string]any{"logging": map[string]any{"file": "config.json"}}, 422},
		{"PUT", "/api/config", map[string]any{"logging": map[string]any{"file": "jwt_secret"}}, 422},
		{"PUT", "/api/config", map[string]any{"logging": map[string]any{"file": filepath.Join(t.TempDir(), "x.log")}}, 422},
		{"PUT", "/api/config", map[string]any{"logging": map[string]any{"file": "logs/../config.json"}}, 422},
		{"POST", "/api/logging/config", map[string]any{"file": "auth.json"}, 422},
		{"PUT", "/api/config", map[string]any{"logging": map[string]any{"file": "logs/aniworld.log"}}, 200},
		{"POST", "/api/logging/config", map[string]any{"file": filepath.Join(dir, "logs", "other.log")}, 200},
	} {
		code, _, b := ta.do(tc.method, tc.path, tok, tc.body)
		if code != tc.status {
			t.Fatalf("%s %s %v: %d %v, want %d", tc.method, tc.path, tc.body, code, b, tc.status)
		}
		if code == 422 && (b["error"] != "VALIDATION_ERROR" || !strings.Contains(b["message"].(string), "logging.file")) {
			t.Fatalf("422 body %v", b)
		}
	}
	ta.Stop()
	ta2 := startApp(t, dir, nil)
	if code, _, b := ta2.do("GET", "/health", "", nil); code != 200 {
		t.Fatalf("restart: %d %v", code, b)
	}
}
