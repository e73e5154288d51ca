// Command hls benchmarks the download engine against ffmpeg, yt-dlp and
// plain parallel GETs on a local HLS server with added latency, and
// measures the engine's peak RSS on a large MP4. Run it with
//
//	go run ./bench/hls
//
// (flags: -runs, -dir, -latency, -segments, -hls-bytes, -mp4-bytes). The
// subcommands "serve" and "fetch" are what the benchmark spawns itself;
// "gets" runs the reference alone against a running "serve", for quick
// paired experiments (see RESULTS.md).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/download"
)

func main() {
	cmd, args := "run", os.Args[1:]
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "run":
		err = runBench(args)
	case "serve":
		err = runServe(args)
	case "fetch":
		err = runFetch(args)
	case "gets":
		err = runGets(args)
	case "transport": // transport.go: chrome vs standard HTTP client transport
		err = runTransport(args)
	case "cdn", "cdn-serve", "cdn-fetch": // cdn.go: the CDN-shaped comparison
		err = map[string]func([]string) error{"cdn": runCDN, "cdn-serve": runCDNServe, "cdn-fetch": runCDNFetch}[cmd](args)
	default:
		err = fmt.Errorf("unknown subcommand %q (run, serve, fetch, gets)", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "hls bench:", err)
		os.Exit(1)
	}
}

func flagSet(name string) *flag.FlagSet { return flag.NewFlagSet(name, flag.ContinueOnError) }

// fetchResult is what the "fetch" subcommand prints.
type fetchResult struct {
	Bytes   int64   `json:"bytes"`
	Seconds float64 `json:"seconds"`
	HWMKB   int64   `json:"vmhwm_kb"`
	Path    string  `json:"path"`
}

// runFetch downloads one URL with the engine and reports time and peak RSS.
func runFetch(args []string) error {
	fs := flagSet("fetch")
	u := fs.String("url", "", "stream URL")
	out := fs.String("out", "", "target file")
	kind := fs.String("kind", "hls", "hls or mp4")
	conc := fs.Int("concurrency", 8, "segment concurrency")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile here")
	discard := fs.Bool("discard", false, "drop the bytes instead of writing them (pipeline-only measurement)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	o := download.Options{Concurrency: *conc, DisableRemux: true}
	dfs := &discardFS{}
	if *discard {
		o.FS = dfs
	}
	e := download.New(o)
	start := time.Now()
	res, err := e.Download(context.Background(), anime.Stream{URL: *u, Kind: anime.StreamKind(*kind)}, *out, download.Request{})
	if err != nil {
		return err
	}
	if *discard {
		res.Size = dfs.written.Load()
	}
	r := fetchResult{Bytes: res.Size, Seconds: time.Since(start).Seconds(), HWMKB: vmHWM(), Path: res.Path}
	return json.NewEncoder(os.Stdout).Encode(r)
}

// vmHWM is this process's peak resident set size in KiB.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb
		}
	}
	return -1
}

type tool struct {
	name string
	run  func(ctx context.Context, out string) error
}

