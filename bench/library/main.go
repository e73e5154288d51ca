// Command library benchmarks the library scanner on a generated tree:
// 10,000 series folders with 240,000 (empty) episode files, episode lists
// from an in-memory catalog (the provider's cache). It compares a full scan
// with `find <dir> -type f | wc -l` on the same tree in the same run,
// reports peak RSS and the latency of List(per_page=1000), and prints a
// Markdown report. Run: go run ./bench/library [-series N] [-runs N]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/store"
)

// memCatalog is the provider's cache stand-in: every series has two
// seasons of 13 episodes.
type memCatalog struct{}

func (memCatalog) Search(context.Context, string) ([]library.Candidate, error) { return nil, nil }
func (memCatalog) Series(_ context.Context, site, key string) (library.Candidate, error) {
	return library.Candidate{Key: key, Name: key, Site: site}, nil
}
func (memCatalog) Episodes(context.Context, string, string) (map[int][]int, error) {
	s := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
	return map[int][]int{1: s, 2: s}, nil
}

func (c memCatalog) EpisodeList(ctx context.Context, site, key string) ([]library.EpisodeInfo, error) {
	eps, _ := c.Episodes(ctx, site, key)
	var out []library.EpisodeInfo
	for season, nums := range eps {
		for _, n := range nums {
			out = append(out, library.EpisodeInfo{Season: season, Episode: n})
		}
	}
	return out, nil
}

