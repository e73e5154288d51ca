package app

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/site"
)

// TestAutomationUpgradeInterrupted: the upgrade's new file never
// completing — its download fails, then the server restarts in between —
// leaves the old file in place; once the better language completes, the
// old file goes. Through the real server against the fakes.
func TestAutomationUpgradeInterrupted(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	f := startAutomationFakes(t, animeDir)
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(`{"download":{"hoster_order":["Doodstream"],"max_retries":0},"monitor":{"enabled":false}}`), 0o600)
	env := map[string]string{"ANIWORLD_PROVIDER_URL": f.siteURL, "ANIWORLD_ANIME_DIR": animeDir}
	ta := startApp(t, dataDir, env)
	tok := ta.setupAndLogin(testPassword)
	ta.do("POST", "/api/anime/add", tok, map[string]any{"link": f.siteURL + "/anime/stream/demo",
		"monitor": map[string]any{"mode": "future", "languages": []string{"German Dub", "German Sub"}, "upgrade": true}})
	ta.do("POST", "/api/anime/demo/monitor/refresh", tok, nil) // baseline
	n, _ := f.site.AddEpisode("demo", 2, site.Episode{TitleDE: "Erst untertitelt", Links: site.LinksFor([]anime.Language{anime.LangGermanSub}, "Doodstream")})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	queueUntil := func(what string, done func(st map[string]any) bool) map[string]any {
		t.Helper()
		for {
			_, _, b := ta.do("GET", "/api/queue/status", tok, nil)
			st := b["status"].(map[string]any)
			if done(st) {
				return st
			}
			select {
			case <-ctx.Done():
				t.Fatalf("%s: %v", what, st)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	count := func(st map[string]any, k string) int { return len(st[k].([]any)) }
	ta.do("POST", "/api/anime/demo/monitor/refresh", tok, nil) // queues the Sub; the monitor starts the queue
	st := queueUntil("sub download", func(st map[string]any) bool { return count(st, "completed_downloads") == 1 })
	subPath := st["completed_downloads"].([]any)[0].(map[string]any)["file_path"].(string)
	if !strings.Contains(subPath, "(German Sub)") {
		t.Fatalf("first download %s", subPath)
	}
	dubPath := strings.Replace(subPath, "(German Sub)", "(German Dub)", 1)

	// The Dub appears, but its media cannot be fetched: the upgrade fails.
	f.farm.Hoster("Doodstream").SetFailure(fakehoster.MediaForbidden)
	if err := f.site.AddLinks("demo", 2, n, site.LinksFor([]anime.Language{anime.LangGermanDub}, "Doodstream")...); err != nil {
		t.Fatal(err)
	}
	if _, _, b := ta.do("POST", "/api/anime/demo/monitor/refresh", tok, nil); !strings.Contains(toJSON(b["queued"]), `"upgrade":true`) {
		t.Fatalf("dub not queued as an upgrade: %v", b)
	}
	queueUntil("failed upgrade", func(st map[string]any) bool { return count(st, "failed_downloads") == 1 })
	assertFiles := func(when string, sub, dub bool) {
		t.Helper()
		if _, err := os.Stat(subPath); (err == nil) != sub {
			t.Fatalf("%s: sub file present=%v, want %v", when, err == nil, sub)
		}
		if _, err := os.Stat(dubPath); (err == nil) != dub {
			t.Fatalf("%s: dub file present=%v, want %v", when, err == nil, dub)
		}
	}
	assertFiles("after the failed upgrade", true, false)

	// A restart in between changes nothing.
	ta.Stop()
	ta = startApp(t, dataDir, env)
	tok = ta.login(testPassword)
	assertFiles("after a restart", true, false)

	// The hoster works again: the retried upgrade completes, then the Sub goes.
	f.farm.Hoster("Doodstream").SetFailure(fakehoster.OK)
	if code, _, b := ta.do("POST", "/api/queue/retry", tok, nil); code != 200 {
		t.Fatalf("retry: %d %v", code, b)
	}
	queueUntil("retried upgrade", func(st map[string]any) bool { return count(st, "completed_downloads") == 2 })
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(subPath); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replaced sub file is still there: %s", subPath)
		}
	}
	assertFiles("after the upgrade", false, true)
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
