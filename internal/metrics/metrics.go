// Package metrics holds the process's Prometheus metrics in their own
// registry: HTTP requests by route, queue sizes, download bytes and
// outcomes, scan durations, provider requests by host and the built-in
// browser. The services feed it through events (Publish), the outbound
// client through RoundTripper and the HTTP surface through
// ObserveRequest; Handler serves the text format (api guards it).
package metrics

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/aniworld/aniworld/internal/event"
)

// maxProviderHosts bounds the host label of provider metrics; hosters
// rotate domains, so later hosts are counted as "other".
const maxProviderHosts = 200

// Metrics holds the process's Prometheus metrics in their own registry:
// HTTP requests by route pattern, queue sizes, download bytes, scan
// durations and provider request outcomes by host. Safe for concurrent use.
type Metrics struct {
	reg           *prometheus.Registry
	httpRequests  *prometheus.CounterVec
	httpDuration  *prometheus.HistogramVec
	scanDuration  *prometheus.HistogramVec
	providerReqs  *prometheus.CounterVec
	providerDur   *prometheus.HistogramVec
	downloadBytes prometheus.Counter
	downloadsDone *prometheus.CounterVec
	queue         *queueCollector

	hostsMu sync.Mutex
	hosts   map[string]bool

	dlMu   sync.Mutex
	dlSeen map[string]int64 // download id -> bytes already counted
}

