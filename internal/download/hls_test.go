package download

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestHLSDownload(t *testing.T) {
	tests := []struct {
		name        string
		concurrency int
		referer     string
		headers     http.Header
		flaky       bool // every segment answers 503 once
		clear       bool // no encryption, no init section: segments are streamed
		cut         bool // some segments' first responses break mid-body
		wantErr     error
	}{
		{name: "sequential", concurrency: 1},
		{name: "parallel", concurrency: 8},
		{name: "clear segments streamed sequentially", concurrency: 1, clear: true},
		{name: "clear segments streamed in parallel", concurrency: 8, clear: true},
		{name: "streamed segment cut mid-body is refetched", concurrency: 4, clear: true, cut: true},
		{name: "buffered segment cut mid-body is refetched", concurrency: 4, cut: true},
		{name: "retries transient 503", concurrency: 4, flaky: true},
		{name: "headers on every request", concurrency: 3, referer: "https://filemoon.to", headers: http.Header{"Referer": {"https://filemoon.to"}}},
		{name: "missing referer is forbidden", concurrency: 3, referer: "https://filemoon.to", wantErr: anime.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHLSServer(t, 23, 20000)
			if tt.clear {
				h.clear()
			}
			if tt.cut {
				h.cutOnce = map[int]bool{0: true, 5: true, 22: true}
			}
			h.requireReferer = tt.referer
			if tt.flaky {
				var failed [23]atomic.Bool
				h.onSegment = func(i int, _ *http.Request) bool { return failed[i].Swap(true) }
			}
			ts := httptest.NewServer(h)
			defer ts.Close()
			target := filepath.Join(t.TempDir(), "Show", "Season 01", "Show S01E002.mp4")
			e := testEngine(Options{Concurrency: tt.concurrency})
			res, err := e.Download(context.Background(), anime.Stream{URL: ts.URL + "/master.m3u8", Kind: anime.StreamHLS, Headers: tt.headers}, target, Request{})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				mustNotExist(t, target)
				return
			}
			if err != nil {
				t.Fatalf("Download: %v", err)
			}
			wantPath := target
			if tt.clear { // MPEG-TS without ffmpeg is kept as .ts
				wantPath = strings.TrimSuffix(target, ".mp4") + ".ts"
			}
			if res.Path != wantPath || res.Kind != anime.StreamHLS || res.Remuxed {
				t.Errorf("result = %+v", res)
			}
			got, err := os.ReadFile(res.Path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, h.expected()) {
				t.Fatalf("output differs from init+plaintext segments (%d vs %d bytes)", len(got), len(h.expected()))
			}
			if h.hit("/low/index.m3u8")+h.hit("/mid/index.m3u8") != 0 {
				t.Error("a lower variant was fetched")
			}
			want := 1
			if tt.clear {
				want = 0
			}
			if n := h.hit("/keys/k1"); n != want {
				t.Errorf("key fetched %d times, want %d", n, want)
			}
			if n := h.hit("/hi/init.mp4"); n != want {
				t.Errorf("init fetched %d times, want %d", n, want)
			}
			if tt.cut && h.hit("/hi/seg5.ts") != 2 {
				t.Errorf("cut segment fetched %d times, want 2", h.hit("/hi/seg5.ts"))
			}
			mustNotExist(t, PartPath(target))
			mustNotExist(t, StatePath(target))
		})
	}
}

