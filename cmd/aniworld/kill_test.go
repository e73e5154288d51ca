package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/site"
)

// throttle slows every response to about 4 MB/s, so that downloads take
// long enough to be killed in the middle.
// It counts the bytes served and the requests that resume with Range.
func throttle(h http.Handler, served, ranged *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Range") != "" && !strings.HasPrefix(r.Header.Get("Range"), "bytes=0-") {
			ranged.Add(1)
		}
		h.ServeHTTP(&slowWriter{ResponseWriter: w, rc: http.NewResponseController(w), served: served}, r)
	})
}

type slowWriter struct {
	http.ResponseWriter
	rc     *http.ResponseController
	served *atomic.Int64
}

func (s *slowWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		c := min(len(p), 16<<10)
		m, err := s.ResponseWriter.Write(p[:c])
		n += m
		s.served.Add(int64(m))
		if err != nil {
			return n, err
		}
		_ = s.rc.Flush()
		p = p[c:]
		time.Sleep(4 * time.Millisecond)
	}
	return n, nil
}

// client talks to whichever server process is current.
type client struct {
	t     *testing.T
	base  string
	token string
}

func (c *client) do(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	var m map[string]any
	json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m
}

// TestKillDuringDownloads kills the server with SIGKILL at 10 random
// moments while it downloads six episodes, restarting it each time. Every
// item must end completed, exactly once, with files identical to the
// source.
func TestKillDuringDownloads(t *testing.T) {
	media := fakehoster.TestMedia(2<<20, 2, 16<<10)
	vidoza, err := fakehoster.New(fakehoster.Vidoza, media)
	if err != nil {
		t.Fatal(err)
	}
	var served, ranged atomic.Int64
	hs := httptest.NewServer(throttle(vidoza, &served, &ranged))
	defer hs.Close()
	var eps []site.Episode
	for i := 1; i <= 6; i++ {
		eps = append(eps, site.Episode{TitleDE: fmt.Sprintf("Folge %d", i), Links: site.LinksFor([]anime.Language{anime.LangGermanDub}, fakehoster.Vidoza)})
	}
	cat := site.Catalog{Series: []site.Series{{Slug: "kill-test", Title: "Kill Test", StartYear: 2020, Description: "x", Seasons: [][]site.Episode{eps}}}}
	fake := httptest.NewServer(site.New(site.Options{Catalog: cat, EmbedURL: func(_, id string) string { return hs.URL + vidoza.EmbedPath(id) }}))
	defer fake.Close()

	dataDir, animeDir := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(`{"download":{"hoster_order":["Vidoza"],"max_retries":10}}`), 0o600)
	env := []string{"ANIWORLD_PROVIDER_URL=" + fake.URL, "ANIWORLD_ANIME_DIR=" + animeDir}
	p := startEnv(t, dataDir, env)
	c := &client{t: t, base: "http://" + p.addr}
	if code, b := c.do("POST", "/api/auth/setup", map[string]any{"master_password": "Kill-Test-1!"}); code != 201 {
		t.Fatalf("setup: %d %v", code, b)
	}
	_, b := c.do("POST", "/api/auth/login", map[string]any{"password": "Kill-Test-1!", "remember": true})
	c.token, _ = b["access_token"].(string)
	if code, b := c.do("POST", "/api/anime/add", map[string]any{"link": fake.URL + "/anime/stream/kill-test"}); code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	var codes []any
	for i := 1; i <= 6; i++ {
		codes = append(codes, fmt.Sprintf("S01E%02d", i))
	}
	if code, b := c.do("POST", "/api/queue/add", map[string]any{"serie_id": "kill-test", "episodes": codes}); code != 201 {
		t.Fatalf("queue: %d %v", code, b)
	}
	if code, _ := c.do("POST", "/api/queue/start", nil); code != 200 {
		t.Fatal("start")
	}

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := 0; i < 10; i++ {
		// Kill while a transfer is in flight: once this process has served
		// some media, after a random extra moment.
		from := served.Load()
		for wait := time.Now().Add(30 * time.Second); served.Load() < from+128<<10; {
			if time.Now().After(wait) {
				t.Fatalf("round %d: no download in flight\n%s", i, p.stderr.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
		p.cmd.Process.Kill()
		<-p.done
		p = startEnv(t, dataDir, env)
		c.base = "http://" + p.addr
	}

	deadline := time.Now().Add(3 * time.Minute)
	var st map[string]any
	for {
		_, st = c.do("GET", "/api/queue/status", nil)
		stats, _ := st["statistics"].(map[string]any)
		if stats != nil && stats["completed_count"] == float64(6) {
			if stats["total_items"] != float64(6) || stats["failed_count"] != float64(0) || stats["pending_count"] != float64(0) {
				t.Fatalf("statistics: %v", stats)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not all completed: %v\n%s", stats, p.stderr.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	want := sha256.Sum256(media.MP4)
	seen := map[string]bool{}
	for _, it := range st["status"].(map[string]any)["completed_downloads"].([]any) {
		item := it.(map[string]any)
		ep := item["episode"].(map[string]any)
		code := fmt.Sprintf("%v-%v", ep["season"], ep["episode"])
		if seen[code] {
			t.Fatalf("episode %s completed twice", code)
		}
		seen[code] = true
		data, err := os.ReadFile(item["file_path"].(string))
		if err != nil || sha256.Sum256(data) != want {
			t.Fatalf("%s: content differs (%v)", item["file_path"], err)
		}
	}
	if ranged.Load() == 0 {
		t.Fatal("no download resumed with Range after a kill")
	}
	t.Logf("%d requests resumed with Range; %d MB served for %d MB of files", ranged.Load(), served.Load()>>20, 6*len(media.MP4)>>20)
	if len(seen) != 6 {
		t.Fatalf("completed episodes: %v", seen)
	}
	var leftovers []string
	filepath.Walk(animeDir, func(path string, info os.FileInfo, err error) error {
		if err == nil && strings.Contains(filepath.Base(path), ".part") {
			leftovers = append(leftovers, path)
		}
		return nil
	})
	if len(leftovers) > 0 {
		t.Fatalf("partial files left: %v", leftovers)
	}
}
