// Package queuebench measures what the download queue's bookkeeping costs
// as the queue grows: Status with 10,000 items against an empty queue.
// Run: go test -run '^$' -bench . -benchmem ./bench/queue/
package queuebench

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/store"
)

// idle satisfies the queue's dependencies; the benchmark never runs a
// download.
type idle struct{}

func (idle) Resolve(context.Context, queue.ResolveRequest) (anime.Stream, []queue.Attempt, error) {
	return anime.Stream{}, nil, errors.New("not used")
}

func (idle) Download(context.Context, anime.Stream, string, queue.ProgressFunc, queue.NameFunc) (queue.Downloaded, error) {
	return queue.Downloaded{}, errors.New("not used")
}

func (idle) DownloadTarget(context.Context, string, anime.EpisodeRef, anime.Language) (anime.Target, error) {
	return anime.Target{}, errors.New("not used")
}

func (idle) FinalTarget(context.Context, string, anime.EpisodeRef, anime.Language, anime.Target, anime.MediaInfo, string) (anime.Target, error) {
	return anime.Target{}, errors.New("not used")
}

func (idle) MarkDownloaded(context.Context, string, anime.EpisodeRef, anime.Language, anime.Target) error {
	return errors.New("not used")
}

func (idle) Cleanup(string) error { return nil }

// fill adds n pending items (up to 100 series × n/100 episodes); with history,
// 20 % become completed and 10 % failed.
func fill(b *testing.B, n int, history bool) *queue.Service {
	b.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	q, err := queue.New(ctx, queue.Options{Store: db, Resolver: idle{}, Downloader: idle{}, Library: idle{}})
	if err != nil {
		b.Fatal(err)
	}
	prios := []anime.Priority{anime.PriorityLow, anime.PriorityNormal, anime.PriorityHigh}
	series := min(n, 100)
	for s := 0; s < series; s++ {
		eps := make([]anime.EpisodeRef, n/series)
		for i := range eps {
			eps[i] = anime.EpisodeRef{Season: 1 + i/24, Episode: 1 + i%24, Title: fmt.Sprintf("Episode %d", i+1)}
		}
		key := fmt.Sprintf("series-%03d", s)
		if _, failed, err := q.Add(ctx, queue.AddRequest{SerieID: key, SerieFolder: key + " (2024)",
			SerieName: key, Episodes: eps, Priority: prios[s%3]}); err != nil || len(failed) > 0 {
			b.Fatalf("add: %v %v", failed, err)
		}
	}
	if history {
		if _, err := db.ExecContext(ctx, `UPDATE queue_items SET status = 'completed',
			bytes_downloaded = 300000000, bytes_total = 300000000, transfer_ms = 60000,
			completed_at = updated_at, file_path = '/anime/x.mp4' WHERE rowid % 10 IN (0, 1)`); err != nil {
			b.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE queue_items SET status = 'failed', retry_count = 4,
			error = 'failed after 4 tries: no stream', attempts = '[{"stage":"resolve","hoster":"VOE","ok":false,"error":"403"}]'
			WHERE rowid % 10 = 2`); err != nil {
			b.Fatal(err)
		}
	}
	st, err := q.Status(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if st.Statistics.TotalItems != n {
		b.Fatalf("queue holds %d items, want %d", st.Statistics.TotalItems, n)
	}
	return q
}

func BenchmarkStatus(b *testing.B) {
	cases := []struct {
		name    string
		items   int
		history bool
	}{
		{"empty", 0, false},
		{"10k_pending", 10000, false},
		{"300_mixed", 300, true},
		{"10k_mixed", 10000, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			q := fill(b, c.items, c.history)
			ctx := context.Background()
			// Wall time per op is what a caller waits; on a shared machine
			// it is noisy, so CPU time per op (user+sys of this process,
			// getrusage) is reported too.
			cpu0 := cpuTime()
			n := 0
			for b.Loop() {
				if _, err := q.Status(ctx); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(n), "cpu-ns/op")
		})
	}
}

// cpuTime is the CPU time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
