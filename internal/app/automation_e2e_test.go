package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	fakejellyfin "github.com/aniworld/aniworld/internal/fake/jellyfin"
	"github.com/aniworld/aniworld/internal/fake/site"
	faketmdb "github.com/aniworld/aniworld/internal/fake/tmdb"
	"github.com/aniworld/aniworld/internal/fake/webhook"
)

// automationFakes are the outside parties of the automation flow.
type automationFakes struct {
	farm     *fakehoster.Farm
	site     *site.Site
	siteURL  string
	jellyfin *fakejellyfin.Server
	ntfy     *webhook.Receiver
	down     *webhook.Receiver
	config   string
}

func startAutomationFakes(t *testing.T, animeDir string) *automationFakes {
	t.Helper()
	f := &automationFakes{farm: fakehoster.Start(fakehoster.TestMedia(64<<10, 2, 32<<10)), jellyfin: fakejellyfin.New("jf-secret-token"),
		ntfy: webhook.New(), down: webhook.New()}
	t.Cleanup(f.farm.Close)
	f.site = site.New(site.Options{Catalog: site.Demo(), EmbedURL: f.farm.EmbedURL})
	srv := httptest.NewServer(f.site)
	t.Cleanup(srv.Close)
	f.siteURL = srv.URL
	jf, nt, dn := httptest.NewServer(f.jellyfin), httptest.NewServer(f.ntfy), httptest.NewServer(f.down)
	t.Cleanup(jf.Close)
	t.Cleanup(nt.Close)
	t.Cleanup(dn.Close)
	f.down.SetMode(webhook.Down)
	cfg := map[string]any{
		"download": map[string]any{"hoster_order": []string{"Doodstream"}, "max_retries": 1,
			"language_order": []string{"German Dub", "English Sub"}},
		"notifications": map[string]any{"targets": []map[string]any{
			{"name": "phone", "url": "ntfy://" + strings.TrimPrefix(nt.URL, "http://") + "/anime?scheme=http", "enabled": true,
				"events": []string{"download_finished", "episode_found", "series_added"}},
			{"name": "down-hook", "url": dn.URL + "/hook", "enabled": true, "events": []string{"download_finished"}},
		}},
		"media_servers": []map[string]any{{"name": "jf", "kind": "jellyfin", "url": jf.URL, "token": "jf-secret-token", "enabled": true,
			"path_map": []map[string]string{{"from": animeDir, "to": "/media/anime"}}}},
	}
	b, _ := json.Marshal(cfg)
	f.config = string(b)
	return f
}

