package main

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// cdnServer serves the synthetic HLS stream the way a CDN edge does for one
// client: every request waits a fixed latency before its first byte, and
// every response body is paced to a per-connection rate (HTTP/1.1, so one
// request per connection at a time: the rate is per request).
type cdnServer struct {
	tmpl     *tsTemplate
	segments int
	latency  time.Duration
	rate     float64 // bytes per second per connection
	pool     sync.Pool
}

func (s *cdnServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(s.latency)
	switch p := r.URL.Path; {
	case p == "/hls/index.m3u8":
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		io.WriteString(w, (&benchServer{tmpl: s.tmpl, segments: s.segments}).playlist())
	case strings.HasPrefix(p, "/hls/seg/"):
		serveSegment(w, r, s.tmpl, s.segments, &s.pool, func(b []byte) { s.paced(w, b) })
	default:
		http.NotFound(w, r)
	}
}

// paced writes b in 64 KiB pieces, sleeping so that the body leaves at
// most at s.rate.
func (s *cdnServer) paced(w http.ResponseWriter, b []byte) {
	const piece = 64 << 10
	start := time.Now()
	f, _ := w.(http.Flusher)
	for off := 0; off < len(b); off += piece {
		end := min(off+piece, len(b))
		if _, err := w.Write(b[off:end]); err != nil {
			return
		}
		if f != nil {
			f.Flush()
		}
		due := start.Add(time.Duration(float64(end) / s.rate * float64(time.Second)))
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
	}
}

// runCDNServe is the "cdn-serve" subcommand: it prints
// "LISTEN <base url> <segment bytes> <null packets>" and serves until
// SIGTERM/SIGINT.
func runCDNServe(args []string) error {
	fs := flagSet("cdn-serve")
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	latency := fs.Duration("latency", 30*time.Millisecond, "time to first byte of every request")
	rate := fs.Float64("rate", 20e6, "bytes per second per connection")
	segments := fs.Int("segments", 60, "HLS segments (2 s each)")
	total := fs.Int64("hls-bytes", 120e6, "approximate HLS stream size")
	ffmpeg := fs.String("ffmpeg", "ffmpeg", "ffmpeg binary (used once to make the TS template)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tmpl, err := makeTemplate(*ffmpeg, 2, int(*total/int64(*segments)))
	if err != nil {
		return err
	}
	srv := &cdnServer{tmpl: tmpl, segments: *segments, latency: *latency, rate: *rate}
	return serveUntilSignal(*addr, srv, tmpl)
}
