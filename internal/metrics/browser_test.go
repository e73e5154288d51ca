package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	browserstate "github.com/aniworld/aniworld/internal/browser"
)

// fixedBrowser reports a given status (the metrics mapping's input).
type fixedBrowser browserstate.Status

func (f fixedBrowser) Status() browserstate.Status { return browserstate.Status(f) }

func TestMetricsBrowser(t *testing.T) {
	m := New()
	at := time.Unix(1_780_000_000, 0)
	m.SetBrowser(fixedBrowser{Enabled: browserstate.Auto, Available: true, Running: true, OpenTabs: 1, Starts: 2,
		Hosts: []browserstate.HostStatus{
			{Host: "aniworld.to", Kind: browserstate.KindSolve, OK: 3, Failed: 1, LastHour: 2, Last: browserstate.Run{At: at, DurationMs: 1500, OK: true}},
			{Host: "voe.sx", Kind: browserstate.KindCapture, OK: 0, Failed: 1, Last: browserstate.Run{At: at, DurationMs: 250, Error: "no stream"}},
		}})
	ts := httptest.NewServer(m.Handler())
	defer ts.Close()
	res, err := http.Get(ts.URL)
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
