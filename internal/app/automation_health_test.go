package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/fake/webhook"
)

// TestAutomationProviderStepHealth: provider steps outside the monitor
// raise health problems, debounced, and recoveries — through the real
// server with an injected clock. A library rescan against a blocked site
// is no problem at once; still failing 16 minutes later it is one; the
// first rescan that works sends the recovery. A hoster whose extraction
// fails on five downloads in a row is a problem; its first working
// download sends the recovery.
func TestAutomationProviderStepHealth(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	f := startAutomationFakes(t, animeDir)
	nt := strings.Split(strings.SplitN(f.config, "ntfy://", 2)[1], "/")[0] // the fake ntfy's host:port
	cfg := fmt.Sprintf(`{"download":{"hoster_order":["Doodstream"],"language_order":["German Dub"],"max_retries":0},
		"monitor":{"enabled":false},
		"notifications":{"disk_min_free_mb":0,"targets":[{"name":"phone","url":"ntfy://%s/health?scheme=http","enabled":true,"events":["health"]}]}}`, nt)
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(cfg), 0o600)
	clk := &manualTime{t: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	ta := startAppWith(t, dataDir, map[string]string{"ANIWORLD_PROVIDER_URL": f.siteURL, "ANIWORLD_ANIME_DIR": animeDir}, Options{Now: clk.Now})
	tok := ta.setupAndLogin(testPassword)
	if code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": f.siteURL + "/anime/stream/demo"}); code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rescan := func() {
		t.Helper()
		_, _, before := ta.do("GET", "/api/scheduler/config", tok, nil)
		prev := fmt.Sprint(before["last_result"])
		if code, _, b := ta.do("POST", "/api/scheduler/trigger-rescan", tok, nil); code != 200 {
			t.Fatalf("trigger rescan: %d %v", code, b)
		}
		for {
			_, _, b := ta.do("GET", "/api/scheduler/config", tok, nil)
			if r := b["last_result"]; r != nil && fmt.Sprint(r) != prev && b["running"] == false {
				return
			}
			select {
			case <-ctx.Done():
				t.Fatal("the rescan did not finish")
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	failing := func() map[string]any {
		_, _, st := ta.do("GET", "/api/notifications/status", tok, nil)
		m, _ := st["health_failing"].(map[string]any)
		return m
	}
	problems := func() []string {
		var out []string
		for _, r := range f.ntfy.Requests() {
			out = append(out, r.Title)
		}
		return out
	}
	wait := func(title string) {
		t.Helper()
		if _, err := f.ntfy.WaitFor(ctx, func(r webhook.Request) bool { return r.Title == title }); err != nil {
			t.Fatalf("%s: %v (got %q, failing %v)", title, err, problems(), failing())
		}
	}

	f.site.SetFaults(site.FaultDDoSGuard)
	rescan()
	if _, ok := failing()["provider aniworld.to"]; ok || len(problems()) != 0 {
		t.Fatalf("one failed rescan is already a problem: %v %q", failing(), problems())
	}
	clk.Add(16 * time.Minute)
	rescan()
	wait("Problem: provider aniworld.to")
	if msg := fmt.Sprint(failing()["provider aniworld.to"]); msg == "" || msg == "<nil>" {
		t.Fatalf("failing %v", failing())
	}
	rescan() // still failing: no second message
	f.site.SetFaults(0)
	rescan()
	wait("Recovered: provider aniworld.to")
	if n := strings.Count(strings.Join(problems(), "\n"), "Problem: provider"); n != 1 {
		t.Fatalf("%d problem messages for one outage: %q", n, problems())
	}

	// A hoster that fails every extraction.
	dood := f.farm.Hoster("Doodstream")
	dood.SetFailure(fakehoster.NoPayload)
	var eps []any
	for i := 0; i < 5; i++ {
		n, err := f.site.AddEpisode("demo", 2, site.Episode{TitleDE: fmt.Sprintf("Folge %d", i), Links: site.LinksFor([]anime.Language{anime.LangGermanDub}, "Doodstream")})
		if err != nil {
			t.Fatal(err)
		}
		eps = append(eps, fmt.Sprintf("S02E%02d", n))
	}
	if code, _, b := ta.do("POST", "/api/queue/add", tok, map[string]any{"serie_id": "demo", "episodes": eps}); code != 201 {
		t.Fatalf("queue add: %d %v", code, b)
	}
	ta.do("POST", "/api/queue/start", tok, nil)
	wait("Problem: hoster Doodstream")
	for {
		_, _, st := ta.do("GET", "/api/queue/status", tok, nil)
		if len(st["status"].(map[string]any)["failed_downloads"].([]any)) == 5 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("downloads did not fail: %v", st)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if _, ok := failing()["provider aniworld.to"]; ok {
		t.Fatalf("a hoster failure counted against the site: %v", failing())
	}
	dood.SetFailure(fakehoster.OK)
	if code, _, b := ta.do("POST", "/api/queue/retry", tok, nil); code != 200 {
		t.Fatalf("retry: %d %v", code, b)
	}
	wait("Recovered: hoster Doodstream")
	if n := strings.Count(strings.Join(problems(), "\n"), "Problem: hoster"); n != 1 {
		t.Fatalf("%d hoster problem messages: %q", n, problems())
	}
}

// TestAutomationDiskHealthRecovers: the anime directory below the free
// space limit is a problem; lowering the limit rechecks at once and sends
// the recovery; raising it again is a new problem; turning the check off
// forgets it without a message.
func TestAutomationDiskHealthRecovers(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	f := startAutomationFakes(t, animeDir)
	nt := strings.Split(strings.SplitN(f.config, "ntfy://", 2)[1], "/")[0]
	cfg := fmt.Sprintf(`{"notifications":{"disk_min_free_mb":1073741824,"targets":[{"name":"phone","url":"ntfy://%s/health?scheme=http","enabled":true,"events":["health"]}]}}`, nt)
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(cfg), 0o600)
	ta := startApp(t, dataDir, map[string]string{"ANIWORLD_PROVIDER_URL": f.siteURL, "ANIWORLD_ANIME_DIR": animeDir})
	tok := ta.setupAndLogin(testPassword)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	count := func(title string) int {
		n := 0
		for _, r := range f.ntfy.Requests() {
			if r.Title == title {
				n++
			}
		}
		return n
	}
	waitCount := func(title string, want int) {
		t.Helper()
		for count(title) < want {
			select {
			case <-ctx.Done():
				t.Fatalf("%s: %d messages, want %d", title, count(title), want)
			case <-time.After(20 * time.Millisecond):
			}
		}
		if count(title) != want {
			t.Fatalf("%s: %d messages, want %d", title, count(title), want)
		}
	}
	setLimit := func(mb int) {
		t.Helper()
		if code, _, b := ta.do("PUT", "/api/config", tok, map[string]any{"notifications": map[string]any{"disk_min_free_mb": mb}}); code != 200 {
			t.Fatalf("set limit: %d %v", code, b)
		}
	}
	waitCount("Problem: disk", 1)
	setLimit(1)
	waitCount("Recovered: disk", 1)
	setLimit(1073741824)
	waitCount("Problem: disk", 2)
	setLimit(0)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		_, _, st := ta.do("GET", "/api/notifications/status", tok, nil)
		if st["health_failing"].(map[string]any)["disk"] == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the disk problem outlived turning the check off: %v", st)
		}
	}
	if count("Recovered: disk") != 1 {
		t.Fatalf("turning the check off sent a recovery: %d", count("Recovered: disk"))
	}
}
