package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/download"
	"github.com/aniworld/aniworld/internal/httpclient"
)

// runTransport is the "transport" subcommand: the download engine fetches
// the same HLS stream over HTTPS (HTTP/2) through the product's HTTP client
// with the chrome transport (Chrome 133 TLS/HTTP2 fingerprint,
// bogdanfinn/tls-client) and with Go's standard transport, interleaved in
// one run, so both see the same machine state. Each download goes to disk
// (the real path) and, separately, to a discarding file system (the
// network pipeline alone, where a slower transport shows most).
func runTransport(args []string) error {
	fs := flagSet("transport")
	runs := fs.Int("runs", 5, "rounds (each transport once per round and sink)")
	dir := fs.String("dir", os.TempDir(), "scratch directory")
	segments := fs.Int("segments", 128, "HLS segments")
	total := fs.Int64("hls-bytes", 256<<20, "approximate HLS stream size")
	latency := fs.Duration("latency", 2*time.Millisecond, "added latency per request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		return fmt.Errorf("ffmpeg is required: %w", err)
	}
	tmpl, err := makeTemplate(ffmpeg, 2, int(*total/int64(*segments)))
	if err != nil {
		return err
	}
	block := randomBlock()
	srv := httptest.NewUnstartedServer(&benchServer{tmpl: tmpl, segments: *segments, latency: *latency, block: block})
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	scratch, err := os.MkdirTemp(*dir, "transportbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	size := int64(len(tmpl.data)) * int64(*segments)
	fmt.Printf("machine: %d CPUs (%s), %s, GOMAXPROCS %d\n", runtime.NumCPU(), cpuModel(), runtime.Version(), runtime.GOMAXPROCS(0))
	fmt.Printf("stream: %d segments, %.0f MiB over HTTPS/HTTP2 from an in-process server, %v latency per request, 8 segments in parallel\n\n",
		*segments, float64(size)/(1<<20), *latency)

	type key struct{ transport, sink string }
	times := map[key][]float64{}
	cpus := map[key][]float64{}
	protos := map[string]string{}
	for round := range *runs {
		for _, sink := range []string{"disk", "discard"} {
			for _, tr := range []string{httpclient.TransportStandard, httpclient.TransportChrome} {
				sec, cpu, err := transportRun(tr, sink, pool, srv.URL+"/hls/index.m3u8", filepath.Join(scratch, "out.ts"), size, protos)
				if err != nil {
					return err
				}
				times[key{tr, sink}] = append(times[key{tr, sink}], sec)
				cpus[key{tr, sink}] = append(cpus[key{tr, sink}], cpu)
				fmt.Printf("round %d  %-8s %-8s %6.2f s  %7.1f MB/s  CPU %5.2f s\n", round+1, sink, tr, sec, float64(size)/sec/1e6, cpu)
			}
		}
	}
	fmt.Printf("\n| sink | transport | protocol | median s | MB/s | throughput ÷ standard | median CPU s (client+server) | CPU ÷ standard |\n|---|---|---|---:|---:|---:|---:|---:|\n")
	for _, sink := range []string{"disk", "discard"} {
		std := median(times[key{httpclient.TransportStandard, sink}])
		stdCPU := median(cpus[key{httpclient.TransportStandard, sink}])
		for _, tr := range []string{httpclient.TransportStandard, httpclient.TransportChrome} {
			m, c := median(times[key{tr, sink}]), median(cpus[key{tr, sink}])
			fmt.Printf("| %s | %s | %s | %.2f | %.1f | %.2f | %.2f | %.2f |\n", sink, tr, protos[tr], m, float64(size)/m/1e6, std/m, c, c/stdCPU)
		}
	}
	return nil
}

// transportRun downloads the stream once through the product's client with
// transport tr into sink ("disk" or "discard") and answers the seconds and
// the process CPU seconds it took.
func transportRun(tr, sink string, pool *x509.CertPool, m3u8, out string, size int64, protos map[string]string) (sec, cpu float64, err error) {
	c := httpclient.New(httpclient.Options{Transport: tr, RootCAs: pool, RateLimit: httpclient.RateLimit{PerSecond: -1}})
	defer c.CloseIdleConnections()
	o := download.Options{Client: protoRecorder{c, protos, tr}, DisableRemux: true}
	dfs := &discardFS{}
	if sink == "discard" {
		o.FS = dfs
	}
	start, cpu0 := time.Now(), cpuSeconds()
	res, err := download.New(o).Download(context.Background(), anime.Stream{URL: m3u8, Kind: anime.StreamHLS}, out, download.Request{})
	if err != nil {
		return 0, 0, fmt.Errorf("%s/%s: %w", tr, sink, err)
	}
	sec, cpu = time.Since(start).Seconds(), cpuSeconds()-cpu0
	got := res.Size
	if sink == "discard" {
		got = dfs.written.Load()
	}
	if got != size {
		return 0, 0, fmt.Errorf("%s/%s: %d bytes, want %d", tr, sink, got, size)
	}
	os.Remove(res.Path)
	return sec, cpu, nil
}

// protoRecorder notes which protocol each transport negotiated.
type protoRecorder struct {
	c      *httpclient.Client
	protos map[string]string
	name   string
}

var protoMu sync.Mutex

func (p protoRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := p.c.Do(req)
	if err == nil {
		protoMu.Lock()
		if p.protos[p.name] == "" {
			p.protos[p.name] = resp.Proto
		}
		protoMu.Unlock()
	}
	return resp, err
}
