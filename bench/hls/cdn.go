package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/download"
)

// runCDNFetch is the "cdn-fetch" subcommand: one engine download to an
// MP4 (mode live: remuxed while the segments arrive; post: remuxed after
// the fetch, as before; fetch: no remux, the .ts), timed end to end
// including the final fsyncs and renames.
func runCDNFetch(args []string) error {
	fs := flagSet("cdn-fetch")
	u := fs.String("url", "", "playlist URL")
	out := fs.String("out", "", "target file (.mp4)")
	mode := fs.String("mode", "live", "live, post or fetch")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o := download.Options{ProgressInterval: time.Nanosecond} // every segment reports: the fetch's end is seen
	switch *mode {
	case "live":
	case "post":
		o.DisableLiveRemux = true
	case "fetch":
		o.DisableRemux = true
	default:
		return fmt.Errorf("unknown mode %q", *mode)
	}
	e := download.New(o)
	start := time.Now()
	var fetched time.Duration // when the last segment was in (progress reached 100 %)
	res, err := e.Download(context.Background(), anime.Stream{URL: *u, Kind: anime.StreamHLS, Lang: anime.LangGermanDub}, *out,
		download.Request{Progress: func(p download.Progress) {
			if p.Percent >= 99.999 && fetched == 0 {
				fetched = time.Since(start)
			}
		}})
	if err != nil {
		return err
	}
	if *mode != "fetch" && !res.Remuxed {
		return fmt.Errorf("not remuxed: %v", res.Warnings)
	}
	total := time.Since(start)
	fmt.Fprintf(os.Stderr, "cdn-fetch %s: segments in after %.3f s, file ready after %.3f s\n", *mode, fetched.Seconds(), total.Seconds())
	return json.NewEncoder(os.Stdout).Encode(fetchResult{Bytes: res.Size, Seconds: total.Seconds(), HWMKB: vmHWM(), Path: res.Path})
}

// runCDN is the "cdn" subcommand: the CDN-shaped comparison (see
// RESULTS-CDN.md). Every tool produces a finished file from the same
// server; the reference is 8 parallel GETs of every segment to /dev/null
// in the same round.
func runCDN(args []string) error {
	fs := flagSet("cdn")
	runs := fs.Int("runs", 5, "rounds (every tool once per round, interleaved)")
	dir := fs.String("dir", os.TempDir(), "scratch directory for outputs")
	latency := fs.Duration("latency", 30*time.Millisecond, "time to first byte per request")
	rate := fs.Float64("rate", 20e6, "bytes per second per connection")
	segments := fs.Int("segments", 60, "HLS segments (2 s each)")
	hlsBytes := fs.Int64("hls-bytes", 120e6, "HLS stream size")
	skip := fs.String("skip", "", "comma-separated substrings of tool names to leave out")
	if err := fs.Parse(args); err != nil {
		return err
	}
	bt, cleanup, err := findBenchTools(*dir, "hlscdn-")
	if err != nil {
		return err
	}
	defer cleanup()
	ffmpeg, ytdlp, exe, scratch := bt.ffmpeg, bt.ytdlp, bt.exe, bt.scratch
	base, segSize, stop, err := startCDNServer(exe, ffmpeg, *latency, *rate, *segments, *hlsBytes)
	if err != nil {
		return err
	}
	defer stop()
	total := segSize * int64(*segments)
	fmt.Printf("machine: %d CPUs (%s), %s\n", runtime.NumCPU(), cpuModel(), runtime.Version())
	fmt.Printf("stream: %d x %d bytes = %.1f MB 720p H.264 MPEG-TS; %v to first byte, %.0f MB/s per connection\n\n",
		*segments, segSize, float64(total)/1e6, *latency, *rate/1e6)

	tools := skipTools(cdnTools(exe, ffmpeg, ytdlp, base, *segments), *skip)
	times, ratios, err := timeCDNRounds(tools, *runs, scratch)
	if err != nil {
		return err
	}
	fmt.Printf("\n| tool | median s | median ratio to the GETs (per round) | MB/s |\n|---|---:|---:|---:|\n")
	for _, t := range tools {
		m := median(times[t.name])
		fmt.Printf("| %s | %.2f | %.2fx | %.1f |\n", t.name, m, median(ratios[t.name]), float64(total)/m/1e6)
	}
	return nil
}

