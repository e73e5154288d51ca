package app

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/site"
)

// realMedia encodes a small real H.264/AAC video (320×240) as an MP4 and
// as HLS segments, so the finished downloads can be probed.
func realMedia(t *testing.T) fakehoster.Media {
	t.Helper()
	ffmpeg, err := exec.LookPath("ffmpeg")
	if _, perr := exec.LookPath("ffprobe"); err != nil || perr != nil {
		t.Skip("ffmpeg/ffprobe not on PATH")
	}
	dir := t.TempDir()
	src := []string{"-hide_banner", "-loglevel", "error", "-nostdin",
		"-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=10", "-f", "lavfi", "-i", "sine=duration=2",
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "5", "-c:a", "aac", "-shortest"}
	run := func(args ...string) {
		if out, err := exec.Command(ffmpeg, append(append([]string{}, src...), args...)...).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg: %v\n%s", err, out)
		}
	}
	run("-f", "mp4", filepath.Join(dir, "v.mp4"))
	run("-f", "hls", "-hls_time", "0.5", "-hls_list_size", "0", "-hls_segment_filename", filepath.Join(dir, "s%03d.ts"), filepath.Join(dir, "i.m3u8"))
	var m fakehoster.Media
	if m.MP4, err = os.ReadFile(filepath.Join(dir, "v.mp4")); err != nil {
		t.Fatal(err)
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "s*.ts"))
	sort.Strings(segs)
	for _, s := range segs {
		b, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		m.Segments = append(m.Segments, b)
	}
	return m
}

// TestEpisodeTitlesInFileNames: downloads through the real queue, provider
// and engine are named with the site's episode titles and with the
// resolution and codec probed from the finished file; the scanner reads
// them back; the preview route renders a template for a real episode.
func TestEpisodeTitlesInFileNames(t *testing.T) {
	farm := fakehoster.Start(realMedia(t))
	defer farm.Close()
	fake := httptest.NewServer(site.New(site.Options{Catalog: site.Demo(), EmbedURL: farm.EmbedURL}))
	defer fake.Close()
	dataDir, animeDir := t.TempDir(), t.TempDir()
	tmpl := "Season {season:02}/{title} - S{season:02}E{episode:02} - {episode_title} [{resolution} {codec}] ({language}).mkv"
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(`{"download":{"naming_template":"`+tmpl+`","max_retries":1}}`), 0o600)
	ta := startApp(t, dataDir, map[string]string{"ANIWORLD_PROVIDER_URL": fake.URL, "ANIWORLD_ANIME_DIR": animeDir})
	tok := ta.setupAndLogin(testPassword)

	code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": fake.URL + "/anime/stream/demo"})
	if code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	folder := b["folder"].(string)

	// Before any download: the preview renders for the series' first missing episode.
	code, _, b = ta.do("POST", "/api/config/naming/preview", tok, map[string]any{"template": tmpl})
	if code != 200 || !strings.Contains(b["path"].(string), folder+"/Season 01/") || !strings.Contains(b["path"].(string), "S01E01 - Der Anfang [1080p H.264]") ||
		b["media_from_file"] != false || b["sample"] != false {
		t.Fatalf("preview before download: %d %v", code, b)
	}

	code, _, b = ta.do("POST", "/api/queue/add", tok, map[string]any{"serie_id": "demo", "serie_folder": folder, "serie_name": "Demo",
		"episodes": []any{"S01E01", "S01E03"}})
	if code != 201 {
		t.Fatalf("queue add: %d %v", code, b)
	}
	if code, _, b := ta.do("POST", "/api/queue/start", tok, nil); code != 200 {
		t.Fatalf("start: %d %v", code, b)
	}
	deadline := time.Now().Add(90 * time.Second)
	var files []string
	for time.Now().Before(deadline) {
		_, _, st := ta.do("GET", "/api/queue/status", tok, nil)
		stats := st["statistics"].(map[string]any)
		if stats["failed_count"].(float64) > 0 {
			t.Fatalf("a download failed: %v", st)
		}
		if stats["completed_count"].(float64) == 2 {
			for _, it := range st["status"].(map[string]any)["completed_downloads"].([]any) {
				files = append(files, it.(map[string]any)["file_path"].(string))
			}
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	sort.Strings(files)
	if len(files) != 2 {
		t.Fatalf("downloads did not complete: %v", files)
	}
	for i, want := range []string{
		"S01E01 - Der Anfang [240p H.264] (",
		"S01E03 - Tom & Jerry's Revenge [240p H.264] (", // no German title: the English one, sanitised
	} {
		if !strings.Contains(files[i], want) || !strings.HasPrefix(files[i], filepath.Join(animeDir, folder, "Season 01")+string(filepath.Separator)) {
			t.Errorf("file %q; want it to contain %q", files[i], want)
		}
		if _, err := os.Stat(files[i]); err != nil {
			t.Error(err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(animeDir, folder, "*", "*.part*")); len(left) > 0 {
		t.Fatalf("partial files left: %v", left)
	}

	// A full rescan reads the names back.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if code, _, b := ta.do("POST", "/api/anime/rescan", tok, nil); code >= 300 {
		t.Fatalf("rescan: %d %v", code, b)
	}
	for ctx.Err() == nil {
		_, _, d := ta.do("GET", "/api/anime/demo", tok, nil)
		eps := d["episodes"].([]any)
		if len(eps) == 2 && eps[0] == "1-1" && eps[1] == "1-3" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if ctx.Err() != nil {
		t.Fatal("rescan did not find both episodes")
	}

	// Now the preview reads resolution and codec from the real file.
	code, _, b = ta.do("POST", "/api/config/naming/preview", tok, map[string]any{"template": "{title} {season}x{episode:03} {episode_title_en} {resolution}.mp4", "series_key": "demo"})
	if code != 200 || b["media_from_file"] != true || !strings.HasSuffix(b["path"].(string), " 1x001 The Beginning 240p.mp4") {
		t.Fatalf("preview of a downloaded episode: %d %v", code, b)
	}
	// The template applies to the next download without a restart.
	code, hdr, b := ta.do("PUT", "/api/config", tok, map[string]any{"download": map[string]any{"naming_template": "{title} {season}x{episode:02} {episode_title}.mkv"}})
	if code != 200 || strings.Contains(hdr.Get("X-Restart-Required"), "naming_template") {
		t.Fatalf("save template: %d %v %v", code, hdr, b)
	}
	for _, tt := range []struct {
		body map[string]any
		tok  string
		code int
	}{
		{map[string]any{"template": "{title} {season}{episode}.mp4"}, tok, 422},
		{map[string]any{"template": "S{season}E{episode} {nope}.mp4"}, tok, 422},
		{map[string]any{"template": tmpl, "series_key": "no-such-series"}, tok, 404},
		{map[string]any{"template": tmpl}, "", 401},
		{map[string]any{"template": tmpl, "season": 1}, tok, 422}, // season without episode
		{map[string]any{"template": tmpl, "season": 2, "episode": 1}, tok, 200},
	} {
		if code, _, b := ta.do("POST", "/api/config/naming/preview", tt.tok, tt.body); code != tt.code {
			t.Errorf("preview %v: %d %v; want %d", tt.body, code, b, tt.code)
		}
	}
}
