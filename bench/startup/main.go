// Command startup measures, for the built aniworld binary, the time from
// exec to the first 200 on /health and the idle RSS with an empty library.
//
//	go build -o /tmp/aniworld ./cmd/aniworld
//	go run ./bench/startup -bin /tmp/aniworld -runs 11
//
// As a reference measured in the same run, it also times exec-to-exit of
// `aniworld version` (process start + Go runtime init, no server).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	bin := flag.String("bin", "/tmp/aniworld", "aniworld binary")
	runs := flag.Int("runs", 11, "runs")
	idle := flag.Duration("idle", 3*time.Second, "idle time before reading RSS")
	flag.Parse()

	var starts, refs []time.Duration
	var rss []int
	for i := 0; i < *runs; i++ {
		d, r, err := once(*bin, *idle)
		if err != nil {
			fmt.Fprintln(os.Stderr, "run failed:", err)
			os.Exit(1)
		}
		starts = append(starts, d)
		rss = append(rss, r)
		t0 := time.Now()
		if err := exec.Command(*bin, "version").Run(); err != nil {
			fmt.Fprintln(os.Stderr, "version failed:", err)
			os.Exit(1)
		}
		refs = append(refs, time.Since(t0))
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	sort.Slice(refs, func(i, j int) bool { return refs[i] < refs[j] })
	sort.Ints(rss)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	fmt.Printf("runs: %d\n", *runs)
	fmt.Printf("exec -> first 200 on /health: median %.1f ms (min %.1f, max %.1f)\n", ms(starts[len(starts)/2]), ms(starts[0]), ms(starts[len(starts)-1]))
	fmt.Printf("reference exec -> exit of 'aniworld version': median %.1f ms\n", ms(refs[len(refs)/2]))
	fmt.Printf("ratio startup/reference: %.1fx\n", float64(starts[len(starts)/2])/float64(refs[len(refs)/2]))
	fmt.Printf("idle RSS after %v: median %.1f MB (min %.1f, max %.1f)\n", *idle, float64(rss[len(rss)/2])/1024, float64(rss[0])/1024, float64(rss[len(rss)-1])/1024)
}

func once(bin string, idle time.Duration) (time.Duration, int, error) {
	dir, err := os.MkdirTemp("", "aniworld-bench-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	addr := ln.Addr().String()
	ln.Close()
	anime := filepath.Join(dir, "anime")
	os.MkdirAll(anime, 0o755)
	cmd := exec.Command(bin, "--addr", addr, "--data-dir", filepath.Join(dir, "data"), "--anime-dir", anime, "--log-level", "WARNING")
	client := &http.Client{Timeout: time.Second}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	var d time.Duration
	for {
		res, err := client.Get("http://" + addr + "/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				d = time.Since(t0)
				break
			}
		}
		if time.Since(t0) > 10*time.Second {
			return 0, 0, fmt.Errorf("no 200 within 10s")
		}
		time.Sleep(2 * time.Millisecond)
	}
	time.Sleep(idle)
	kb, err := rssKB(cmd.Process.Pid)
	return d, kb, err
}

func rssKB(pid int) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "VmRSS:") {
			return strconv.Atoi(strings.Fields(sc.Text())[1])
		}
	}
	return 0, fmt.Errorf("no VmRSS")
}
