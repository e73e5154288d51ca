// Command api measures GET /api/anime?per_page=1000 over HTTP on a library
// of 10,000 series (all with missing episodes), against the real server
// (app.Build + Serve on loopback), with GET /health measured in the same
// run as the reference.
//
//	go run ./bench/api -series 10000 -requests 300
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/app"
	"github.com/aniworld/aniworld/internal/store"
)

func main() {
	n := flag.Int("series", 10000, "series in the library")
	reqs := flag.Int("requests", 300, "requests per measured route")
	flag.Parse()
	if err := run(*n, *reqs); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(n, reqs int) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "aniworld-bench-api-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dataDir, animeDir := filepath.Join(dir, "data"), filepath.Join(dir, "anime")
	os.MkdirAll(animeDir, 0o755)
	if err := seedLibrary(ctx, dataDir, n); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	env := map[string]string{"ANIWORLD_LOG_LEVEL": "WARNING"}
	a, err := app.Build(ctx, app.Env{Stdout: io.Discard, Stderr: os.Stderr, Getenv: func(k string) string { return env[k] }},
		app.Options{Flags: overrides(dataDir, animeDir, addr)})
	if err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Serve(sctx, ln) }()
	defer func() { stop(); <-done }()

	base := "http://" + addr
	tok, err := login(base)
	if err != nil {
		return err
	}
	list, size, err := measure(base, tok, "/api/anime?per_page=1000&page=%d", reqs, n)
	if err != nil {
		return err
	}
	health, _, err := measure(base, tok, "/health", reqs, n)
	if err != nil {
		return err
	}
	pct := func(ds []time.Duration, p float64) float64 {
		return float64(ds[int(float64(len(ds)-1)*p)].Microseconds()) / 1000
	}
	fmt.Printf("library: %d series; %d requests per route\n", n, reqs)
	fmt.Printf("GET /api/anime?per_page=1000 (%d KB): p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", size/1024, pct(list, 0.5), pct(list, 0.99), pct(list, 1))
	fmt.Printf("GET /health (reference):          p50 %.2f ms, p99 %.2f ms\n", pct(health, 0.5), pct(health, 0.99))
	return nil
}

// seedLibrary stores n series with 18 missing episodes each in the
// database under dataDir, in batches of 500.
func seedLibrary(ctx context.Context, dataDir string, n int) error {
	db, err := store.Open(ctx, dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	batch := make([]store.ScannedSeries, 0, 500)
	for i := 1; i <= n; i++ {
		key := fmt.Sprintf("series-%d", i)
		missing := anime.MissingEpisodes{"1": {1, 2, 3, 4, 5, 6}, "2": {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}
		batch = append(batch, store.ScannedSeries{
			Series: anime.Series{Key: key, Name: fmt.Sprintf("Series %d", i), Site: "aniworld.to",
				Folder: fmt.Sprintf("Series %d (2020)", i), Link: "https://aniworld.to/anime/stream/" + key, Year: 2020},
			Missing: missing, Fingerprint: key,
		})
		if len(batch) == cap(batch) || i == n {
			if err := db.SaveScannedBatch(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return nil
}

// login sets the master password and answers a bearer token.
func login(base string) (string, error) {
	post := func(path, body string) (map[string]any, error) {
		res, err := http.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		return m, nil
	}
	if _, err := post("/api/auth/setup", `{"master_password":"Bench-Pass1!"}`); err != nil {
		return "", err
	}
	m, err := post("/api/auth/login", `{"password":"Bench-Pass1!"}`)
	if err != nil {
		return "", err
	}
	tok, _ := m["access_token"].(string)
	if tok == "" {
		return "", fmt.Errorf("login failed: %v", m)
	}
	return tok, nil
}

// measure GETs path reqs times after 10 warm-up requests ("%d" in path
// walks the pages of n series) and answers the sorted durations and the
// last body's size.
func measure(base, tok, path string, reqs, n int) ([]time.Duration, int, error) {
	client := &http.Client{}
	var ds []time.Duration
	size := 0
	for i := 0; i < reqs+10; i++ {
		p := path
		if strings.Contains(p, "%d") {
			p = fmt.Sprintf(path, i%(n/1000)+1)
		}
		req, _ := http.NewRequest("GET", base+p, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		t0 := time.Now()
		res, err := client.Do(req)
		if err != nil {
			return nil, 0, err
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		d := time.Since(t0)
		if res.StatusCode != 200 {
			return nil, 0, fmt.Errorf("%s: %d %s", p, res.StatusCode, b)
		}
		size = len(b)
		if i >= 10 { // warm-up
			ds = append(ds, d)
		}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds, size, nil
}
