package browser

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// profileProcs lists the processes started with --user-data-dir=dir: the
// browser and every child (Chromium passes the flag to each of them).
func profileProcs(dir string) []int {
	if dir == "" {
		return nil
	}
	want := []byte("--user-data-dir=" + dir)
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		for arg := range bytes.SplitSeq(cmdline, []byte{0}) {
			if bytes.Equal(arg, want) {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}

// killProfile kills the processes of a profile and answers how many it
// found.
func killProfile(dir string) int {
	pids := profileProcs(dir)
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	return len(pids)
}

// rssBytes is the resident set size of a process (0 when unknown).
func rssBytes(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

// ProcessStats is the running browser's process count and summed resident
// memory (zero when none runs).
type ProcessStats struct {
	Processes int   `json:"processes"`
	RSSBytes  int64 `json:"rss_bytes"`
}

// Processes measures the running browser's processes.
func (b *Browser) Processes() ProcessStats {
	b.mu.Lock()
	dir := ""
	if b.proc != nil {
		dir = b.proc.dir
	}
	b.mu.Unlock()
	var s ProcessStats
	for _, pid := range profileProcs(dir) {
		s.Processes++
		s.RSSBytes += rssBytes(pid)
	}
	return s
}
