package download

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/attempt"
	"github.com/aniworld/aniworld/internal/httpclient"
)

// countingServer answers a two-segment HLS playlist and fails every request
// for the path it was told to fail, counting requests per path.
type countingServer struct {
	mu    sync.Mutex
	calls map[string]int
	fail  string
}

func (s *countingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls[r.URL.Path]++
	s.mu.Unlock()
	if r.URL.Path == s.fail {
		http.Error(w, "upstream broke", http.StatusBadGateway)
		return
	}
	switch r.URL.Path {
	case "/index.m3u8":
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		fmt.Fprint(w, "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg0.ts\n#EXTINF:4,\nseg1.ts\n#EXT-X-ENDLIST\n")
	default:
		w.Write(make([]byte, 188))
	}
}

func (s *countingServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

// TestFailingRequestTriedExactlyRetriesPlusOne: a request that keeps
// failing is sent exactly Options.Retries+1 times, also through the
// program's HTTP client with its own retries configured: the engine owns
// the retries of its requests, the client sends each of them once (before,
// the two stacked: (client retries+1)×(engine retries+1) requests).
func TestFailingRequestTriedExactlyRetriesPlusOne(t *testing.T) {
	clients := map[string]func() Doer{
		"program client with 3 retries": func() Doer {
			return httpclient.New(httpclient.Options{Retries: 3, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond,
				RateLimit: httpclient.RateLimit{PerSecond: -1}, Transport: httpclient.TransportStandard})
		},
		"plain net/http client": func() Doer { return &http.Client{} },
	}
	tests := []struct {
		name    string
		kind    anime.StreamKind
		url     string
		fail    string
		retries int
	}{
		{"mp4 file", anime.StreamMP4, "/v.mp4", "/v.mp4", 4},
		{"hls playlist", anime.StreamHLS, "/index.m3u8", "/index.m3u8", 2},
		{"hls segment", anime.StreamHLS, "/index.m3u8", "/seg1.ts", 4},
		{"no retries", anime.StreamMP4, "/v.mp4", "/v.mp4", -1},
	}
	for cname, client := range clients {
		for _, tt := range tests {
			t.Run(cname+"/"+tt.name, func(t *testing.T) {
				srv := &countingServer{calls: map[string]int{}, fail: tt.fail}
				ts := httptest.NewServer(srv)
				defer ts.Close()
				e := testEngine(Options{Client: client(), Retries: tt.retries, Concurrency: 1})
				target := filepath.Join(t.TempDir(), "ep.mkv")
				_, err := e.Download(context.Background(), anime.Stream{URL: ts.URL + tt.url, Kind: tt.kind}, target, Request{})
				var se *StatusError
				if !errors.As(err, &se) || se.Code != http.StatusBadGateway {
					t.Fatalf("err = %v, want the 502", err)
				}
				want := max(tt.retries, 0) + 1
				if got := srv.count(tt.fail); got != want {
					t.Errorf("%s requested %d times, want exactly %d (Retries %d)", tt.fail, got, want, tt.retries)
				}
			})
		}
	}
}

// TestRefusedConnectionIsADialError: a download from a closed port fails
// with the refused dial, not with the stall wording ("no progress for …"),
// through either client.
func TestRefusedConnectionIsADialError(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL + "/v.mp4"
	ts.Close()
	clients := map[string]Doer{
		"program client": httpclient.New(httpclient.Options{RateLimit: httpclient.RateLimit{PerSecond: -1}, Transport: httpclient.TransportStandard}),
		"plain client":   &http.Client{},
	}
	for name, c := range clients {
		t.Run(name, func(t *testing.T) {
			e := testEngine(Options{Client: c, Retries: 1})
			_, err := e.Download(context.Background(), anime.Stream{URL: url, Kind: anime.StreamMP4}, filepath.Join(t.TempDir(), "ep.mkv"), Request{})
			if !errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, attempt.ErrStalled) || strings.Contains(err.Error(), "no progress") {
				t.Errorf("err = %v, want the refused dial, not a stall", err)
			}
		})
	}
}
