package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	browserstate "github.com/aniworld/aniworld/internal/browser"
)

// BrowserStatuser reports the built-in browser's state (*browserstate.Browser).
type BrowserStatuser interface {
	Status() browserstate.Status
}

// browserCollector reads the browser's Status at scrape time.
type browserCollector struct {
	src                              BrowserStatuser
	available, running, tabs, starts *prometheus.Desc
	runs, lastAt, lastDur, lastOK    *prometheus.Desc
}

// SetBrowser exports the built-in browser's state: availability, whether
// it runs, open tabs, starts, and per host and kind (solve, capture) the
// runs by outcome and the last run's time, duration and result.
func (m *Metrics) SetBrowser(src BrowserStatuser) {
	hk := []string{"host", "kind"}
	m.reg.MustRegister(&browserCollector{
		src:       src,
		available: prometheus.NewDesc("aniworld_browser_available", "1 when Chromium can be started.", nil, nil),
		running:   prometheus.NewDesc("aniworld_browser_running", "1 while the browser process runs.", nil, nil),
		tabs:      prometheus.NewDesc("aniworld_browser_open_tabs", "Open browser tabs.", nil, nil),
		starts:    prometheus.NewDesc("aniworld_browser_starts_total", "Browser launches.", nil, nil),
		runs: prometheus.NewDesc("aniworld_browser_runs_total", "Challenge solves and embed captures by host, kind and outcome (ok, failed).",
			[]string{"host", "kind", "outcome"}, nil),
		lastAt:  prometheus.NewDesc("aniworld_browser_last_run_timestamp_seconds", "When the last solve or capture started.", hk, nil),
		lastDur: prometheus.NewDesc("aniworld_browser_last_run_duration_seconds", "How long the last solve or capture took.", hk, nil),
		lastOK:  prometheus.NewDesc("aniworld_browser_last_run_ok", "1 when the last solve or capture succeeded.", hk, nil),
	})
}

func (c *browserCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.available, c.running, c.tabs, c.starts, c.runs, c.lastAt, c.lastDur, c.lastOK} {
		ch <- d
	}
}

func (c *browserCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.src.Status()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(c.available, boolFloat(st.Available))
	gauge(c.running, boolFloat(st.Running))
	gauge(c.tabs, float64(st.OpenTabs))
	ch <- prometheus.MustNewConstMetric(c.starts, prometheus.CounterValue, float64(st.Starts))
	for i, h := range st.Hosts {
		if i >= maxProviderHosts {
			break
		}
		ch <- prometheus.MustNewConstMetric(c.runs, prometheus.CounterValue, float64(h.OK), h.Host, h.Kind, "ok")
		ch <- prometheus.MustNewConstMetric(c.runs, prometheus.CounterValue, float64(h.Failed), h.Host, h.Kind, "failed")
		if !h.Last.At.IsZero() {
			gauge(c.lastAt, float64(h.Last.At.UnixNano())/1e9, h.Host, h.Kind)
			gauge(c.lastDur, float64(h.Last.DurationMs)/1000, h.Host, h.Kind)
			gauge(c.lastOK, boolFloat(h.Last.OK), h.Host, h.Kind)
		}
	}
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

var _ BrowserStatuser = (*browserstate.Browser)(nil)