func TestHLSResumeAfterCancel(t *testing.T) {
	const n, stopAt = 40, 17
	tests := []struct {
		name  string
		clear bool
	}{
		{name: "encrypted, buffered"},
		{name: "clear, streamed", clear: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHLSServer(t, n, 30000)
			if tt.clear {
				h.clear()
			}
			// Segments from stopAt on hang until the client gives up, so the
			// first call completes exactly the prefix [0, stopAt).
			var hang atomic.Bool
			hang.Store(true)
			h.onSegment = func(i int, r *http.Request) bool {
				if i >= stopAt && hang.Load() {
					<-r.Context().Done()
					return false
				}
				return true
			}
			ts := httptest.NewServer(h)
			defer ts.Close()
			target := filepath.Join(t.TempDir(), "ep.mp4")
			stream := anime.Stream{URL: ts.URL + "/master.m3u8", Kind: anime.StreamHLS}
			prefix := int64(len(h.init))
			for _, seg := range h.segs[:stopAt] {
				prefix += int64(len(seg))
			}

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			clock := &fakeClock{step: time.Second}
			_, err := testEngine(Options{Concurrency: 4, Now: clock.Now, ProgressInterval: time.Nanosecond}).Download(ctx, stream, target, Request{
				Progress: func(p Progress) {
					if p.BytesDone == prefix {
						cancel()
					}
				},
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("first call: err = %v, want context.Canceled", err)
			}
			mustNotExist(t, target)
			raw, err := os.ReadFile(StatePath(target))
			if err != nil {
				t.Fatalf("state after cancel: %v", err)
			}
			var st state
			if err := json.Unmarshal(raw, &st); err != nil {
				t.Fatal(err)
			}
			if st.Done != stopAt || st.Offset != prefix || st.Complete {
				t.Fatalf("state after cancel = %+v, want done %d offset %d", st, stopAt, prefix)
			}
			hang.Store(false)
			before := make([]int, n)
			for i := range n {
				before[i] = h.hit(fmt.Sprintf("/hi/seg%d.ts", i))
			}

			res, err := testEngine(Options{Concurrency: 4}).Download(context.Background(), stream, target, Request{})
			if err != nil {
				t.Fatalf("second call: %v", err)
			}
			if !res.Resumed {
				t.Error("Resumed = false")
			}
			got, err := os.ReadFile(res.Path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, h.expected()) {
				t.Fatal("resumed output differs")
			}
			for i := range n {
				again := h.hit(fmt.Sprintf("/hi/seg%d.ts", i)) - before[i]
				switch {
				case i < stopAt && again != 0:
					t.Errorf("segment %d was done before the restart but fetched %d more times", i, again)
				case i >= stopAt && again != 1:
					t.Errorf("segment %d fetched %d times in the second call, want 1", i, again)
				}
			}
			if want := 1; !tt.clear && h.hit("/hi/init.mp4") != want {
				t.Errorf("init fetched %d times overall, want 1 (it is in the resumed prefix)", h.hit("/hi/init.mp4"))
			}
		})
	}
}

func TestHLSWriteErrorLeavesNoFinalFile(t *testing.T) {
	tests := []struct {
		name  string
		clear bool
	}{
		{name: "buffered segments"},
		{name: "streamed segments", clear: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHLSServer(t, 12, 50000)
			if tt.clear {
				h.clear()
			}
			ts := httptest.NewServer(h)
			defer ts.Close()
			target := filepath.Join(t.TempDir(), "ep.mkv")
			e := testEngine(Options{FS: &faultFS{failSuffix: ".part", failAfter: 200000}})
			_, err := e.Download(context.Background(), anime.Stream{URL: ts.URL + "/master.m3u8"}, target, Request{})
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("err = %v, want ENOSPC", err)
			}
			for _, p := range []string{target, filepath.Join(filepath.Dir(target), "ep.mp4"), filepath.Join(filepath.Dir(target), "ep.ts")} {
				mustNotExist(t, p)
			}
			if err := e.Cleanup(target); err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(filepath.Dir(target))
			if len(entries) != 0 {
				t.Errorf("directory not empty after Cleanup: %v", entries)
			}
		})
	}
}

func TestHLSStreamedSegmentLengthChangeFails(t *testing.T) {
	h := newHLSServer(t, 4, 10000).clear()
	h.cutOnce = map[int]bool{2: true}
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hi/seg2.ts" && calls.Add(1) == 2 {
			w.Write([]byte("a different, shorter body"))
			return
		}
		h.ServeHTTP(w, r)
	}))
	defer ts.Close()
	target := filepath.Join(t.TempDir(), "ep.ts")
	_, err := testEngine(Options{}).Download(context.Background(), anime.Stream{URL: ts.URL + "/master.m3u8"}, target, Request{})
	if !errors.Is(err, anime.ErrProvider) || !strings.Contains(err.Error(), "length changed") {
		t.Fatalf("err = %v, want a length-changed ErrProvider", err)
	}
	if calls.Load() != 2 {
		t.Errorf("segment requested %d times, want 2 (a changed length is not retried)", calls.Load())
	}
	mustNotExist(t, target)
}