func main() {
	series := flag.Int("series", 10000, "series folders to generate")
	perSeries := flag.Int("episodes", 24, "episode files per series")
	runs := flag.Int("runs", 3, "measured runs (medians are reported)")
	dirFlag := flag.String("dir", "", "where to generate the tree (default: a temp dir, removed afterwards)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of each scan to PREFIX.first.N / PREFIX.rescan.N")
	profScans := flag.String("profile", "all", "which scans -cpuprofile covers: first, rescan or all")
	reuse := flag.Bool("reuse", false, "with -dir: reuse a tree generated there by an earlier run")
	memProfile := flag.String("memprofile", "", "write an allocation profile of the whole run to this file")
	flag.Parse()
	prof := profiler{which: *profScans, prefix: *cpuProfile}
	if err := run(*series, *perSeries, *runs, *dirFlag, *reuse, &prof); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	if *memProfile != "" {
		f, err := os.Create(*memProfile)
		if err == nil {
			err = pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
	}
}

// profiler writes one CPU profile per chosen scan, to PREFIX.first.N or
// PREFIX.rescan.N; `go tool pprof` merges several files given together.
type profiler struct {
	which  string // "first", "rescan" or "all"
	prefix string // empty: no profiling
	n      int
}

// around runs scan, profiling it when kind ("first" or "rescan") is chosen.
func (p *profiler) around(kind string, scan func() error) error {
	if p.prefix == "" || (p.which != "all" && p.which != kind) {
		return scan()
	}
	p.n++
	f, err := os.Create(fmt.Sprintf("%s.%s.%d", p.prefix, kind, p.n))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	return scan()
}

func run(nSeries, perSeries, runs int, dir string, reuse bool, prof *profiler) error {
	ctx := context.Background()
	if dir == "" {
		d, err := os.MkdirTemp("", "aniworld-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	lib := filepath.Join(dir, "anime")
	t0 := time.Now()
	files := nSeries * (perSeries + 1)
	if _, err := os.Stat(lib); !reuse || err != nil {
		n, err := generate(lib, nSeries, perSeries)
		if err != nil {
			return err
		}
		files = n
		fmt.Fprintf(os.Stderr, "generated %d series, %d files in %s\n", nSeries, files, time.Since(t0).Round(time.Millisecond))
	}

	var m measurements
	for r := 0; r < runs; r++ {
		if err := m.run(ctx, dir, lib, nSeries, prof); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "run %d: find %s (%d files), cold scan %s, rescan %s, list p99 %s\n",
			r+1, m.findT[r].Round(time.Millisecond), m.found, m.coldT[r].Round(time.Millisecond), m.warmT[r].Round(time.Millisecond), m.listP99[r])
	}
	m.print(lib, nSeries, perSeries, files, runs)
	return nil
}

// measurements are the figures of every run.
type measurements struct {
	findT, coldT, warmT, listP50, listP99 []time.Duration
	findCPU, coldCPU, warmCPU             []time.Duration
	found                                 int                 // files find counted in the last run
	last                                  library.ScanSummary // the last rescan
}

// run times find, a first scan into a fresh database, a rescan with
// nothing changed and List's latency, once.
func (m *measurements) run(ctx context.Context, dir, lib string, nSeries int, prof *profiler) error {
	c0 := cpu(syscall.RUSAGE_CHILDREN)
	ft, n, err := timeFind(lib)
	if err != nil {
		return err
	}
	m.found = n
	m.findT = append(m.findT, ft)
	m.findCPU = append(m.findCPU, cpu(syscall.RUSAGE_CHILDREN)-c0)
	dbDir, err := os.MkdirTemp(dir, "db-")
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, dbDir)
	if err != nil {
		return err
	}
	defer db.Close()
	svc, err := library.New(library.Options{AnimeDir: lib, Catalog: memCatalog{}, Store: db,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	defer svc.Close()
	runtime.GC()
	start, c1 := time.Now(), cpu(syscall.RUSAGE_SELF)
	var sum library.ScanSummary
	if err := prof.around("first", func() (err error) { sum, err = svc.Scan(ctx, nil); return err }); err != nil {
		return err
	}
	m.coldT, m.coldCPU = append(m.coldT, time.Since(start)), append(m.coldCPU, cpu(syscall.RUSAGE_SELF)-c1)
	runtime.GC()
	start, c1 = time.Now(), cpu(syscall.RUSAGE_SELF)
	if err := prof.around("rescan", func() (err error) { m.last, err = svc.Scan(ctx, nil); return err }); err != nil {
		return err
	}
	m.warmT, m.warmCPU = append(m.warmT, time.Since(start)), append(m.warmCPU, cpu(syscall.RUSAGE_SELF)-c1)
	if sum.Series != nSeries || m.last.Unchanged != nSeries {
		return fmt.Errorf("scan found %d series (%d unchanged on rescan); want %d", sum.Series, m.last.Unchanged, nSeries)
	}
	p50, p99, err := listLatency(ctx, svc, nSeries)
	if err != nil {
		return err
	}
	m.listP50, m.listP99 = append(m.listP50, p50), append(m.listP99, p99)
	return nil
}

// print writes the Markdown report of RESULTS.md.
func (m *measurements) print(lib string, nSeries, perSeries, files, runs int) {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	peakMB := float64(ru.Maxrss) / 1024

	fmt.Printf("## Library scan benchmark (%s)\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Printf("Machine: %s\n\n", machine(lib))
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("Load average at the end (other processes share the machine): %s\n", strings.TrimSpace(string(b)))
	}
	fmt.Printf("Tree: %d series folders, %d files (%d episode files + one marker each), empty files, warm page cache.\n\n",
		nSeries, files, nSeries*perSeries)
	fmt.Printf("| metric (median of %d runs) | value | target |\n|---|---|---|\n", runs)
	fmt.Printf("| `find <dir> -type f \\| wc -l`, wall | %s | |\n", med(m.findT))
	fmt.Printf("| full scan, empty database, wall | %s (%.2f× find) | ≤ 2× find |\n", med(m.coldT), ratio(med(m.coldT), med(m.findT)))
	fmt.Printf("| full rescan, nothing changed, wall | %s (%.2f× find) | ≤ 2× find |\n", med(m.warmT), ratio(med(m.warmT), med(m.findT)))
	fmt.Printf("| full scan / find of the same run (median of the per-run ratios) | %.2f× | ≤ 2× |\n", medRatio(m.coldT, m.findT))
	fmt.Printf("| full rescan / find of the same run (median of the per-run ratios) | %.2f× | ≤ 2× |\n", medRatio(m.warmT, m.findT))
	fmt.Printf("| find, CPU (user+sys) | %s | |\n", med(m.findCPU))
	fmt.Printf("| full scan, CPU | %s (%.2f× find) | |\n", med(m.coldCPU), ratio(med(m.coldCPU), med(m.findCPU)))
	fmt.Printf("| full rescan, CPU | %s (%.2f× find) | |\n", med(m.warmCPU), ratio(med(m.warmCPU), med(m.findCPU)))
	fmt.Printf("| List(per_page=1000) p50 | %s | |\n", med(m.listP50))
	fmt.Printf("| List(per_page=1000) p99 | %s | < 50 ms |\n", med(m.listP99))
	fmt.Printf("| peak RSS of the process | %.1f MB | < 150 MB |\n", peakMB)
	fmt.Printf("\nRuns (find / cold / rescan / list p99): ")
	for i := range m.findT {
		fmt.Printf("[%s / %s / %s / %s] ", m.findT[i].Round(time.Millisecond), m.coldT[i].Round(time.Millisecond),
			m.warmT[i].Round(time.Millisecond), m.listP99[i].Round(10*time.Microsecond))
	}
	fmt.Printf("\n\nLast rescan: %d series, %d episodes, %d missing.\n", m.last.Series, m.last.Episodes, m.last.Missing)
}

// generate writes nSeries folders with a marker and perSeries episode
// files each, half in "Season 01", half in "Season 02".
func generate(root string, nSeries, perSeries int) (int, error) {
	files := 0
	for i := 0; i < nSeries; i++ {
		name := fmt.Sprintf("Series %05d", i)
		key := fmt.Sprintf("series-%05d", i)
		folder := filepath.Join(root, fmt.Sprintf("%s (%d)", name, 1990+i%35))
		for _, s := range []string{"Season 01", "Season 02"} {
			if err := os.MkdirAll(filepath.Join(folder, s), 0o755); err != nil {
				return 0, err
			}
		}
		// Plain write: the bench does not need WriteMarker's fsyncs.
		b, _ := json.Marshal(library.Marker{Key: key, Site: library.SiteAniworld, Name: name})
		if err := os.WriteFile(filepath.Join(folder, library.MarkerFile), b, 0o644); err != nil {
			return 0, err
		}
		files++
		s := anime.Series{Key: key, Name: name}
		for e := 0; e < perSeries; e++ {
			ep := anime.EpisodeRef{Season: 1 + e%2, Episode: 1 + e/2}
			rel, err := library.EpisodePath("", s, ep, anime.LangGermanDub, "")
			if err != nil {
				return 0, err
			}
			f, err := os.Create(filepath.Join(folder, filepath.FromSlash(rel)))
			if err != nil {
				return 0, err
			}
			f.Close()
			files++
		}
	}
	return files, nil
}

// cpu is the user+system CPU time of who (RUSAGE_SELF or RUSAGE_CHILDREN).
func cpu(who int) time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(who, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func timeFind(dir string) (time.Duration, int, error) {
	start := time.Now()
	out, err := exec.Command("sh", "-c", `find "$1" -type f | wc -l`, "sh", dir).Output()
	d := time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("find: %w", err)
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return d, n, nil
}

// listLatency times List(per_page=1000) over every page and sort order.
func listLatency(ctx context.Context, svc *library.Service, n int) (p50, p99 time.Duration, err error) {
	var ds []time.Duration
	pages := (n + 999) / 1000
	for round := 0; round < 10; round++ {
		for _, sort := range []string{"name", "id", "missing_episodes"} {
			for p := 1; p <= pages; p++ {
				start := time.Now()
				items, _, err := svc.List(ctx, library.ListQuery{Page: p, PerPage: 1000, SortBy: sort})
				if err != nil {
					return 0, 0, err
				}
				ds = append(ds, time.Since(start))
				if len(items) == 0 {
					return 0, 0, fmt.Errorf("empty page %d", p)
				}
			}
		}
	}
	slices.Sort(ds)
	return ds[len(ds)/2], ds[min(len(ds)-1, len(ds)*99/100)], nil
}

func med(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2].Round(time.Millisecond / 10)
}

// medRatio is the median of a[i]/b[i]: each scan against the find run just
// before it, which a shared machine's changing load affects least.
func medRatio(a, b []time.Duration) float64 {
	rs := make([]float64, len(a))
	for i := range a {
		rs[i] = ratio(a[i], b[i])
	}
	slices.Sort(rs)
	return rs[len(rs)/2]
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func machine(dir string) string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				_, v, _ := strings.Cut(l, ":")
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		l, _, _ := strings.Cut(string(b), "\n")
		mem = strings.Join(strings.Fields(l)[1:], " ")
	}
	fs := ""
	var st syscall.Statfs_t
	if syscall.Statfs(dir, &st) == nil {
		fs = fmt.Sprintf("fs magic 0x%x", st.Type)
	}
	return fmt.Sprintf("%s, %d CPUs (GOMAXPROCS %d), MemTotal %s, %s/%s, %s, %s", cpu, runtime.NumCPU(), runtime.GOMAXPROCS(0),
		mem, runtime.GOOS, runtime.GOARCH, runtime.Version(), fs)
}
