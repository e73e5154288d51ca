package browser

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Work kinds recorded in Status.
const (
	KindSolve   = "solve"   // a challenge solve
	KindCapture = "capture" // an embed played to find its stream
)

// Status is the browser's state for health, metrics and the System page.
type Status struct {
	Enabled   Enabled `json:"enabled"`
	Available bool    `json:"available"`
	// Reason says why the browser is not available (what to install).
	Reason string `json:"reason,omitempty"`
	// Path is the executable (not shown by health, which names no paths).
	Path string `json:"-"`
	// HeadedPossible is true when Xvfb is installed for the headed mode.
	HeadedPossible bool `json:"headed_possible"`
	Running        bool `json:"running"`
	Headed         bool `json:"headed"`
	OpenTabs       int  `json:"open_tabs"`
	MaxTabs        int  `json:"max_tabs"`
	// Starts counts browser launches since the program started.
	Starts               int          `json:"starts"`
	MaxSolvesPerHostHour int          `json:"max_solves_per_host_hour"`
	Hosts                []HostStatus `json:"hosts"`
}

// HostStatus is the browser's work for one host and kind.
type HostStatus struct {
	Host string `json:"host"`
	Kind string `json:"kind"`
	OK   int    `json:"ok"`
	// Failed counts attempts that ended in an error (budget refusals
	// included).
	Failed   int `json:"failed"`
	LastHour int `json:"last_hour"`
	Last     Run `json:"last"`
}

// Run is one solve or capture.
type Run struct {
	At         time.Time `json:"at"`
	DurationMs int64     `json:"duration_ms"`
	OK         bool      `json:"ok"`
	Error      string    `json:"error,omitempty"`
}

// Summary is one line for logs and the System page.
func (s Status) Summary() string {
	switch {
	case !s.Available:
		return "unavailable: " + s.Reason
	case s.Running:
		mode := "headless"
		if s.Headed {
			mode = "headed (Xvfb)"
		}
		return fmt.Sprintf("running %s, %d/%d tabs open", mode, s.OpenTabs, s.MaxTabs)
	}
	return "idle (started on demand)"
}

type hostKey struct{ host, kind string }

type hostRecord struct {
	ok, failed int
	window     []time.Time // attempt times within the last hour
	last       Run
}

// stats holds the per-host records and a snapshot of the process state,
// under its own lock so Status never waits for a browser start.
type stats struct {
	mu       sync.Mutex
	hosts    map[hostKey]*hostRecord
	running  bool
	headed   bool
	openTabs int
	starts   int
	// headedHosts are hosts whose challenge needed the headed mode.
	headedHosts map[string]bool
}

func newStats() *stats {
	return &stats{hosts: map[hostKey]*hostRecord{}, headedHosts: map[string]bool{}}
}

func (s *stats) record(k hostKey) *hostRecord {
	r := s.hosts[k]
	if r == nil {
		r = &hostRecord{}
		s.hosts[k] = r
	}
	return r
}

// prune drops window entries older than an hour before now.
func (r *hostRecord) prune(now time.Time) {
	cut := 0
	for cut < len(r.window) && now.Sub(r.window[cut]) >= time.Hour {
		cut++
	}
	r.window = r.window[cut:]
}

// take counts one attempt of kind on host against limit per hour
// (limit <= 0: unbounded) and refuses it when the hour's attempts are used.
func (s *stats) take(host, kind string, limit int, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.record(hostKey{host, kind})
	r.prune(now)
	if limit > 0 && len(r.window) >= limit {
		next := r.window[0].Add(time.Hour)
		err := fmt.Errorf("%w: %d browser %ss for %s in the last hour (limit download.browser.max_solves_per_host_hour = %d); next one possible in %s",
			ErrBudget, len(r.window), kind, host, limit, next.Sub(now).Round(time.Second))
		r.failed++
		r.last = Run{At: now, OK: false, Error: err.Error()}
		return err
	}
	r.window = append(r.window, now)
	return nil
}

// done records the end of an attempt that take admitted.
func (s *stats) done(host, kind string, at time.Time, d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.record(hostKey{host, kind})
	run := Run{At: at, DurationMs: d.Milliseconds(), OK: err == nil}
	if err != nil {
		r.failed++
		run.Error = err.Error()
	} else {
		r.ok++
	}
	r.last = run
}

func (s *stats) setProcess(running, headed bool, openTabs, starts int) {
	s.mu.Lock()
	s.running, s.headed, s.openTabs, s.starts = running, headed, openTabs, starts
	s.mu.Unlock()
}

// Status reports the browser's state. It never waits for a browser start.
func (b *Browser) Status() Status {
	st := Status{
		Enabled: b.opts.Enabled, Available: b.missing == nil, Path: b.exe,
		HeadedPossible: b.xvfbPath != "", MaxTabs: b.opts.MaxTabs,
		MaxSolvesPerHostHour: b.opts.MaxSolvesPerHostHour,
	}
	if b.missing != nil {
		st.Reason = b.reason
	}
	now := b.clock.Now()
	s := b.stats
	s.mu.Lock()
	st.Running, st.Headed, st.OpenTabs, st.Starts = s.running, s.headed, s.openTabs, s.starts
	st.Hosts = make([]HostStatus, 0, len(s.hosts))
	for k, r := range s.hosts {
		r.prune(now)
		st.Hosts = append(st.Hosts, HostStatus{Host: k.host, Kind: k.kind, OK: r.ok, Failed: r.failed,
			LastHour: len(r.window), Last: r.last})
	}
	s.mu.Unlock()
	sort.Slice(st.Hosts, func(i, j int) bool {
		if st.Hosts[i].Host != st.Hosts[j].Host {
			return st.Hosts[i].Host < st.Hosts[j].Host
		}
		return st.Hosts[i].Kind < st.Hosts[j].Kind
	})
	return st
}
