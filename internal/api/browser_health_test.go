package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	browserstate "github.com/aniworld/aniworld/internal/browser"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/store"
)

func TestHealthBrowserEntry(t *testing.T) {
	notFound := func(string) (string, error) { return "", exec.ErrNotFound }
	cases := []struct {
		name       string
		opts       browserstate.Options
		wantStatus string // of the browser entry
		wantMsg    string
	}{
		{"auto without chromium is fine", browserstate.Options{LookPath: notFound}, Healthy, "apt-get install chromium"},
		{"on without chromium degrades", browserstate.Options{Enabled: browserstate.On, Path: "/nonexistent/chromium"}, Degraded, "configured path"},
		{"off", browserstate.Options{Enabled: browserstate.Off}, Healthy, "switched off"},
		{"installed and idle", browserstate.Options{LookPath: func(string) (string, error) { return "/bin/true", nil }}, Healthy, "idle"},
	}
	dir := t.TempDir()
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := config.Default()
	c.DataDir = dir
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := browserstate.New(tc.opts)
			defer b.Close()
			s := New(Deps{Config: config.NewManager(filepath.Join(dir, "c.json"), c, config.Overrides{}), DB: db, Version: "t", Browser: b})
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest("GET", "/health/detailed", nil))
			var body DetailedHealthBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			br := body.Dependencies.Browser
			if br == nil || br.Status != tc.wantStatus || !strings.Contains(br.Message, tc.wantMsg) || br.Hosts == nil {
				t.Fatalf("browser entry %+v", br)
			}
			if tc.wantStatus == Degraded && body.Status == Healthy {
				t.Fatalf("overall status %s with a degraded browser", body.Status)
			}
			if strings.Contains(rec.Body.String(), "/nonexistent") || strings.Contains(rec.Body.String(), "/bin/true") {
				t.Fatalf("health names a filesystem path: %s", rec.Body.String())
			}
		})
	}
}

// fixedBrowser reports a given status (the metrics mapping's input).
type fixedBrowser browserstate.Status

func (f fixedBrowser) Status() browserstate.Status { return browserstate.Status(f) }

func TestMetricsBrowser(t *testing.T) {
	m := NewMetrics()
	at := time.Unix(1_780_000_000, 0)
	m.SetBrowser(fixedBrowser{Enabled: browserstate.Auto, Available: true, Running: true, OpenTabs: 1, Starts: 2,
		Hosts: []browserstate.HostStatus{
			{Host: "aniworld.to", Kind: browserstate.KindSolve, OK: 3, Failed: 1, LastHour: 2, Last: browserstate.Run{At: at, DurationMs: 1500, OK: true}},
			{Host: "voe.sx", Kind: browserstate.KindCapture, OK: 0, Failed: 1, Last: browserstate.Run{At: at, DurationMs: 250, Error: "no stream"}},
		}})
	ts := httptest.NewServer(m.Handler(nil, func() string { return "tok" }))
	defer ts.Close()
	req, _ := http.NewRequest("GET", ts.URL, nil)
	req.Header.Set("Authorization", "Bearer tok")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	body := string(raw)
	for _, want := range []string{
		"aniworld_browser_available 1",
		"aniworld_browser_running 1",
		"aniworld_browser_open_tabs 1",
		"aniworld_browser_starts_total 2",
		`aniworld_browser_runs_total{host="aniworld.to",kind="solve",outcome="ok"} 3`,
		`aniworld_browser_runs_total{host="aniworld.to",kind="solve",outcome="failed"} 1`,
		`aniworld_browser_runs_total{host="voe.sx",kind="capture",outcome="failed"} 1`,
		`aniworld_browser_last_run_duration_seconds{host="aniworld.to",kind="solve"} 1.5`,
		`aniworld_browser_last_run_ok{host="voe.sx",kind="capture"} 0`,
		`aniworld_browser_last_run_timestamp_seconds{host="aniworld.to",kind="solve"} 1.78e+09`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