func runBench(args []string) error {
	fs := flagSet("run")
	runs := fs.Int("runs", 3, "runs per tool")
	dir := fs.String("dir", os.TempDir(), "scratch directory for outputs")
	latency := fs.Duration("latency", 2*time.Millisecond, "added latency per request")
	segments := fs.Int("segments", 500, "HLS segments")
	hlsBytes := fs.Int64("hls-bytes", 1<<30, "HLS stream size")
	mp4Bytes := fs.Int64("mp4-bytes", 2<<30, "MP4 size for the RSS measurement")
	skip := fs.String("skip", "", "comma-separated substrings of tool names to leave out (e.g. yt-dlp)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	bt, cleanup, err := findBenchTools(*dir, "hlsbench-")
	if err != nil {
		return err
	}
	defer cleanup()
	ffmpeg, ytdlp, exe, scratch := bt.ffmpeg, bt.ytdlp, bt.exe, bt.scratch

	s, stop, err := startServer(exe, "serve", "-latency", latency.String(), "-segments", fmt.Sprint(*segments),
		"-hls-bytes", fmt.Sprint(*hlsBytes), "-mp4-bytes", fmt.Sprint(*mp4Bytes), "-ffmpeg", ffmpeg)
	if err != nil {
		return err
	}
	defer stop()
	base, segSize, nullPad := s.base, s.segSize, s.nullPad
	total := segSize * int64(*segments)
	fmt.Printf("machine: %d CPUs (%s), %s, GOMAXPROCS %d\n", runtime.NumCPU(), cpuModel(), runtime.Version(), runtime.GOMAXPROCS(0))
	fmt.Printf("stream: %d segments x %d bytes = %.3f GiB (%.0f%% H.264 payload), %v latency per request\n\n",
		*segments, segSize, float64(total)/(1<<30), 100-float64(nullPad*188)/float64(segSize)*100, *latency)

	ctx := context.Background()
	tools := skipTools(hlsTools(exe, ffmpeg, ytdlp, base, *segments, total), *skip)
	times, sizes, err := timeTools(ctx, tools, *runs, scratch, total)
	if err != nil {
		return err
	}
	fmt.Printf("\n| tool | median s | MB/s | engine speed ratio | output bytes |\n|---|---:|---:|---:|---:|\n")
	ours := median(times[tools[0].name])
	for _, t := range tools {
		m := median(times[t.name])
		fmt.Printf("| %s | %.2f | %.1f | %.2fx | %d |\n", t.name, m, float64(total)/m/1e6, m/ours, sizes[t.name])
	}
	return peakRSS(ctx, exe, base, scratch)
}

// hlsTools are the downloaders compared: the engine first (the reference
// of the ratio column), ffmpeg, yt-dlp when installed, and two floors.
func hlsTools(exe, ffmpeg, ytdlp, base string, segments int, total int64) []tool {
	m3u8 := base + "/hls/index.m3u8"
	tools := []tool{
		{"engine (8 segments in parallel)", func(ctx context.Context, out string) error {
			_, err := fetchSub(ctx, exe, m3u8, out, "hls")
			return err
		}},
		{"engine, bytes discarded (pipeline only)", func(ctx context.Context, out string) error {
			r, err := fetchSub(ctx, exe, m3u8, out, "hls", "-discard")
			if err == nil && r.Bytes != total {
				err = fmt.Errorf("discarded %d bytes, want %d", r.Bytes, total)
			}
			return err
		}},
		{"ffmpeg -c copy", func(ctx context.Context, out string) error {
			return quiet(exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
				"-i", m3u8, "-c", "copy", "-f", "mpegts", out))
		}},
	}
	if ytdlp != "" {
		tools = append(tools,
			tool{"yt-dlp (default, 1 fragment at a time)", func(ctx context.Context, out string) error {
				return quiet(exec.CommandContext(ctx, ytdlp, "--quiet", "--no-warnings", "--no-progress", "--fixup", "never",
					"--hls-prefer-native", "--no-cache-dir", "-o", out, m3u8))
			}},
			tool{"yt-dlp -N 8", func(ctx context.Context, out string) error {
				return quiet(exec.CommandContext(ctx, ytdlp, "--quiet", "--no-warnings", "--no-progress", "--fixup", "never",
					"--hls-prefer-native", "--no-cache-dir", "-N", "8", "-o", out, m3u8))
			}},
		)
	} else {
		fmt.Println("yt-dlp not found: skipped (apt-get install -y yt-dlp)")
	}
	return append(tools, tool{"8 parallel GETs to /dev/null", func(ctx context.Context, _ string) error {
		return parallelGets(ctx, base, segments, 8)
	}}, tool{"write the bytes from memory + fsync (disk floor)", func(_ context.Context, out string) error {
		return writeFloor(out, total)
	}})
}

