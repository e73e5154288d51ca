// Command ws is the WebSocket hub's load benchmark: the parent process runs
// the hub behind a real HTTP server on loopback and publishes download
// progress; a child process (the same binary, -role=clients) connects the
// clients, one of which never reads, and measures end-to-end latency from
// a timestamp carried in each payload. Server CPU is the parent's own
// getrusage, so client work is not counted against the hub.
//
//	go run ./bench/ws -clients 1000 -downloads 3 -hz 10 -duration 10s
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/ws"
)

const benchToken = "bench-token"

type config struct {
	role       string
	url        string
	clients    int
	downloads  int
	hz         int
	duration   time.Duration
	cpuProfile string
}

func main() {
	var cfg config
	flag.StringVar(&cfg.role, "role", "server", "server (default) or clients (internal: the child process)")
	flag.StringVar(&cfg.url, "url", "", "clients role: ws:// URL of the hub")
	flag.IntVar(&cfg.clients, "clients", 1000, "reading clients in the downloads room")
	flag.IntVar(&cfg.downloads, "downloads", 3, "concurrent downloads publishing progress")
	flag.IntVar(&cfg.hz, "hz", 10, "progress messages per download per second")
	flag.DurationVar(&cfg.duration, "duration", 10*time.Second, "publishing time")
	flag.StringVar(&cfg.cpuProfile, "cpuprofile", "", "server role: write a CPU profile of the publishing window here")
	flag.Parse()

	if err := raiseFDLimit(); err != nil {
		fmt.Fprintln(os.Stderr, "warning:", err)
	}
	var err error
	if cfg.role == "clients" {
		err = runClients(cfg)
	} else {
		err = runServer(cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/ws:", err)
		os.Exit(1)
	}
}

// raiseFDLimit lifts the soft open-file limit to the hard limit: the
// clients process holds one socket per client, the server one per client.
func raiseFDLimit() error {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return fmt.Errorf("get fd limit: %w", err)
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
			return fmt.Errorf("raise fd limit: %w", err)
		}
	}
	return nil
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// clientReport is what the clients process prints as its last line.
type clientReport struct {
	Connected   int     `json:"connected"`
	Received    int     `json:"received"`
	Reordered   int     `json:"reordered"`
	MedianMs    float64 `json:"median_ms"`
	P99Ms       float64 `json:"p99_ms"`
	P999Ms      float64 `json:"p999_ms"`
	MaxMs       float64 `json:"max_ms"`
	Samples     int     `json:"samples"`
	CPUSeconds  float64 `json:"cpu_seconds"`
	WallSeconds float64 `json:"wall_seconds"`
}

func runServer(cfg config) error {
	hub := ws.NewHub(ws.Options{
		Authenticate: func(_ context.Context, tok string) (time.Time, bool) { return time.Time{}, tok == benchToken },
		Logger:       slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runDone := make(chan error, 1)
	go func() { runDone <- hub.Run(ctx) }()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /ws/connect", hub)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	srvDone := make(chan error, 1)
	go func() { srvDone <- srv.Serve(ln) }()

	child, lines, stdin, err := startClients(ln.Addr().String(), cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "connected: hub counts %d clients (%d reading + 1 stalled)\n", hub.Count(), cfg.clients)

	if cfg.cpuProfile != "" {
		pf, err := os.Create(cfg.cpuProfile)
		if err != nil {
			return fmt.Errorf("create profile: %w", err)
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return fmt.Errorf("start profile: %w", err)
		}
	}
	cpu0, wall0 := cpuTime(), time.Now()
	load0 := loadAvg()
	total, lateness, publishCost := publishLoad(hub, cfg)
	cpu1, wall1 := cpuTime(), time.Now()
	if cfg.cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	countAfter := hub.Count()
	load1 := loadAvg()
	hub.Publish(event.New(event.SystemInfo, map[string]any{"bench": "done"}))

	var rep clientReport
	if lines.Scan() {
		if err := json.Unmarshal(lines.Bytes(), &rep); err != nil {
			return fmt.Errorf("parse clients report %q: %w", lines.Text(), err)
		}
	}
	_ = stdin.Close() // tells the clients process to exit
	if err := child.Wait(); err != nil {
		return fmt.Errorf("clients process: %w", err)
	}
	cancel()
	if err := <-runDone; err != nil {
		fmt.Fprintln(os.Stderr, "hub run:", err)
	}
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	_ = srv.Shutdown(sctx)
	if err := <-srvDone; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}

	printReport(cfg, report{rep: rep, total: total, wall: wall1.Sub(wall0), cpu: cpu1 - cpu0, lateness: lateness,
		publishCost: publishCost, load0: load0, load1: load1, countAfter: countAfter})
	return nil
}

// startClients starts this program as the clients process against the
// hub at addr and waits until every client is connected.
func startClients(addr string, cfg config) (*exec.Cmd, *bufio.Scanner, io.WriteCloser, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("find executable: %w", err)
	}
	child := exec.Command(self, "-role=clients", "-url=ws://"+addr+"/ws/connect?token="+benchToken,
		fmt.Sprint("-clients=", cfg.clients), fmt.Sprint("-downloads=", cfg.downloads))
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("child stdout: %w", err)
	}
	stdin, err := child.StdinPipe()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("child stdin: %w", err)
	}
	if err := child.Start(); err != nil {
		return nil, nil, nil, fmt.Errorf("start clients: %w", err)
	}
	lines := bufio.NewScanner(out)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	if !lines.Scan() || lines.Text() != "READY" {
		_ = child.Process.Kill()
		_ = child.Wait()
		return nil, nil, nil, fmt.Errorf("clients process did not get ready: %q", lines.Text())
	}
	return child, lines, stdin, nil
}

