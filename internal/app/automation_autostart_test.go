package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/fake/site"
)

// TestAutomationMonitorStartsStoppedQueue: set and forget — on a fresh
// install nobody pressed "start", yet what the monitor queues is
// downloaded (the queue is started, and stays started after a restart);
// a queue the user paused stays paused and the new episode waits.
func TestAutomationMonitorStartsStoppedQueue(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	f := startAutomationFakes(t, animeDir)
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(`{"download":{"hoster_order":["Doodstream"]},"monitor":{"enabled":false}}`), 0o600)
	env := map[string]string{"ANIWORLD_PROVIDER_URL": f.siteURL, "ANIWORLD_ANIME_DIR": animeDir}
	ta := startApp(t, dataDir, env)
	tok := ta.setupAndLogin(testPassword)
	if code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": f.siteURL + "/anime/stream/demo",
		"monitor": map[string]any{"mode": "future"}}); code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	queueState := func() (running, paused bool, pending, completed int) {
		_, _, st := ta.do("GET", "/api/queue/status", tok, nil)
		s := st["status"].(map[string]any)
		return s["is_running"] == true, s["is_paused"] == true, len(s["pending_queue"].([]any)), len(s["completed_downloads"].([]any))
	}
	if r, p, _, _ := queueState(); r || p {
		t.Fatalf("a fresh queue is running=%v paused=%v, want stopped", r, p)
	}
	ta.do("POST", "/api/anime/demo/monitor/refresh", tok, nil) // baseline: nothing queued, the queue stays stopped
	if r, _, _, _ := queueState(); r {
		t.Fatal("a refresh that queued nothing started the queue")
	}
	if _, err := f.site.AddEpisode("demo", 2, site.Episode{TitleDE: "Neu", Links: site.LinksFor([]anime.Language{anime.LangGermanDub}, "Doodstream")}); err != nil {
		t.Fatal(err)
	}
	if code, _, b := ta.do("POST", "/api/anime/demo/monitor/refresh", tok, nil); code != 200 || len(b["queued"].([]any)) != 1 {
		t.Fatalf("refresh: %d %v", code, b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		r, p, _, done := queueState()
		if done == 1 {
			if !r || p {
				t.Fatalf("after the download running=%v paused=%v", r, p)
			}
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the monitored episode was never downloaded (running=%v)", r)
		case <-time.After(50 * time.Millisecond):
		}
	}

	// Paused by the user: the monitor queues, the queue stays paused.
	if code, _, b := ta.do("POST", "/api/queue/pause", tok, nil); code != 200 {
		t.Fatalf("pause: %d %v", code, b)
	}
	if _, err := f.site.AddEpisode("demo", 2, site.Episode{TitleDE: "Noch eine", Links: site.LinksFor([]anime.Language{anime.LangGermanDub}, "Doodstream")}); err != nil {
		t.Fatal(err)
	}
	if code, _, b := ta.do("POST", "/api/anime/demo/monitor/refresh", tok, nil); code != 200 || len(b["queued"].([]any)) != 1 {
		t.Fatalf("refresh while paused: %d %v", code, b)
	}
	time.Sleep(300 * time.Millisecond) // a started download would show as active or completed by now
	if r, p, pending, done := queueState(); !r || !p || pending != 1 || done != 1 {
		t.Fatalf("paused queue after the monitor queued: running=%v paused=%v pending=%d completed=%d", r, p, pending, done)
	}
}
