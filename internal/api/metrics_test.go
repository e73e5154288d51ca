package api

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/event"
)

func TestMetricsAuthAndContent(t *testing.T) {
	m := NewMetrics()
	e := newOpsEnv(t, nil)
	// A second server over the same config and auth, with metrics wired.
	s := New(Deps{Config: e.cfg, Logger: slog.New(slog.DiscardHandler), Version: "test",
		Gate: &Gate{Verifier: authVerifier{e.auth}},
		Services: Services{Config: &ConfigDeps{Config: e.cfg},
			Metrics: m.Handler(authVerifier{e.auth}, func() string { return e.cfg.Get().Server.MetricsToken })},
		Outer: []Middleware{m.Middleware()},
	})
	e.ts = httptest.NewServer(s)
	t.Cleanup(e.ts.Close)

	e.do("GET", "/api/config", "")
	e.do("POST", "/api/config/backups/nope.json/restore", "")
	e.do("GET", "/api/does-not-exist", "")
	session := e.token
	e.token = ""
	e.do("GET", "/api/config", "") // 401 from the gate, before routing
	e.token = session
	m.SetQueueStats(func(context.Context) (map[string]int, error) {
		return map[string]int{"pending": 3, "downloading": 1}, nil
	})
	m.AddDownloadBytes(1234)
	m.DownloadFinished("completed")
	m.ObserveScan(1500*time.Millisecond, nil)
	m.ObserveScan(time.Second, context.Canceled)

	tests := []struct {
		name, token string
		status      int
	}{
		{"no token", "", 401},
		{"wrong token", "nope", 401},
		{"metrics token", "metrics-secret-456", 200},
		{"session token", session, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.token = tc.token
			code, h, raw := e.do("GET", "/metrics", "")
			if code != tc.status {
				t.Fatalf("%d %s", code, raw)
			}
			if code == 401 {
				if !strings.Contains(string(raw), `"error":"AUTHENTICATION_ERROR"`) || !strings.Contains(string(raw), `"request_id"`) {
					t.Fatalf("401 body %s", raw)
				}
				return
			}
			if !strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
				t.Fatalf("content type %q", h.Get("Content-Type"))
			}
			for _, want := range []string{
				`aniworld_http_requests_total{method="GET",route="/api/config",status="200"} 1`,
				`aniworld_http_requests_total{method="POST",route="/api/config/backups/{backup_name}/restore",status="404"} 1`,
				`aniworld_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
				`aniworld_http_requests_total{method="GET",route="rejected",status="401"} 1`,
				`aniworld_http_request_duration_seconds_bucket{method="GET",route="/api/config",le="+Inf"} 1`,
				`aniworld_queue_items{status="pending"} 3`,
				`aniworld_queue_items{status="downloading"} 1`,
				`aniworld_download_bytes_total 1234`,
				`aniworld_downloads_finished_total{status="completed"} 1`,
				`aniworld_library_scan_duration_seconds_count{outcome="ok"} 1`,
				`aniworld_library_scan_duration_seconds_count{outcome="canceled"} 1`,
				`go_goroutines`,
			} {
				if !strings.Contains(string(raw), want) {
					t.Fatalf("metrics lack %q:\n%s", want, raw)
				}
			}
		})
	}
	// Once the metrics token is removed from the config, it stops working.
	if _, err := e.cfg.Update(func(c *config.AppConfig) error { c.Server.MetricsToken = ""; return nil }); err != nil {
		t.Fatal(err)
	}
	e.token = "metrics-secret-456"
	if code, _, _ := e.do("GET", "/metrics", ""); code != 401 {
		t.Fatalf("removed metrics token still works: %d", code)
	}
}

func TestMetricsRoundTripper(t *testing.T) {
	m := NewMetrics()
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
	if _, err := client.Get("http://" + closedPort(t)); err == nil {
		t.Fatal("closed port answered")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	if _, err := client.Do(req); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled request: %v", err)
	}
	rec := httptest.NewRecorder()
	m.Handler(nil, func() string { return "t" }).ServeHTTP(rec, withBearer(httptest.NewRequest("GET", "/metrics", nil), "t"))
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
	m := NewMetrics()
	for i := 0; i < maxProviderHosts+50; i++ {
		m.ObserveProviderRequest("h"+itoa(i)+".example", "ok", time.Millisecond)
	}
	if got := m.hostLabel("new.example"); got != "other" {
		t.Fatalf("host label %q past the bound", got)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func withBearer(r *http.Request, tok string) *http.Request {
	r.Header.Set("Authorization", "Bearer "+tok)
	return r
}

func TestMetricsFromEvents(t *testing.T) {
	m := NewMetrics()
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
		event.New(event.ScanComplete, event.ScanData{DurationMs: 10, Message: "scan failed: no anime directory configured"}),
		event.New(event.DownloadProgress, "not a payload"),
		event.New(event.QueueStatus, event.QueueData{}),
	} {
		m.Publish(e)
	}
	rec := httptest.NewRecorder()
	m.Handler(nil, func() string { return "t" }).ServeHTTP(rec, withBearer(httptest.NewRequest("GET", "/metrics", nil), "t"))
	body := rec.Body.String()
	for _, want := range []string{
		"aniworld_download_bytes_total " + strconv.FormatFloat(6.5*mib, 'g', -1, 64),
		`aniworld_downloads_finished_total{status="completed"} 1`,
		`aniworld_downloads_finished_total{status="failed"} 1`,
		`aniworld_library_scan_duration_seconds_sum{outcome="ok"} 2.5`,
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
