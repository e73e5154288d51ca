package download

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestMP4Download(t *testing.T) {
	const size = 3<<20 + 12345
	data := randomBytes(42, size)
	tests := []struct {
		name       string
		srv        *mp4Server
		headers    http.Header
		wantErr    error
		wantRanges []string // Range headers the server saw, in order
	}{
		{
			name:       "happy path",
			srv:        &mp4Server{data: data},
			wantRanges: []string{""},
		},
		{
			name:       "cut mid-file resumes with range",
			srv:        &mp4Server{data: data, cutAt: 1 << 20, etag: `"v1"`},
			wantRanges: []string{"", "bytes=1048576-"},
		},
		{
			name:       "server ignoring range restarts from zero",
			srv:        &mp4Server{data: data, cutAt: 1 << 20, ignoreRange: true},
			wantRanges: []string{"", "bytes=1048576-"},
		},
		{
			name:       "referer sent",
			srv:        &mp4Server{data: data, requireReferer: "https://voe.sx/"},
			headers:    http.Header{"Referer": {"https://voe.sx/"}},
			wantRanges: []string{""},
		},
		{
			name:    "missing referer is forbidden",
			srv:     &mp4Server{data: data, requireReferer: "https://voe.sx/"},
			wantErr: anime.ErrForbidden,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(tt.srv)
			defer ts.Close()
			target := filepath.Join(t.TempDir(), "Show S01E001.mp4")
			e := testEngine(Options{})
			res, err := e.Download(context.Background(), anime.Stream{URL: ts.URL + "/v.mp4", Kind: anime.StreamMP4, Headers: tt.headers}, target, Request{})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				mustNotExist(t, target)
				if _, _, reqs := tt.srv.snapshot(); reqs != 1 {
					t.Errorf("a 403 must not be retried: %d requests", reqs)
				}
				return
			}
			if err != nil {
				t.Fatalf("Download: %v", err)
			}
			if res.Path != target {
				t.Errorf("path = %s, want %s", res.Path, target)
			}
			if got := fileSHA(t, target); got != sha(data) {
				t.Errorf("sha mismatch")
			}
			if res.Size != size {
				t.Errorf("size = %d", res.Size)
			}
			mustNotExist(t, PartPath(target))
			mustNotExist(t, StatePath(target))
			ranges, served, _ := tt.srv.snapshot()
			if !equalStrings(ranges, tt.wantRanges) {
				t.Errorf("ranges = %q, want %q", ranges, tt.wantRanges)
			}
			if !tt.srv.ignoreRange && sum(served) != size {
				t.Errorf("server sent %d bytes for a %d byte file: bytes were re-downloaded", sum(served), size)
			}
		})
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMP4ResumeAcrossCalls(t *testing.T) {
	const size = 2<<20 + 77
	data := randomBytes(7, size)
	tests := []struct {
		name        string
		ignoreRange bool
	}{
		{name: "range honoured"},
		{name: "range ignored", ignoreRange: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &mp4Server{data: data, ignoreRange: tt.ignoreRange, etag: `"abc"`}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			target := filepath.Join(t.TempDir(), "ep.mp4")
			stream := anime.Stream{URL: ts.URL + "/v.mp4", Kind: anime.StreamMP4}

			ctx, cancel := context.WithCancel(context.Background())
			ffs := &faultFS{failSuffix: ".part", failAfter: -1, afterWrite: func(calls int) {
				if calls == 3 {
					cancel()
				}
			}}
			_, err := testEngine(Options{FS: ffs}).Download(ctx, stream, target, Request{})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("first call: err = %v, want context.Canceled", err)
			}
			mustNotExist(t, target)
			fi, err := os.Stat(PartPath(target))
			if err != nil || fi.Size() == 0 || fi.Size() >= size {
				t.Fatalf("part after cancel: %v, %v", fi, err)
			}
			have := fi.Size()

			res, err := testEngine(Options{}).Download(context.Background(), stream, target, Request{})
			if err != nil {
				t.Fatalf("second call: %v", err)
			}
			if fileSHA(t, res.Path) != sha(data) {
				t.Fatal("sha mismatch after resume")
			}
			ranges, served, _ := srv.snapshot()
			if len(ranges) != 2 {
				t.Fatalf("requests = %q, want 2", ranges)
			}
			if want := "bytes=" + strconv.FormatInt(have, 10) + "-"; ranges[1] != want {
				t.Errorf("resume request Range = %q, want %q", ranges[1], want)
			}
			if tt.ignoreRange == res.Resumed {
				t.Errorf("Resumed = %v with ignoreRange %v", res.Resumed, tt.ignoreRange)
			}
			if want := size - have; !tt.ignoreRange && served[1] != want {
				t.Errorf("second call received %d bytes, want only the missing %d", served[1], want)
			}
		})
	}
}