// cdnTools are the tools compared, the reference (parallel GETs) first.
func cdnTools(exe, ffmpeg, ytdlp, base string, segments int) []tool {
	m3u8 := base + "/hls/index.m3u8"
	engine := func(mode string) func(context.Context, string) error {
		return func(ctx context.Context, out string) error {
			cmd := exec.CommandContext(ctx, exe, "cdn-fetch", "-url", m3u8, "-out", out, "-mode", mode)
			cmd.Stderr = os.Stderr
			return cmd.Run()
		}
	}
	tools := []tool{
		{"8 parallel GETs to /dev/null (reference)", func(ctx context.Context, _ string) error {
			return parallelGets(ctx, base, segments, 8)
		}},
		{"engine -> .mp4, remux while downloading", engine("live")},
		{"engine -> .mp4, remux after the fetch", engine("post")},
		{"engine -> .ts, no remux (fetch only)", engine("fetch")},
		{"ffmpeg -i m3u8 -c copy -> .mp4", func(ctx context.Context, out string) error {
			return quiet(exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
				"-i", m3u8, "-c", "copy", "-movflags", "+faststart", "-f", "mp4", out))
		}},
	}
	if ytdlp == "" {
		fmt.Println("yt-dlp not found: skipped (apt-get install -y yt-dlp)")
		return tools
	}
	yt := func(extra ...string) func(context.Context, string) error {
		return func(ctx context.Context, out string) error {
			args := append([]string{"--quiet", "--no-warnings", "--no-progress", "--hls-prefer-native",
				"--no-cache-dir", "--ffmpeg-location", ffmpeg, "-o", out}, extra...)
			return quiet(exec.CommandContext(ctx, ytdlp, append(args, m3u8)...))
		}
	}
	return append(tools,
		tool{"yt-dlp (default) -> .mp4", yt()},
		tool{"yt-dlp -N 8 -> .mp4", yt("-N", "8")})
}

// timeCDNRounds runs every tool once per round, interleaved, and answers
// each tool's seconds and its ratio to the first tool in the same round.
func timeCDNRounds(tools []tool, runs int, scratch string) (times, ratios map[string][]float64, err error) {
	times, ratios = map[string][]float64{}, map[string][]float64{}
	ctx := context.Background()
	for r := range runs {
		var ref float64
		for _, t := range tools {
			out := filepath.Join(scratch, "out.mp4")
			start := time.Now()
			if err := t.run(ctx, out); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", t.name, err)
			}
			sec := time.Since(start).Seconds()
			if t.name == tools[0].name {
				ref = sec
			}
			times[t.name] = append(times[t.name], sec)
			ratios[t.name] = append(ratios[t.name], sec/ref)
			for _, p := range []string{out, strings.TrimSuffix(out, ".mp4") + ".ts"} {
				os.Remove(p)
			}
			fmt.Printf("round %d  %-45s %6.2f s  %5.2fx\n", r+1, t.name, sec, sec/ref)
		}
	}
	return times, ratios, nil
}

// startCDNServer starts "cdn-serve" and answers its base URL and segment
// size, and a func that stops it.
func startCDNServer(exe, ffmpeg string, latency time.Duration, rate float64, segments int, hlsBytes int64) (string, int64, func(), error) {
	s, stop, err := startServer(exe, "cdn-serve", "-latency", latency.String(), "-rate", fmt.Sprint(rate),
		"-segments", fmt.Sprint(segments), "-hls-bytes", fmt.Sprint(hlsBytes), "-ffmpeg", ffmpeg)
	if err != nil {
		return "", 0, nil, err
	}
	return s.base, s.segSize, stop, nil
}
