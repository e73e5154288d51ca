package app

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
)

// TestDownloadEndToEnd: add a series, queue two episodes in both request
// forms, run the queue through the real provider, extractors and download
// engine against fakes, with the first hoster refusing (403), and watch it
// over the WebSocket.
func TestDownloadEndToEnd(t *testing.T) {
	media := fakehoster.TestMedia(200<<10, 3, 32<<10)
	_, fake := demoSites(t, media)

	dataDir, animeDir := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(dataDir, "config.json"),
		[]byte(`{"download":{"hoster_order":["Vidoza","Doodstream"],"max_retries":1}}`), 0o600)
	ta := startApp(t, dataDir, map[string]string{"ANIWORLD_PROVIDER_URL": fake.URL, "ANIWORLD_ANIME_DIR": animeDir})
	tok := ta.setupAndLogin(testPassword)

	code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": fake.URL + "/anime/stream/demo"})
	if code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	folder := b["folder"].(string)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, strings.Replace(ta.URL, "http", "ws", 1)+"/ws/connect?token="+tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	events := make(chan map[string]any, 256)
	go func() {
		for {
			_, data, err := conn.Read(ctx)
			if err != nil {
				close(events)
				return
			}
			var m map[string]any
			json.Unmarshal(data, &m)
			events <- m
		}
	}()

	code, _, b = ta.do("POST", "/api/queue/add", tok, map[string]any{
		"serie_id": "demo", "serie_folder": folder, "serie_name": "Demo & Friends",
		"episodes": []any{"S01E01", map[string]any{"season": 1, "episode": 3, "title": "x"}},
		"priority": 1,
	})
	if code != 201 || len(b["item_ids"].([]any)) != 2 {
		t.Fatalf("queue add: %d %v", code, b)
	}
	code, _, b = ta.do("POST", "/api/queue/add", tok, map[string]any{"serie_id": "demo", "episodes": []any{"S01E01"}})
	if code != 201 || len(b["failed_items"].([]any)) != 1 {
		t.Fatalf("duplicate add: %d %v", code, b)
	}
	if code, _, b := ta.do("POST", "/api/queue/start", tok, nil); code != 200 || b["status"] != "success" {
		t.Fatalf("start: %d %v", code, b)
	}

	seen := map[string]int{}
	for seen["download_complete"] < 2 {
		select {
		case m, ok := <-events:
			if !ok {
				t.Fatalf("websocket closed; seen %v", seen)
			}
			typ, _ := m["type"].(string)
			seen[typ]++
			if typ == "download_failed" {
				t.Fatalf("download failed: %v", m)
			}
			if typ == "download_complete" {
				d := m["data"].(map[string]any)
				if d["key"] != "demo" || d["folder"] == "" || d["file_path"] == "" {
					t.Fatalf("complete event: %v", m)
				}
			}
		case <-ctx.Done():
			st := ta.getRaw("/api/queue/status", tok)
			t.Fatalf("timed out; events %v; status %s", seen, st)
		}
	}
	for _, typ := range []string{"connected", "download_added", "download_started", "queue_started"} {
		if seen[typ] == 0 {
			t.Errorf("no %s event (seen %v)", typ, seen)
		}
	}

	code, _, b = ta.do("GET", "/api/queue/status", tok, nil)
	stats := b["statistics"].(map[string]any)
	if code != 200 || stats["completed_count"].(float64) != 2 || stats["total_downloaded_mb"].(float64) <= 0 {
		t.Fatalf("status: %v", b)
	}
	want := sha256.Sum256(media.MP4)
	// Titles survive completion: the site's for the episode sent without
	// one, the client's where it sent one.
	wantTitle := map[float64]string{1: "Der Anfang", 3: "x"}
	for _, it := range b["status"].(map[string]any)["completed_downloads"].([]any) {
		item := it.(map[string]any)
		ep := item["episode"].(map[string]any)
		if got := ep["title"]; got != wantTitle[ep["episode"].(float64)] {
			t.Fatalf("completed %v: title %q, want %q", ep, got, wantTitle[ep["episode"].(float64)])
		}
		path := item["file_path"].(string)
		if !strings.HasPrefix(path, filepath.Join(animeDir, folder)) {
			t.Fatalf("file outside the series folder: %s", path)
		}
		data, err := os.ReadFile(path)
		if err != nil || sha256.Sum256(data) != want {
			t.Fatalf("%s: content differs (%v)", path, err)
		}
		_, _, full := ta.do("GET", "/api/queue/"+item["id"].(string), tok, nil)
		attempts, _ := json.Marshal(full["attempts"])
		if !strings.Contains(string(attempts), "Vidoza") || !strings.Contains(string(attempts), "403") {
			t.Fatalf("attempt log does not show the failover: %s", attempts)
		}
	}
	entries, _ := filepath.Glob(filepath.Join(animeDir, folder, "*", "*.part*"))
	if len(entries) > 0 {
		t.Fatalf("partial files left: %v", entries)
	}
	// Metrics saw the outbound requests, the bytes and the finished downloads.
	metrics := ta.getRaw("/metrics", tok)
	for _, want := range []string{`aniworld_provider_requests_total{host="127.0.0.1"`, "aniworld_download_bytes_total", `aniworld_downloads_finished_total{status="completed"} 2`,
		`aniworld_hoster_resolutions_total{hoster="Vidoza",outcome="failed"} 2`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// The episodes are on disk and no longer missing; the rest still are.
	_, _, d := ta.do("GET", "/api/anime/demo", tok, nil)
	var detail struct {
		Episodes []string         `json:"episodes"`
		Missing  map[string][]int `json:"missing_episodes"`
	}
	raw, _ := json.Marshal(d)
	if err := json.Unmarshal(raw, &detail); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(detail.Episodes, "1-1") || !slices.Contains(detail.Episodes, "1-3") || slices.Contains(detail.Episodes, "1-2") {
		t.Fatalf("episodes on disk: %v", detail.Episodes)
	}
	if want := map[string][]int{"0": {1}, "1": {2}, "2": {1, 2}}; !reflect.DeepEqual(detail.Missing, want) {
		t.Fatalf("missing %v, want %v", detail.Missing, want)
	}
}