// timeTools runs every tool runs times, in turn, and answers the seconds
// of each run and the size of each tool's output.
func timeTools(ctx context.Context, tools []tool, runs int, scratch string, total int64) (map[string][]float64, map[string]int64, error) {
	times := map[string][]float64{}
	sizes := map[string]int64{}
	for r := range runs {
		for _, t := range tools {
			out := filepath.Join(scratch, "out.ts")
			start := time.Now()
			if err := t.run(ctx, out); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", t.name, err)
			}
			sec := time.Since(start).Seconds()
			times[t.name] = append(times[t.name], sec)
			if fi, err := os.Stat(out); err == nil {
				sizes[t.name] = fi.Size()
			}
			os.Remove(out)
			fmt.Printf("run %d  %-40s %7.2f s  %7.1f MB/s\n", r+1, t.name, sec, float64(total)/sec/1e6)
		}
	}
	return times, sizes, nil
}

// peakRSS prints the engine process's peak RSS for the big MP4 and the
// HLS stream.
func peakRSS(ctx context.Context, exe, base, scratch string) error {
	fmt.Println("\npeak RSS of the engine process (VmHWM):")
	res, err := fetchSub(ctx, exe, base+"/big.mp4", filepath.Join(scratch, "big.mp4"), "mp4")
	if err != nil {
		return fmt.Errorf("mp4 rss run: %w", err)
	}
	os.Remove(res.Path)
	fmt.Printf("  MP4 %.2f GiB: %.1f MB peak RSS, %.1f MB/s\n", float64(res.Bytes)/(1<<30), float64(res.HWMKB)/1024, float64(res.Bytes)/res.Seconds/1e6)
	res, err = fetchSub(ctx, exe, base+"/hls/index.m3u8", filepath.Join(scratch, "rss.ts"), "hls")
	if err != nil {
		return fmt.Errorf("hls rss run: %w", err)
	}
	os.Remove(res.Path)
	fmt.Printf("  HLS %.2f GiB: %.1f MB peak RSS\n", float64(res.Bytes)/(1<<30), float64(res.HWMKB)/1024)
	return nil
}

func fetchSub(ctx context.Context, exe, u, out, kind string, extra ...string) (fetchResult, error) {
	cmd := exec.CommandContext(ctx, exe, append([]string{"fetch", "-url", u, "-out", out, "-kind", kind}, extra...)...)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return fetchResult{}, err
	}
	var r fetchResult
	if err := json.Unmarshal(b, &r); err != nil {
		return fetchResult{}, fmt.Errorf("fetch output %q: %w", b, err)
	}
	return r, nil
}

func quiet(cmd *exec.Cmd) error {
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	return nil
}

// parallelGets fetches every segment with n workers, discarding bodies.
func parallelGets(ctx context.Context, base string, segments, n int) error {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = n
	c := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= segments {
					return
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/hls/seg/%d.ts", base, i), nil)
				resp, err := c.Do(req)
				if err != nil {
					errs <- err
					return
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// writeFloor writes n bytes from one 256 KiB buffer to out, starting the
// kernel's writeback every 4 MiB as the engine does, and fsyncs it: what
// persisting the stream costs on the scratch file system without any
// network work, for reading the engine's figures against (informational;
// the engine's target stays the GETs to /dev/null).
func writeFloor(out string, n int64) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	buf := make([]byte, 256<<10)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	var kicked int64
	for done := int64(0); done < n; {
		m := min(int64(len(buf)), n-done)
		if _, err := f.Write(buf[:m]); err != nil {
			f.Close()
			return err
		}
		done += m
		if done-kicked >= 4<<20 {
			startWriteback(f, kicked, done-kicked)
			kicked = done
		}
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// runGets is the "gets" subcommand: the reference (n parallel plain GETs
// of every segment to io.Discard) against a running "serve", for quick
// paired comparisons with "fetch" without restarting the server.
func runGets(args []string) error {
	fs := flagSet("gets")
	base := fs.String("base", "", "server base URL (as printed by serve)")
	segments := fs.Int("segments", 500, "HLS segments")
	n := fs.Int("n", 8, "parallel GETs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	start := time.Now()
	if err := parallelGets(context.Background(), *base, *segments, *n); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(fetchResult{Seconds: time.Since(start).Seconds(), HWMKB: vmHWM()})
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "unknown CPU"
}