// TestAutomationEndToEnd: through the real server against fakes — a new
// episode appears on the fake site, is detected on the next refresh,
// queued in the series' wanted language (German Sub, not the global
// German Dub), downloaded; the fake Jellyfin receives the exact mapped
// path; the phone (ntfy) gets the notifications with the title; a
// webhook that is down holds nothing up and is retried until it is back.
func TestAutomationEndToEnd(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	f := startAutomationFakes(t, animeDir)
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(f.config), 0o600)
	env := map[string]string{"ANIWORLD_PROVIDER_URL": f.siteURL, "ANIWORLD_ANIME_DIR": animeDir}
	ta := startApp(t, dataDir, env)
	tok := ta.setupAndLogin(testPassword)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": f.siteURL + "/anime/stream/demo",
		"monitor": map[string]any{"mode": "future", "languages": []string{"German Sub"}}})
	if code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	folder := b["folder"].(string)
	if _, err := f.ntfy.WaitFor(ctx, func(r webhook.Request) bool { return strings.HasPrefix(r.Title, "Series added") }); err != nil {
		t.Fatal(err)
	}
	code, _, b = ta.do("GET", "/api/anime/demo/monitor", tok, nil)
	if code != 200 || b["mode"] != "future" || fmt.Sprint(b["languages"]) != "[German Sub]" {
		t.Fatalf("monitor after add: %d %v", code, b)
	}
	if code, _, b := ta.do("POST", "/api/queue/start", tok, nil); code != 200 {
		t.Fatalf("start: %d %v", code, b)
	}
	code, _, b = ta.do("POST", "/api/anime/demo/monitor/refresh", tok, nil)
	if code != 200 || len(b["queued"].([]any)) != 0 || len(b["new_episodes"].([]any)) != 0 {
		t.Fatalf("baseline refresh: %d %v", code, b)
	}

	n, err := f.site.AddEpisode("demo", 2, site.Episode{TitleDE: "Die neue Folge", TitleEN: "The New One",
		Links: site.LinksFor([]anime.Language{anime.LangGermanDub, anime.LangGermanSub}, "Doodstream")})
	if err != nil {
		t.Fatal(err)
	}
	code, _, b = ta.do("POST", "/api/anime/demo/monitor/refresh", tok, nil)
	queued, _ := json.Marshal(b["queued"])
	if code != 200 || !strings.Contains(string(queued), fmt.Sprintf(`{"episode":%d,"language":"German Sub","season":2}`, n)) {
		t.Fatalf("refresh after the new episode: %d %v", code, b)
	}

	var item map[string]any
	for item == nil {
		_, _, st := ta.do("GET", "/api/queue/status", tok, nil)
		s := st["status"].(map[string]any)
		if failed, _ := s["failed_downloads"].([]any); len(failed) > 0 {
			t.Fatalf("download failed: %v", failed)
		}
		for _, it := range s["completed_downloads"].([]any) {
			item = it.(map[string]any)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("not downloaded: %v", st)
		case <-time.After(50 * time.Millisecond):
		}
	}
	path := item["file_path"].(string)
	if !strings.HasPrefix(path, filepath.Join(animeDir, folder)+string(filepath.Separator)) || !strings.Contains(path, "(German Sub)") ||
		!strings.Contains(path, fmt.Sprintf("S02E%02d", n)) {
		t.Fatalf("downloaded to %s", path)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(animeDir, path)
	if err := f.jellyfin.WaitFor(ctx, "/media/anime/"+filepath.ToSlash(rel)); err != nil {
		t.Fatal(err)
	}
	for _, prefix := range []string{fmt.Sprintf("New episode: Demo & Friends S02E%02d", n), fmt.Sprintf("Downloaded: Demo & Friends S02E%02d", n)} {
		wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
		r, err := f.ntfy.WaitFor(wctx, func(r webhook.Request) bool { return strings.HasPrefix(r.Title, prefix) })
		wcancel()
		if err != nil {
			var titles []string
			for _, r := range f.ntfy.Requests() {
				titles = append(titles, r.Title)
			}
			t.Fatalf("%s: %v; got %q; status %s", prefix, err, titles, ta.getRaw("/api/notifications/status", tok))
		}
		if r.Topic != "anime" {
			t.Fatalf("ntfy topic %q", r.Topic)
		}
	}
	// The target that is down was tried and is retried with backoff; the
	// download completed regardless. Once it is back, it gets the message.
	for f.down.Attempts() < 1 {
		select {
		case <-ctx.Done():
			t.Fatal("the down target was never tried")
		case <-time.After(20 * time.Millisecond):
		}
	}
	f.down.SetMode(webhook.Up)
	r, err := f.down.WaitFor(ctx, func(r webhook.Request) bool { return r.JSON["event"] == "download_finished" })
	if err != nil {
		t.Fatal(err)
	}
	if r.JSON["path"] != path || r.JSON["series_key"] != "demo" || f.down.Attempts() < 2 {
		t.Fatalf("webhook payload %v after %d attempts", r.JSON, f.down.Attempts())
	}
	_, _, st := ta.do("GET", "/api/notifications/status", tok, nil)
	js, _ := json.Marshal(st)
	if !strings.Contains(string(js), `"name":"down-hook"`) || !strings.Contains(string(js), `"retries":`) {
		t.Fatalf("notification status %s", js)
	}

	// The calendar feed lists the download and the next check.
	_, _, fb := ta.do("GET", "/api/calendar/feed", tok, nil)
	ics := ta.getRaw(fb["path"].(string), "")
	unfolded := strings.ReplaceAll(ics, "\r\n ", "")
	for _, want := range []string{"BEGIN:VCALENDAR", fmt.Sprintf("SUMMARY:Downloaded: Demo & Friends S02E%02d", n),
		fmt.Sprintf("SUMMARY:New episode: Demo & Friends S02E%02d", n), "SUMMARY:Check for new episodes: Demo & Friends",
		"SUMMARY:Rescan: Library"} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("feed lacks %q:\n%s", want, ics)
		}
	}
}