func TestHLSBadKeyFailsPermanently(t *testing.T) {
	h := newHLSServer(t, 5, 1000)
	good := h.key
	h.key = randomBytes(5555, 16) // the server encrypts with another key than it serves
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/keys/k1" {
			w.Write(good)
			return
		}
		h.ServeHTTP(w, r)
	}))
	defer ts.Close()
	target := filepath.Join(t.TempDir(), "ep.mp4")
	_, err := testEngine(Options{}).Download(context.Background(), anime.Stream{URL: ts.URL + "/master.m3u8"}, target, Request{})
	if !errors.Is(err, anime.ErrProvider) {
		t.Fatalf("err = %v, want ErrProvider", err)
	}
	mustNotExist(t, target)
}

func TestProgressMonotonicAndThrottled(t *testing.T) {
	tests := []struct {
		name   string
		stream func(base string) anime.Stream
		srv    http.Handler
	}{
		{"mp4", func(b string) anime.Stream { return anime.Stream{URL: b + "/v.mp4"} }, &mp4Server{data: randomBytes(1, 4<<20)}},
		{"hls", func(b string) anime.Stream { return anime.Stream{URL: b + "/master.m3u8"} }, newHLSServer(t, 60, 20000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(tt.srv)
			defer ts.Close()
			clock := &fakeClock{step: 20 * 1e6} // 20 ms per clock read
			const interval = 100 * 1e6
			var reports []Progress
			var at []int64
			e := testEngine(Options{Now: clock.Now, ProgressInterval: interval, Concurrency: 4})
			target := filepath.Join(t.TempDir(), "ep.mp4")
			res, err := e.Download(context.Background(), tt.stream(ts.URL), target, Request{Progress: func(p Progress) {
				reports = append(reports, p)
				at = append(at, clock.peek().UnixNano())
			}})
			if err != nil {
				t.Fatal(err)
			}
			if len(reports) < 3 {
				t.Fatalf("only %d reports", len(reports))
			}
			last := reports[len(reports)-1]
			if last.Percent != 100 || last.BytesDone != res.Size {
				t.Errorf("final report = %+v, want 100%% of %d", last, res.Size)
			}
			for i := 1; i < len(reports); i++ {
				p, q := reports[i-1], reports[i]
				if q.Percent < p.Percent || q.BytesDone < p.BytesDone {
					t.Errorf("report %d went backwards: %+v -> %+v", i, p, q)
				}
				if i < len(reports)-1 && at[i]-at[i-1] < interval {
					t.Errorf("reports %d and %d only %v apart", i-1, i, at[i]-at[i-1])
				}
				if q.Percent < 0 || q.Percent > 100 {
					t.Errorf("percent %v out of range", q.Percent)
				}
			}
			mid := reports[len(reports)/2]
			if mid.BytesTotal <= 0 || mid.BytesDone <= 0 || mid.BytesDone > mid.BytesTotal*2 {
				t.Errorf("mid report lacks bytes/total: %+v", mid)
			}
		})
	}
}

func TestMP4URLServingPlaylistIsFetchedAsHLS(t *testing.T) {
	h := newHLSServer(t, 4, 5000)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hi/video.mp4" { // a "direct" link that is really a playlist
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			w.Write([]byte(h.mediaPlaylist()))
			return
		}
		h.ServeHTTP(w, r)
	}))
	defer ts.Close()
	target := filepath.Join(t.TempDir(), "ep.mp4")
	res, err := testEngine(Options{}).Download(context.Background(), anime.Stream{URL: ts.URL + "/hi/video.mp4", Kind: anime.StreamMP4}, target, Request{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(res.Path)
	if res.Kind != anime.StreamHLS || !bytes.Equal(got, h.expected()) {
		t.Fatalf("result %+v, %d bytes", res, len(got))
	}
}
