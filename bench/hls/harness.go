package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
)

// The harness pieces both comparisons ("run" and "cdn") and both servers
// ("serve" and "cdn-serve") share.

// serveUntilSignal listens on addr, prints
// "LISTEN <base url> <segment bytes> <null packets>" for the parent, and
// serves h until SIGTERM/SIGINT, then shuts down within 2 s.
func serveUntilSignal(addr string, h http.Handler, tmpl *tsTemplate) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("LISTEN http://%s %d %d\n", ln.Addr(), len(tmpl.data), tmpl.nullPad)
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-errc:
		return err
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	hs.Shutdown(sctx)
	<-errc
	return nil
}

// served is what a started server subcommand announced on its LISTEN line.
type served struct {
	base    string // "http://127.0.0.1:port"
	segSize int64  // bytes per HLS segment
	nullPad int64  // null TS packets per segment
}

// startServer runs "<exe> args..." (a "serve" or "cdn-serve" subcommand),
// reads its LISTEN line, and answers it with a func that stops the server.
func startServer(exe string, args ...string) (served, func(), error) {
	srv := exec.Command(exe, args...)
	srv.Stderr = os.Stderr
	stdout, err := srv.StdoutPipe()
	if err != nil {
		return served{}, nil, err
	}
	if err := srv.Start(); err != nil {
		return served{}, nil, err
	}
	stop := func() {
		srv.Process.Signal(os.Interrupt)
		srv.Wait()
	}
	var s served
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err == nil {
		_, err = fmt.Sscanf(line, "LISTEN %s %d %d", &s.base, &s.segSize, &s.nullPad)
	}
	if err != nil {
		stop()
		return served{}, nil, fmt.Errorf("server did not start (%q): %w", line, err)
	}
	return s, stop, nil
}

// benchTools are the programs a comparison runs: ffmpeg (required),
// yt-dlp ("" when missing), this binary, and a scratch directory below dir
// that cleanup removes.
type benchTools struct {
	ffmpeg, ytdlp, exe, scratch string
}

// findBenchTools looks up the programs and makes the scratch directory
// (prefix: its name's start).
func findBenchTools(dir, prefix string) (benchTools, func(), error) {
	var b benchTools
	var err error
	if b.ffmpeg, err = exec.LookPath("ffmpeg"); err != nil {
		return b, nil, fmt.Errorf("ffmpeg is required: %w", err)
	}
	b.ytdlp, _ = exec.LookPath("yt-dlp")
	if b.exe, err = os.Executable(); err != nil {
		return b, nil, err
	}
	if b.scratch, err = os.MkdirTemp(dir, prefix); err != nil {
		return b, nil, err
	}
	return b, func() { os.RemoveAll(b.scratch) }, nil
}

// skipTools drops the tools whose names contain one of the comma-separated
// substrings in skip; the first tool (the reference) always stays.
func skipTools(tools []tool, skip string) []tool {
	return slices.DeleteFunc(tools, func(t tool) bool {
		for _, s := range strings.Split(skip, ",") {
			if s != "" && t.name != tools[0].name && strings.Contains(t.name, s) {
				return true
			}
		}
		return false
	})
}