// publishLoad publishes each download's progress at cfg.hz for
// cfg.duration, the send time in the payload. It answers how many
// messages went out, the publishers' wake-up delays and the time spent
// inside Publish.
func publishLoad(hub *ws.Hub, cfg config) (total int, lateness, publishCost []time.Duration) {
	var published sync.WaitGroup
	var mu sync.Mutex
	pctx, pcancel := context.WithTimeout(context.Background(), cfg.duration)
	defer pcancel()
	for d := range cfg.downloads {
		published.Add(1)
		go func() {
			defer published.Done()
			t := time.NewTicker(time.Second / time.Duration(cfg.hz))
			defer t.Stop()
			id := fmt.Sprintf("download-%d", d)
			var tick time.Time
			for n := 1; ; n++ {
				select {
				case <-pctx.Done():
					mu.Lock()
					total += n - 1
					mu.Unlock()
					return
				case tick = <-t.C:
				}
				now := time.Now()
				mu.Lock()
				lateness = append(lateness, now.Sub(tick))
				mu.Unlock()
				hub.Publish(event.Event{Type: event.DownloadProgress, Time: now, Data: map[string]any{
					"download_id": id, "key": "attack-on-titan", "folder": "Attack on Titan (2013)",
					"seq": n, "percent": float64(n%1000) / 10, "speed_mbps": 2.5, "eta_seconds": 180,
					"sent_unix_ns": now.UnixNano(),
				}})
				mu.Lock()
				publishCost = append(publishCost, time.Since(now))
				mu.Unlock()
			}
		}()
	}
	published.Wait()
	return total, lateness, publishCost
}

// report is what runServer measured.
type report struct {
	rep                   clientReport
	total                 int
	wall, cpu             time.Duration
	lateness, publishCost []time.Duration
	load0, load1          string
	countAfter            int
}

// printReport prints the figures and the verdict on the p99 target.
func printReport(cfg config, r report) {
	rep, wall, cpu, total := r.rep, r.wall, r.cpu, r.total
	expected := total * cfg.clients
	fmt.Printf("machine:            %d CPUs, %s, %s/%s\n", runtime.NumCPU(), cpuModel(), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("load:               %d clients + 1 stalled, %d downloads x %d Hz, %s\n", cfg.clients, cfg.downloads, cfg.hz, wall.Round(time.Millisecond))
	nominal := cfg.downloads * cfg.hz * int(cfg.duration/time.Second)
	fmt.Printf("published:          %d messages (nominal %d; a late ticker skips ticks) -> %d deliveries expected (%.0f/s)\n", total, nominal, expected, float64(expected)/wall.Seconds())
	fmt.Printf("received:           %d (%.2f%%; the rest coalesced), reordered %d\n", rep.Received, 100*float64(rep.Received)/float64(max(expected, 1)), rep.Reordered)
	fmt.Printf("server CPU:         %.2f s in %.2f s = %.1f%% of one core, %.1f%% of the machine\n",
		cpu.Seconds(), wall.Seconds(), 100*cpu.Seconds()/wall.Seconds(), 100*cpu.Seconds()/wall.Seconds()/float64(runtime.NumCPU()))
	fmt.Printf("clients CPU:        %.2f s (separate process, not counted above)\n", rep.CPUSeconds)
	fmt.Printf("latency:            median %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (%d samples)\n", rep.MedianMs, rep.P99Ms, rep.P999Ms, rep.MaxMs, rep.Samples)
	fmt.Printf("Publish call:       median %s, p99 %s, max %s (fan-out to every client's queue)\n", pctDur(r.publishCost, 0.5), pctDur(r.publishCost, 0.99), pctDur(r.publishCost, 1))
	fmt.Printf("machine noise:      publisher wake-up delay median %s, p99 %s, max %s; loadavg %s -> %s\n", pctDur(r.lateness, 0.5), pctDur(r.lateness, 0.99), pctDur(r.lateness, 1), r.load0, r.load1)
	fmt.Printf("hub clients at end: %d (stalled client %s)\n", r.countAfter, stalledState(r.countAfter, cfg.clients))
	verdict := "PASS"
	if rep.P99Ms >= 100 {
		verdict = "FAIL"
	}
	fmt.Printf("target p99 < 100 ms: %s\n", verdict)
}

func stalledState(count, clients int) string {
	if count > clients {
		return "still connected, bounded by its send buffer and coalescing"
	}
	return "disconnected"
}

func pctDur(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))].Round(time.Microsecond)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], "/")
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
