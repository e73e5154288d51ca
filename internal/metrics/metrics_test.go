package metrics

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/fake/tcp"
)

func TestMetricsRoundTripper(t *testing.T) {
	m := New()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/gone":
			w.WriteHeader(404)
		case "/down":
			w.WriteHeader(503)
		}
	}))
	defer srv.Close()
	client := &http.Client{Transport: m.RoundTripper(nil)}
	for _, p := range []string{"/", "/", "/gone", "/down"} {
		res, err := client.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	if _, err := client.Get("http://" + tcp.ClosedPort(t)); err == nil {
		t.Fatal("closed port answered")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	if _, err := client.Do(req); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled request: %v", err)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`aniworld_provider_requests_total{host="127.0.0.1",outcome="ok"} 2`,
		`aniworld_provider_requests_total{host="127.0.0.1",outcome="http_4xx"} 1`,
		`aniworld_provider_requests_total{host="127.0.0.1",outcome="http_5xx"} 1`,
		`aniworld_provider_requests_total{host="127.0.0.1",outcome="error"} 1`,
		`aniworld_provider_requests_total{host="127.0.0.1",outcome="canceled"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Fatalf("lack %q:\n%s", want, body)
		}
	}
}

func TestMetricsHostLabelBounded(t *testing.T) {
	m := New()
	for i := 0; i < maxProviderHosts+50; i++ {
		m.ObserveProviderRequest("h"+itoa(i)+".example", "ok", time.Millisecond)
	}
	if got := m.hostLabel("new.example"); got != "other" {
		t.Fatalf("host label %q past the bound", got)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestMetricsFromEvents(t *testing.T) {
	m := New()
	const mib = 1 << 20
	for _, e := range []event.Event{
		event.New(event.DownloadProgress, event.DownloadData{DownloadID: "a", DownloadedMB: 1}),
		event.New(event.DownloadProgress, &event.DownloadData{DownloadID: "a", DownloadedMB: 3}),
		event.New(event.DownloadProgress, event.DownloadData{DownloadID: "b", DownloadedMB: 2}),
		event.New(event.DownloadComplete, event.DownloadData{DownloadID: "a", DownloadedMB: 4}),
		event.New(event.DownloadFailed, event.DownloadData{DownloadID: "b", DownloadedMB: 2}),
		event.New(event.DownloadProgress, event.DownloadData{DownloadID: "c", DownloadedMB: 0.5}),
		event.New(event.DownloadRemoved, event.DownloadData{DownloadID: "c"}),
		event.New(event.ScanComplete, event.ScanData{DurationMs: 2500, Message: "scan complete"}),
		event.New(event.ScanComplete, event.ScanData{DurationMs: 10, Message: "scan failed: no anime directory configured", Failed: true}),
		// The outcome is the typed signal, not the wording of the message.
		event.New(event.ScanComplete, event.ScanData{DurationMs: 500, Message: "scan failed? no: complete"}),
		event.New(event.DownloadProgress, "not a payload"),
		event.New(event.QueueStatus, event.QueueData{}),
	} {
		m.Publish(e)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		"aniworld_download_bytes_total " + strconv.FormatFloat(6.5*mib, 'g', -1, 64),
		`aniworld_downloads_finished_total{status="completed"} 1`,
		`aniworld_downloads_finished_total{status="failed"} 1`,
		`aniworld_library_scan_duration_seconds_sum{outcome="ok"} 3`,
		`aniworld_library_scan_duration_seconds_count{outcome="error"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Fatalf("lack %q:\n%s", want, body)
		}
	}
	if len(m.dlSeen) != 0 {
		t.Fatalf("finished downloads still tracked: %v", m.dlSeen)
	}
}

func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
