package queue

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestStatistics(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	const size = 2 << 20 // 2 MB per episode
	e := newEnv(t, "", func(o *Options) {
		o.Now = clk.Now
		o.MaxRetries = -1
		o.ListLimit = 2
	})
	e.dl.size = size
	// Every transfer takes 2 s of clock time, the first half in the first second.
	e.dl.during = func() { clk.Advance(time.Second) }
	e.dl.fail = func(s anime.Stream, _ int) error {
		clk.Advance(time.Second)
		if strings.Contains(s.URL, "S01E03") {
			return errors.New("boom")
		}
		return nil
	}
	e.add("aot", anime.PriorityHigh, "S01E01", "S01E02", "S01E03")
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	stop := e.run()
	e.pub.waitFor(t, "three done", func() bool {
		st := e.status().Statistics
		return st.CompletedCount+st.FailedCount == 3
	})
	stop()

	// One more item runs and is held after its first half (1 MB in 1 s).
	reached := make(chan struct{}, 1)
	e.dl.set(func(d *fakeDownloader) {
		d.gate = make(chan struct{})
		d.fail = nil
		d.during = func() {
			clk.Advance(time.Second)
			select {
			case reached <- struct{}{}:
			default:
			}
		}
	})
	e.add("aot", "", "S01E04", "S01E05", "S01E06", "S01E07")
	e.run()
	<-reached
	st := e.status()
	s := st.Statistics
	check := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if s.TotalItems != 7 || s.PendingCount != 3 || s.ActiveCount != 1 || s.CompletedCount != 2 || s.FailedCount != 1 {
		t.Fatalf("counts %+v", s)
	}
	// 2 completed × 2 MB + the failed item's 1 MB partial + 1 MB live.
	check("total_downloaded_mb", s.TotalDownloadedMB, 6)
	// Live: 1 MB over the 1 s since the try started.
	check("average_speed_mbps", s.AverageSpeedMbps, 1)
	// Left: 1 MB of the active item + 3 pending × 2 MB (mean completed size), at 1 MB/s.
	if s.EstimatedTimeRemaining != 7 {
		t.Errorf("estimated_time_remaining = %d, want 7", s.EstimatedTimeRemaining)
	}
	active := st.Status.ActiveDownloads[0].Progress
	check("active percent", active.Percent, 50)
	check("active speed", active.SpeedMbps, 1)
	if active.ETASeconds != 1 {
		t.Errorf("active eta = %d, want 1", active.ETASeconds)
	}
	// Lists are capped at ListLimit; counts are not.
	if len(st.Status.PendingQueue) != 2 || len(st.Status.CompletedDownloads) != 2 || len(st.Status.FailedDownloads) != 1 {
		t.Fatalf("list lengths %d/%d/%d", len(st.Status.PendingQueue), len(st.Status.CompletedDownloads), len(st.Status.FailedDownloads))
	}
	if st.Status.ListLimit != 2 {
		t.Fatalf("list_limit %d", st.Status.ListLimit)
	}
	close(e.dl.gate)
	e.pub.waitFor(t, "all complete", func() bool { return e.status().Statistics.CompletedCount == 6 })
	s = e.status().Statistics
	// Idle: mean speed of completed transfers: 12 MB in 2+2+1+1+1+1 s.
	check("idle average_speed_mbps", s.AverageSpeedMbps, 1.5)
	check("final total_downloaded_mb", s.TotalDownloadedMB, 6*2+1)
	if s.EstimatedTimeRemaining != 0 {
		t.Errorf("idle eta %d", s.EstimatedTimeRemaining)
	}
}

func TestStatusJSONShape(t *testing.T) {
	e := newEnv(t, "", nil)
	check := func(t *testing.T, obj map[string]any, keys ...string) {
		t.Helper()
		for _, k := range keys {
			if _, ok := obj[k]; !ok {
				t.Errorf("missing key %q in %v", k, obj)
			}
		}
	}
	tests := []struct {
		name    string
		prepare func()
		pending int
	}{
		{"empty queue", func() {}, 0},
		{"one pending", func() { e.add("aot", "", "S01E01") }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.prepare()
			b, err := json.Marshal(e.status())
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]map[string]any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			check(t, doc["status"], "is_running", "is_paused", "active_downloads", "pending_queue",
				"completed_downloads", "failed_downloads")
			check(t, doc["statistics"], "total_items", "pending_count", "active_count", "completed_count",
				"failed_count", "total_downloaded_mb", "average_speed_mbps", "estimated_time_remaining")
			for _, l := range []string{"active_downloads", "pending_queue", "completed_downloads", "failed_downloads"} {
				if _, ok := doc["status"][l].([]any); !ok {
					t.Errorf("%s is %v, want a JSON array", l, doc["status"][l])
				}
			}
			pending := doc["status"]["pending_queue"].([]any)
			if len(pending) != tt.pending {
				t.Fatalf("pending_queue has %d items, want %d", len(pending), tt.pending)
			}
			if tt.pending > 0 {
				item := pending[0].(map[string]any)
				// The API's download item fields, flattened at the top level.
				check(t, item, "id", "serie_id", "serie_folder", "serie_name", "episode", "status", "priority",
					"added_at", "started_at", "completed_at", "progress", "error", "retry_count", "source_url")
				if item["status"] != "pending" || item["priority"] != "NORMAL" || item["progress"] != nil {
					t.Errorf("item %v", item)
				}
			}
		})
	}
}