// New builds the registry with Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aniworld_http_requests_total", Help: "HTTP requests by method, route pattern and status code.",
		}, []string{"method", "route", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "aniworld_http_request_duration_seconds", Help: "HTTP request latency by method and route pattern.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route"}),
		scanDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "aniworld_library_scan_duration_seconds", Help: "Library scan durations by outcome.",
			Buckets: []float64{.1, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600},
		}, []string{"outcome"}),
		providerReqs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aniworld_provider_requests_total", Help: "Outbound requests to the site and hosters by host and outcome (ok, http_4xx, http_5xx, error, canceled).",
		}, []string{"host", "outcome"}),
		providerDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "aniworld_provider_request_duration_seconds", Help: "Outbound request latency (to response headers) by host.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"host"}),
		downloadBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "aniworld_download_bytes_total", Help: "Media bytes downloaded.",
		}),
		downloadsDone: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aniworld_downloads_finished_total", Help: "Finished downloads by final status.",
		}, []string{"status"}),
		queue: &queueCollector{desc: prometheus.NewDesc("aniworld_queue_items",
			"Download queue items by status.", []string{"status"}, nil)},
		hosts:  map[string]bool{},
		dlSeen: map[string]int64{},
	}
	m.reg.MustRegister(m.httpRequests, m.httpDuration, m.scanDuration, m.providerReqs, m.providerDur,
		m.downloadBytes, m.downloadsDone, m.queue,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is the metrics registry (to add collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveScan records one library scan.
func (m *Metrics) ObserveScan(d time.Duration, err error) {
	outcome := "ok"
	switch {
	case errors.Is(err, context.Canceled):
		outcome = "canceled"
	case err != nil:
		outcome = "error"
	}
	m.scanDuration.WithLabelValues(outcome).Observe(d.Seconds())
}

// AddDownloadBytes counts downloaded media bytes.
func (m *Metrics) AddDownloadBytes(n int64) {
	if n > 0 {
		m.downloadBytes.Add(float64(n))
	}
}

// DownloadFinished counts a download reaching a final status
// (completed, failed, cancelled).
func (m *Metrics) DownloadFinished(status string) {
	m.downloadsDone.WithLabelValues(status).Inc()
}

// SetQueueStats sets the function read at every scrape for the queue
// gauges: item counts by status.
func (m *Metrics) SetQueueStats(fn func(ctx context.Context) (map[string]int, error)) {
	m.queue.mu.Lock()
	m.queue.fn = fn
	m.queue.mu.Unlock()
}

// ObserveProviderRequest records one outbound request: its host, its
// outcome (see RoundTripper) and how long it took to the response headers.
func (m *Metrics) ObserveProviderRequest(host, outcome string, d time.Duration) {
	host = m.hostLabel(host)
	m.providerReqs.WithLabelValues(host, outcome).Inc()
	m.providerDur.WithLabelValues(host).Observe(d.Seconds())
}

func (m *Metrics) hostLabel(h string) string {
	h = strings.ToLower(h)
	if h == "" {
		return "unknown"
	}
	m.hostsMu.Lock()
	defer m.hostsMu.Unlock()
	if m.hosts[h] {
		return h
	}
	if len(m.hosts) >= maxProviderHosts {
		return "other"
	}
	m.hosts[h] = true
	return h
}

// Publish implements event.Publisher, so the metrics can subscribe to the
// app's events: scan_complete feeds the scan durations (every scan, not
// only scheduled ones), download progress feeds the byte counter (by
// the growth of each download's downloaded_mb) and download_complete /
// download_failed the finished counter. It never blocks.
func (m *Metrics) Publish(e event.Event) {
	switch e.Type {
	case event.ScanComplete:
		if d, ok := payload[event.ScanData](e.Data); ok {
			var err error
			if d.Failed {
				err = errors.New(d.Message)
			}
			m.ObserveScan(time.Duration(d.DurationMs)*time.Millisecond, err)
		}
	case event.DownloadProgress, event.DownloadComplete, event.DownloadFailed, event.DownloadRemoved:
		d, ok := payload[event.DownloadData](e.Data)
		if !ok || d.DownloadID == "" {
			return
		}
		bytes := int64(d.DownloadedMB * (1 << 20))
		m.dlMu.Lock()
		delta := bytes - m.dlSeen[d.DownloadID]
		if e.Type == event.DownloadProgress || e.Type == event.DownloadComplete {
			if delta > 0 {
				m.downloadBytes.Add(float64(delta))
			}
			m.dlSeen[d.DownloadID] = max(bytes, m.dlSeen[d.DownloadID])
		}
		if e.Type != event.DownloadProgress {
			delete(m.dlSeen, d.DownloadID)
		}
		m.dlMu.Unlock()
		switch e.Type {
		case event.DownloadComplete:
			m.DownloadFinished("completed")
		case event.DownloadFailed:
			m.DownloadFinished("failed")
		}
	}
}

// payload reads an event's data as T, by value or pointer.
func payload[T any](v any) (T, bool) {
	switch d := v.(type) {
	case T:
		return d, true
	case *T:
		if d != nil {
			return *d, true
		}
	}
	var zero T
	return zero, false
}

// RoundTripper wraps next (http.DefaultTransport when nil) so every
// outbound request is counted by host and outcome.
func (m *Metrics) RoundTripper(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		start := time.Now()
		res, err := next.RoundTrip(r)
		m.ObserveProviderRequest(r.URL.Hostname(), outcomeOf(res, err), time.Since(start))
		return res, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func outcomeOf(res *http.Response, err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case err != nil:
		return "error"
	case res.StatusCode >= 500:
		return "http_5xx"
	case res.StatusCode >= 400:
		return "http_4xx"
	}
	return "ok"
}

// ObserveRequest records one HTTP request by method, route label (the
// mux pattern, or "unmatched"/"rejected"; api.RequestMetrics chooses it)
// and status.
func (m *Metrics) ObserveRequest(method, route string, status int, d time.Duration) {
	m.httpRequests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.httpDuration.WithLabelValues(method, route).Observe(d.Seconds())
}

// Handler serves the registry in the Prometheus text format, to anyone:
// the caller guards it (api.MetricsHandler).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, DisableCompression: false})
}

// queueCollector reads the queue counts at scrape time.
type queueCollector struct {
	desc *prometheus.Desc
	mu   sync.Mutex
	fn   func(ctx context.Context) (map[string]int, error)
}

func (q *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- q.desc }

func (q *queueCollector) Collect(ch chan<- prometheus.Metric) {
	q.mu.Lock()
	fn := q.fn
	q.mu.Unlock()
	if fn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := fn(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(q.desc, err)
		return
	}
	for status, n := range counts {
		ch <- prometheus.MustNewConstMetric(q.desc, prometheus.GaugeValue, float64(n), status)
	}
}