// TestAutomationSettingsPersist: monitoring survives a restart; secrets
// of notification targets and media servers are masked in the API and in
// exports, kept when echoed back, and come back with a config backup's
// restore; the feed token survives a restart and rotates.
func TestAutomationSettingsPersist(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	f := startAutomationFakes(t, animeDir)
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(f.config), 0o600)
	env := map[string]string{"ANIWORLD_PROVIDER_URL": f.siteURL, "ANIWORLD_ANIME_DIR": animeDir}
	ta := startApp(t, dataDir, env)
	tok := ta.setupAndLogin(testPassword)
	if code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": f.siteURL + "/anime/stream/demo"}); code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	want := map[string]any{"mode": "all", "languages": []any{"German Dub", "German Sub"}, "fallback_days": 14.0, "movies": true, "specials": false, "upgrade": true}
	if code, _, b := ta.do("PUT", "/api/anime/demo/monitor", tok, want); code != 200 {
		t.Fatalf("put monitor: %d %v", code, b)
	}
	_, _, fb := ta.do("GET", "/api/calendar/feed", tok, nil)
	feed := fb["path"].(string)

	_, _, c := ta.do("GET", "/api/config", tok, nil)
	cj, _ := json.Marshal(c)
	if strings.Contains(string(cj), "jf-secret-token") || !strings.Contains(string(cj), `"url":"ntfy://***"`) || !strings.Contains(string(cj), `"token":"***"`) {
		t.Fatalf("secrets not masked: %s", cj)
	}
	// Echo the masked document back with one change: the secrets are kept.
	c["name"] = "Anime at home"
	delete(c, "advanced")
	if code, _, b := ta.do("PUT", "/api/config", tok, c); code != 200 {
		t.Fatalf("put config: %d %v", code, b)
	}
	raw, _ := os.ReadFile(filepath.Join(dataDir, "config.json"))
	if !strings.Contains(string(raw), "jf-secret-token") || !strings.Contains(string(raw), "ntfy://127.0.0.1") {
		t.Fatalf("a masked echo replaced the secrets: %s", raw)
	}
	_, _, exp := ta.do("POST", "/api/config/export", tok, map[string]any{"include_sensitive": false})
	if ej, _ := json.Marshal(exp); strings.Contains(string(ej), "jf-secret-token") || strings.Contains(string(ej), "ntfy://127") {
		t.Fatalf("export leaks secrets: %s", ej)
	}
	code, _, bk := ta.do("POST", "/api/config/backups", tok, nil)
	if code != 200 && code != 201 {
		t.Fatalf("backup: %d %v", code, bk)
	}
	backup, _ := bk["name"].(string)
	if backup == "" {
		backup, _ = bk["backup_name"].(string)
	}
	if code, _, b := ta.do("PUT", "/api/config", tok, map[string]any{"notifications": map[string]any{"targets": []any{}}, "media_servers": []any{}}); code != 200 {
		t.Fatalf("clear targets: %d %v", code, b)
	}
	if code, _, b := ta.do("POST", "/api/config/backups/"+backup+"/restore", tok, nil); code != 200 {
		t.Fatalf("restore %q: %d %v", backup, code, b)
	}
	if code, _, b := ta.do("POST", "/api/media-servers/test", tok, map[string]any{"name": "jf"}); code != 200 || b["success"] != true {
		t.Fatalf("media server test after restore: %d %v", code, b)
	}
	if code, _, b := ta.do("POST", "/api/notifications/test", tok, map[string]any{"name": "phone"}); code != 200 {
		t.Fatalf("notification test after restore: %d %v", code, b)
	}
	if _, err := f.ntfy.WaitFor(context.Background(), func(r webhook.Request) bool { return r.Title == "aniworld test notification" }); err != nil {
		t.Fatal(err)
	}
	code, _, b := ta.do("POST", "/api/notifications/test", tok, map[string]any{"name": "down-hook"})
	if code != 502 || b["success"] != false || b["request_id"] == "" {
		t.Fatalf("test of a target that is down: %d %v", code, b)
	}

	ta.Stop()
	ta = startApp(t, dataDir, env)
	tok = ta.login(testPassword)
	_, _, got := ta.do("GET", "/api/anime/demo/monitor", tok, nil)
	for k, v := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			t.Fatalf("after restart %s = %v, want %v (%v)", k, got[k], v, got)
		}
	}
	if ics := ta.getRaw(feed, ""); !strings.HasPrefix(ics, "BEGIN:VCALENDAR") {
		t.Fatalf("feed token lost on restart: %.200s", ics)
	}
	_, _, nb := ta.do("POST", "/api/calendar/feed/rotate", tok, nil)
	if nb["path"] == feed {
		t.Fatal("rotate kept the token")
	}
	code, _, eb := ta.do("GET", feed, "", nil)
	if code != 401 || eb["error"] != "AUTHENTICATION_ERROR" || eb["request_id"] == "" {
		t.Fatalf("old feed token: %d %v", code, eb)
	}
}

