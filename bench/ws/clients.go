package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/sync/errgroup"
)

// runClients is the child process: it connects one stalled client and
// cfg.clients reading clients, prints READY, records latencies until the
// server's "done" system_info, prints its report, and exits when stdin
// closes.
func runClients(cfg config) error {
	ctx := context.Background()
	wall0, cpu0 := time.Now(), cpuTime()

	stalled, err := dial(ctx, cfg.url)
	if err != nil {
		return fmt.Errorf("stalled client: %w", err)
	}
	defer stalled.CloseNow()

	conns := make([]*websocket.Conn, cfg.clients)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(64)
	for i := range conns {
		g.Go(func() error {
			c, err := dial(gctx, cfg.url)
			conns[i] = c
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("connect clients: %w", err)
	}
	defer func() {
		for _, c := range conns {
			_ = c.CloseNow()
		}
	}()

	results := make([]clientResult, len(conns))
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = readProgress(ctx, c, cfg.downloads*cfg.hz*int(cfg.duration.Seconds()+1))
		}()
	}
	fmt.Println("READY")
	wg.Wait()

	rep := summarize(results)
	rep.CPUSeconds = (cpuTime() - cpu0).Seconds()
	rep.WallSeconds = time.Since(wall0).Seconds()
	b, err := json.Marshal(rep)
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	fmt.Println(string(b))
	_, _ = io.Copy(io.Discard, os.Stdin) // the server closes stdin when done
	return nil
}

// clientResult is what one client saw.
type clientResult struct {
	received, reordered int
	lat                 []int64 // microseconds
}

// readProgress reads one client's messages until the server's "done"
// system_info (or the connection ends), recording the latency of every
// progress message and the ones that came out of order.
func readProgress(ctx context.Context, c *websocket.Conn, expected int) clientResult {
	r := clientResult{lat: make([]int64, 0, expected)}
	last := map[string]int{}
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			return r
		}
		now := time.Now()
		var m struct {
			Type string `json:"type"`
			Data struct {
				DownloadID string `json:"download_id"`
				Seq        int    `json:"seq"`
				SentUnixNs int64  `json:"sent_unix_ns"`
				Bench      string `json:"bench"`
			} `json:"data"`
		}
		if json.Unmarshal(b, &m) != nil {
			continue
		}
		switch m.Type {
		case "download_progress":
			r.received++
			r.lat = append(r.lat, now.Sub(time.Unix(0, m.Data.SentUnixNs)).Microseconds())
			if m.Data.Seq <= last[m.Data.DownloadID] {
				r.reordered++
			}
			last[m.Data.DownloadID] = m.Data.Seq
		case "system_info":
			if m.Data.Bench == "done" {
				return r
			}
		}
	}
}

// summarize adds up the clients' counts and latency percentiles.
func summarize(results []clientResult) clientReport {
	rep := clientReport{Connected: len(results)}
	var all []int64
	for _, r := range results {
		rep.Received += r.received
		rep.Reordered += r.reordered
		all = append(all, r.lat...)
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(p*float64(len(all))))]) / 1000
	}
	rep.Samples = len(all)
	rep.MedianMs, rep.P99Ms, rep.P999Ms = pct(0.50), pct(0.99), pct(0.999)
	if len(all) > 0 {
		rep.MaxMs = float64(all[len(all)-1]) / 1000
	}
	return rep
}

// dial connects one client and consumes its connected message.
func dial(ctx context.Context, url string) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	if _, _, err := c.Read(ctx); err != nil {
		_ = c.CloseNow()
		return nil, fmt.Errorf("read connected: %w", err)
	}
	return c, nil
}