func TestMP4WriteErrorLeavesNoFinalFile(t *testing.T) {
	data := randomBytes(3, 1<<20)
	ts := httptest.NewServer(&mp4Server{data: data})
	defer ts.Close()
	target := filepath.Join(t.TempDir(), "ep.mp4")
	e := testEngine(Options{FS: &faultFS{failSuffix: ".part", failAfter: 300 << 10}})
	_, err := e.Download(context.Background(), anime.Stream{URL: ts.URL + "/v.mp4"}, target, Request{})
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("err = %v, want ENOSPC", err)
	}
	mustNotExist(t, target)
	if err := e.Cleanup(target); err != nil {
		t.Fatalf("Cleanup: %v", err)
	}
	mustNotExist(t, PartPath(target))
	mustNotExist(t, StatePath(target))
}

func TestParseContentRange(t *testing.T) {
	tests := []struct {
		name              string
		in                string
		start, end, total int64
		ok                bool
	}{
		{"full", "bytes 0-99/100", 0, 99, 100, true},
		{"tail", "bytes 50-99/100", 50, 99, 100, true},
		{"unknown total", "bytes 5-9/*", 5, 9, -1, true},
		{"end past total", "bytes 0-100/100", 0, 0, 0, false},
		{"no unit", "0-99/100", 0, 0, 0, false},
		{"reversed", "bytes 9-5/100", 0, 0, 0, false},
		{"garbage", "bytes a-b/c", 0, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e, tot, ok := parseContentRange(tt.in)
			if ok != tt.ok || (ok && (s != tt.start || e != tt.end || tot != tt.total)) {
				t.Errorf("got %d %d %d %v", s, e, tot, ok)
			}
		})
	}
}

func TestMP4StalledConnectionIsResumed(t *testing.T) {
	data := randomBytes(11, 1<<20)
	srv := &mp4Server{data: data, hangAt: 300000}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	target := filepath.Join(t.TempDir(), "ep.mp4")
	e := testEngine(Options{StallTimeout: 100 * time.Millisecond})
	res, err := e.Download(context.Background(), anime.Stream{URL: ts.URL + "/v.mp4"}, target, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if fileSHA(t, res.Path) != sha(data) {
		t.Fatal("sha mismatch")
	}
	ranges, _, _ := srv.snapshot()
	if want := []string{"", "bytes=300000-"}; !equalStrings(ranges, want) {
		t.Errorf("ranges = %q, want %q", ranges, want)
	}
}

func TestConcurrentDownloadOfSameTargetRefused(t *testing.T) {
	h := newHLSServer(t, 3, 1000)
	entered := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	h.onSegment = func(int, *http.Request) bool {
		once.Do(func() { close(entered) })
		<-release
		return true
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	target := filepath.Join(t.TempDir(), "ep.mp4")
	e := testEngine(Options{})
	stream := anime.Stream{URL: ts.URL + "/master.m3u8"}
	errc := make(chan error, 1)
	go func() {
		_, err := e.Download(context.Background(), stream, target, Request{})
		errc <- err
	}()
	<-entered
	_, err := e.Download(context.Background(), stream, target, Request{})
	close(release)
	if !errors.Is(err, anime.ErrConflict) {
		t.Errorf("second download: err = %v, want ErrConflict", err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("first download: %v", err)
	}
}