// TestAutomationRoutesContract: every new route is in the OpenAPI
// document, needs a token (the feed its own), validates its input and
// answers errors in the contract's format.
func TestAutomationRoutesContract(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	f := startAutomationFakes(t, animeDir)
	ta := startApp(t, dataDir, map[string]string{"ANIWORLD_PROVIDER_URL": f.siteURL, "ANIWORLD_ANIME_DIR": animeDir})
	tok := ta.setupAndLogin(testPassword)
	ta.do("POST", "/api/anime/add", tok, map[string]any{"link": f.siteURL + "/anime/stream/demo"})
	doc := ta.getRaw("/api/openapi.json", "")
	var oa struct {
		Paths map[string]map[string]struct {
			Security []map[string][]string `json:"security"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(doc), &oa); err != nil {
		t.Fatal(err)
	}
	routes := []struct{ method, path, openapi string }{
		{"GET", "/api/anime/demo/monitor", "/api/anime/{anime_id}/monitor"},
		{"PUT", "/api/anime/demo/monitor", "/api/anime/{anime_id}/monitor"},
		{"POST", "/api/anime/demo/monitor/refresh", "/api/anime/{anime_id}/monitor/refresh"},
		{"POST", "/api/monitor/bulk", "/api/monitor/bulk"},
		{"POST", "/api/notifications/test", "/api/notifications/test"},
		{"GET", "/api/notifications/status", "/api/notifications/status"},
		{"POST", "/api/media-servers/test", "/api/media-servers/test"},
		{"GET", "/api/calendar", "/api/calendar"},
		{"GET", "/api/calendar/feed", "/api/calendar/feed"},
		{"POST", "/api/calendar/feed/rotate", "/api/calendar/feed/rotate"},
		{"GET", "/feed/calendar.ics", "/feed/calendar.ics"},
	}
	for _, r := range routes {
		op, ok := oa.Paths[r.openapi][strings.ToLower(r.method)]
		if !ok || len(op.Security) == 0 {
			t.Errorf("%s %s not in the OpenAPI document with security (%v)", r.method, r.openapi, ok)
		}
		code, _, b := ta.do(r.method, r.path, "", map[string]any{})
		if code != 401 || b["success"] != false || b["error"] != "AUTHENTICATION_ERROR" || b["request_id"] == "" {
			t.Errorf("%s %s without a token: %d %v", r.method, r.path, code, b)
		}
	}
	bad := []struct {
		method, path string
		body         any
		code         int
	}{
		{"PUT", "/api/anime/demo/monitor", map[string]any{"mode": "sometimes"}, 422},
		{"PUT", "/api/anime/demo/monitor", map[string]any{"mode": "all", "languages": []string{"Klingon"}}, 422},
		{"PUT", "/api/anime/demo/monitor", map[string]any{"mode": "all", "fallback_days": -3}, 422},
		{"PUT", "/api/anime/nope/monitor", map[string]any{"mode": "all"}, 404},
		{"POST", "/api/monitor/bulk", map[string]any{"keys": []string{}}, 422},
		{"POST", "/api/monitor/bulk", map[string]any{"keys": []string{"demo"}, "languages": []string{"Elvish"}}, 422},
		{"POST", "/api/notifications/test", map[string]any{"name": "nobody"}, 404},
		{"POST", "/api/media-servers/test", map[string]any{"name": ""}, 422},
		{"GET", "/api/calendar?days=99", nil, 422},
		{"PUT", "/api/config", map[string]any{"notifications": map[string]any{"targets": []any{map[string]any{"name": "new", "url": "discord://***", "enabled": true}}}}, 422},
		{"PUT", "/api/config", map[string]any{"media_servers": []any{map[string]any{"name": "x", "kind": "vlc", "url": "ftp://x"}}}, 422},
		{"POST", "/api/anime/add", map[string]any{"link": f.siteURL + "/anime/stream/no-movies", "monitor": map[string]any{"mode": "all", "languages": []string{"x"}}}, 422},
	}
	for _, c := range bad {
		code, _, b := ta.do(c.method, c.path, tok, c.body)
		if code != c.code || b["success"] != false || b["error"] == "" || b["request_id"] == "" || b["message"] == "" {
			t.Errorf("%s %s %v: %d %v, want %d in the contract's format", c.method, c.path, c.body, code, b, c.code)
		}
	}
	// The add with bad monitoring added nothing.
	if code, _, _ := ta.do("GET", "/api/anime/no-movies", tok, nil); code != 404 {
		t.Errorf("series added despite invalid monitoring: %d", code)
	}
	code, _, b := ta.do("POST", "/api/monitor/bulk", tok, map[string]any{"keys": []string{"demo", "ghost"}, "mode": "future", "movies": true})
	if code != 200 || fmt.Sprint(b["changed"]) != "[demo]" || b["failed"].(map[string]any)["ghost"] == nil {
		t.Fatalf("bulk: %d %v", code, b)
	}
}

// TestAutomationDubToSubFallback: through the real server with an
// injected clock — a new episode only in German Sub waits for the German
// Dub the series prefers; 14 days later it is queued and downloaded in
// German Sub. It appears in season 1, not the newest: a season with
// recently seen episodes is read past the provider cache.
func TestAutomationDubToSubFallback(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	f := startAutomationFakes(t, animeDir)
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(`{"download":{"hoster_order":["Doodstream"]},"monitor":{"enabled":false}}`), 0o600)
	clk := &manualTime{t: time.Date(2026, 11, 1, 18, 0, 0, 0, time.UTC)}
	ta := startAppWith(t, dataDir, map[string]string{"ANIWORLD_PROVIDER_URL": f.siteURL, "ANIWORLD_ANIME_DIR": animeDir},
		Options{Now: clk.Now})
	tok := ta.setupAndLogin(testPassword)
	if code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": f.siteURL + "/anime/stream/demo",
		"monitor": map[string]any{"mode": "future", "languages": []string{"German Dub", "German Sub"}, "fallback_days": 14}}); code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	ta.do("POST", "/api/queue/start", tok, nil)
	refresh := func() []any {
		code, _, b := ta.do("POST", "/api/anime/demo/monitor/refresh", tok, nil)
		if code != 200 {
			t.Fatalf("refresh: %d %v", code, b)
		}
		return b["queued"].([]any)
	}
	refresh() // baseline
	n, _ := f.site.AddEpisode("demo", 1, site.Episode{TitleDE: "Nur mit Untertiteln", Links: site.LinksFor([]anime.Language{anime.LangGermanSub}, "Doodstream")})
	for _, step := range []time.Duration{0, 7 * 24 * time.Hour, 6*24*time.Hour + 23*time.Hour} {
		clk.Add(step)
		if q := refresh(); len(q) != 0 {
			t.Fatalf("queued %v before 14 days (at %v)", q, clk.Now())
		}
	}
	clk.Add(time.Hour)
	q := refresh()
	if len(q) != 1 || q[0].(map[string]any)["language"] != "German Sub" || q[0].(map[string]any)["episode"] != float64(n) {
		t.Fatalf("after 14 days: %v", q)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		_, _, st := ta.do("GET", "/api/queue/status", tok, nil)
		done := st["status"].(map[string]any)["completed_downloads"].([]any)
		if len(done) == 1 {
			p := done[0].(map[string]any)["file_path"].(string)
			if !strings.Contains(p, fmt.Sprintf("S01E%02d - (German Sub)", n)) {
				t.Fatalf("downloaded %s", p)
			}
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("not downloaded: %v", st)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

type manualTime struct {
	mu sync.Mutex
	t  time.Time
}

func (m *manualTime) Now() time.Time { m.mu.Lock(); defer m.mu.Unlock(); return m.t }
func (m *manualTime) Add(d time.Duration) {
	m.mu.Lock()
	m.t = m.t.Add(d)
	m.mu.Unlock()
}

// TestAutomationNFOTellsMediaServer: creating a series' NFO through the
// API tells the media server about the series folder (mapped).
func TestAutomationNFOTellsMediaServer(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	f := startAutomationFakes(t, animeDir)
	tm := httptest.NewServer(faketmdb.New(faketmdb.Options{APIKey: "k3y"}))
	defer tm.Close()
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(f.config), 0o600)
	ta := startApp(t, dataDir, map[string]string{"ANIWORLD_PROVIDER_URL": f.siteURL, "ANIWORLD_ANIME_DIR": animeDir,
		"ANIWORLD_TMDB_API_URL": tm.URL + "/3", "ANIWORLD_TMDB_IMAGE_URL": tm.URL + "/t/p", "ANIWORLD_TMDB_API_KEY": "k3y"})
	tok := ta.setupAndLogin(testPassword)
	code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": f.siteURL + "/anime/stream/demo"})
	if code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	folder := b["folder"].(string)
	if code, _, b := ta.do("POST", "/api/nfo/demo/create", tok, map[string]any{"serie_name": "Show", "year": 2019}); code != 200 {
		t.Fatalf("nfo create: %d %v", code, b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := f.jellyfin.WaitFor(ctx, "/media/anime/"+folder); err != nil {
		t.Fatal(err)
	}
}

// TestAutomationHealthNotifications: a disk below the free-space limit
// sends one problem; a site that keeps failing refreshes sends one
// problem (not on the first failure: debounced, three in a row); the
// site's recovery sends one recovery.
func TestAutomationHealthNotifications(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	f := startAutomationFakes(t, animeDir)
	cfg := strings.Replace(f.config, `"events":["download_finished","episode_found","series_added"]`, `"events":["health"]`, 1)
	cfg = strings.Replace(cfg, `"notifications":{`, `"notifications":{"disk_min_free_mb":1073741824,`, 1)
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(cfg), 0o600)
	ta := startApp(t, dataDir, map[string]string{"ANIWORLD_PROVIDER_URL": f.siteURL, "ANIWORLD_ANIME_DIR": animeDir})
	tok := ta.setupAndLogin(testPassword)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := f.ntfy.WaitFor(ctx, func(r webhook.Request) bool {
		return r.Title == "Problem: disk" && strings.Contains(r.Message, "MB free")
	}); err != nil {
		t.Fatal(err)
	}
	if code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": f.siteURL + "/anime/stream/demo", "monitor": map[string]any{"mode": "future"}}); code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	f.site.SetFaults(site.FaultDDoSGuard)
	for i := 0; i < 3; i++ {
		if code, _, b := ta.do("POST", "/api/anime/demo/monitor/refresh", tok, nil); code < 500 || b["request_id"] == "" {
			t.Fatalf("refresh against a blocked site: %d %v", code, b)
		}
		if i == 0 {
			if _, _, st := ta.do("GET", "/api/notifications/status", tok, nil); st["health_failing"].(map[string]any)["provider aniworld.to"] != nil {
				t.Fatalf("one failed refresh is already a problem: %v", st)
			}
		}
	}
	if _, err := f.ntfy.WaitFor(ctx, func(r webhook.Request) bool { return r.Title == "Problem: provider aniworld.to" }); err != nil {
		t.Fatal(err)
	}
	_, _, st := ta.do("GET", "/api/notifications/status", tok, nil)
	if st["health_failing"].(map[string]any)["provider aniworld.to"] == nil {
		t.Fatalf("status %v", st)
	}
	f.site.SetFaults(0)
	if code, _, b := ta.do("POST", "/api/anime/demo/monitor/refresh", tok, nil); code != 200 {
		t.Fatalf("refresh after recovery: %d %v", code, b)
	}
	if _, err := f.ntfy.WaitFor(ctx, func(r webhook.Request) bool { return r.Title == "Recovered: provider aniworld.to" }); err != nil {
		t.Fatal(err)
	}
	_, _, mon := ta.do("GET", "/api/anime/demo/monitor", tok, nil)
	if st := mon["status"].(map[string]any); st["last_error"] != nil && st["last_error"] != "" {
		t.Fatalf("last_error after recovery: %v", st)
	}
}

// TestAutomationUpgrade: with upgrade on, an episode downloaded in German
// Sub is downloaded again when the German Dub appears; the Sub file is
// removed once the Dub file is complete.
func TestAutomationUpgrade(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	f := startAutomationFakes(t, animeDir)
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(`{"download":{"hoster_order":["Doodstream"]},"monitor":{"enabled":false}}`), 0o600)
	ta := startApp(t, dataDir, map[string]string{"ANIWORLD_PROVIDER_URL": f.siteURL, "ANIWORLD_ANIME_DIR": animeDir})
	tok := ta.setupAndLogin(testPassword)
	ta.do("POST", "/api/anime/add", tok, map[string]any{"link": f.siteURL + "/anime/stream/demo",
		"monitor": map[string]any{"mode": "future", "languages": []string{"German Dub", "German Sub"}, "upgrade": true}})
	ta.do("POST", "/api/queue/start", tok, nil)
	ta.do("POST", "/api/anime/demo/monitor/refresh", tok, nil) // baseline
	n, _ := f.site.AddEpisode("demo", 2, site.Episode{TitleDE: "Erst untertitelt", Links: site.LinksFor([]anime.Language{anime.LangGermanSub}, "Doodstream")})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	completed := func(want int) []string {
		for {
			_, _, st := ta.do("GET", "/api/queue/status", tok, nil)
			var paths []string
			for _, it := range st["status"].(map[string]any)["completed_downloads"].([]any) {
				paths = append(paths, it.(map[string]any)["file_path"].(string))
			}
			if len(paths) >= want {
				return paths
			}
			select {
			case <-ctx.Done():
				t.Fatalf("%d of %d downloads: %v", len(paths), want, st)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	if _, _, b := ta.do("POST", "/api/anime/demo/monitor/refresh", tok, nil); len(b["queued"].([]any)) != 1 {
		t.Fatalf("sub not queued: %v", b)
	}
	subPath := completed(1)[0]
	if !strings.Contains(subPath, "(German Sub)") {
		t.Fatalf("first download %s", subPath)
	}
	if err := f.site.AddLinks("demo", 2, n, site.LinksFor([]anime.Language{anime.LangGermanDub}, "Doodstream")...); err != nil {
		t.Fatal(err)
	}
	_, _, b := ta.do("POST", "/api/anime/demo/monitor/refresh", tok, nil)
	if q, _ := json.Marshal(b["queued"]); !strings.Contains(string(q), `"language":"German Dub"`) || !strings.Contains(string(q), `"upgrade":true`) {
		d := ta.getRaw("/api/calendar?days=2", tok)
		_, _, st := ta.do("GET", "/api/queue/status", tok, nil)
		t.Fatalf("dub not queued as an upgrade: %v\n%v\n%v", b, d, st["status"].(map[string]any)["completed_downloads"])
	}
	var dubPath string
	for _, p := range completed(2) {
		if strings.Contains(p, "(German Dub)") {
			dubPath = p
		}
	}
	if _, err := os.Stat(dubPath); err != nil {
		t.Fatalf("dub file: %v (downloads %v)", err, completed(2))
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(subPath); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replaced sub file is still there: %s", subPath)
		}
	}
}
