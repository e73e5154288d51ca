package api

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/metrics"
)

func TestMetricsAuthAndContent(t *testing.T) {
	m := metrics.New()
	e := newOpsEnv(t, nil)
	// A second server over the same config and auth, with metrics wired.
	s := New(Deps{Config: e.cfg, Logger: slog.New(slog.DiscardHandler), Version: "test",
		Gate: &Gate{Verifier: authVerifier{e.auth}},
		Services: Services{Config: &ConfigDeps{Config: e.cfg},
			Metrics: MetricsHandler(m.Handler(), authVerifier{e.auth}, func() string { return e.cfg.Get().Server.MetricsToken })},
		Outer: []Middleware{RequestMetrics(m)},
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
