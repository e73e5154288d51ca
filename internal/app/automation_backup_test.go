package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAutomationMonitoringSurvivesBackupRestore: per-series monitoring
// (SQLite) travels with a configuration backup: set → back up → change →
// restore → the settings are back; a backup with invalid monitoring is
// refused (422, contract format) and changes nothing.
func TestAutomationMonitoringSurvivesBackupRestore(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	f := startAutomationFakes(t, animeDir)
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(f.config), 0o600)
	ta := startApp(t, dataDir, map[string]string{"ANIWORLD_PROVIDER_URL": f.siteURL, "ANIWORLD_ANIME_DIR": animeDir})
	tok := ta.setupAndLogin(testPassword)
	for _, k := range []string{"demo", "no-movies"} {
		if code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": f.siteURL + "/anime/stream/" + k}); code != 200 {
			t.Fatalf("add %s: %d %v", k, code, b)
		}
	}
	want := map[string]any{"mode": "future", "languages": []any{"German Dub", "German Sub"}, "fallback_days": 14.0, "movies": true, "specials": true, "upgrade": true}
	if code, _, b := ta.do("PUT", "/api/anime/demo/monitor", tok, want); code != 200 {
		t.Fatalf("put monitor: %d %v", code, b)
	}
	code, _, bk := ta.do("POST", "/api/config/backups?name=with-monitoring", tok, nil)
	if code != 200 {
		t.Fatalf("backup: %d %v", code, bk)
	}
	backup := bk["name"].(string)
	raw, err := os.ReadFile(filepath.Join(dataDir, "backups", backup))
	if err != nil {
		list := ta.getRaw("/api/config/backups", tok)
		t.Fatalf("backup file: %v (%s)", err, list)
	}
	if !strings.Contains(string(raw), `"series_monitoring"`) {
		t.Fatalf("the backup lacks the monitoring: %s", raw)
	}

	// Changes after the backup: demo unmonitored, no-movies monitored.
	ta.do("PUT", "/api/anime/demo/monitor", tok, map[string]any{"mode": "none"})
	ta.do("PUT", "/api/anime/no-movies/monitor", tok, map[string]any{"mode": "all"})
	if code, _, b := ta.do("POST", "/api/config/backups/"+backup+"/restore", tok, nil); code != 200 {
		t.Fatalf("restore: %d %v", code, b)
	}
	check := func(when string) {
		t.Helper()
		_, _, got := ta.do("GET", "/api/anime/demo/monitor", tok, nil)
		for k, v := range want {
			if fmt.Sprint(got[k]) != fmt.Sprint(v) {
				t.Fatalf("%s: demo %s = %v, want %v (%v)", when, k, got[k], v, got)
			}
		}
		if _, _, nm := ta.do("GET", "/api/anime/no-movies/monitor", tok, nil); nm["mode"] != "none" {
			t.Fatalf("%s: no-movies %v, want mode none as at the backup", when, nm)
		}
	}
	check("after restore")
	if _, _, c := ta.do("GET", "/api/config", tok, nil); c["other"] != nil {
		if o, _ := c["other"].(map[string]any); o["_state"] != nil {
			t.Fatalf("the backup's state leaked into the configuration: %v", o)
		}
	}

	// A backup whose monitoring is invalid is refused before anything changes.
	bad := strings.Replace(string(raw), `"mode":"future"`, `"mode":"sometimes"`, 1)
	os.WriteFile(filepath.Join(dataDir, "backups", "broken.json"), []byte(bad), 0o600)
	code, _, b := ta.do("POST", "/api/config/backups/broken.json/restore", tok, nil)
	if code != 422 || b["success"] != false || b["request_id"] == "" || !strings.Contains(fmt.Sprint(b), "series_monitoring") {
		t.Fatalf("restore of a broken backup: %d %v", code, b)
	}
	check("after the refused restore")
	ta.Stop()
	ta = startApp(t, dataDir, map[string]string{"ANIWORLD_PROVIDER_URL": f.siteURL, "ANIWORLD_ANIME_DIR": animeDir})
	tok = ta.login(testPassword)
	check("after a restart")
}
