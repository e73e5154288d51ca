package api

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/scheduler"
)

type schedEnv struct {
	*opsEnv
	release  chan struct{}
	results  chan scheduler.Result
	scanning atomic.Bool
	queued   atomic.Int32
}

func newSchedEnv(t *testing.T) *schedEnv {
	t.Helper()
	se := &schedEnv{release: make(chan struct{}), results: make(chan scheduler.Result, 10)}
	se.opsEnv = newOpsEnv(t, nil, func(e *opsEnv, sv *Services) {
		sc, err := scheduler.New(scheduler.Options{
			Rescan: func(ctx context.Context) (any, error) {
				select {
				case <-se.release:
				case <-ctx.Done():
					return nil, ctx.Err()
				}
				return map[string]int{"series": 3}, nil
			},
			Scanning:     se.scanning.Load,
			QueueMissing: func(context.Context) (int, error) { se.queued.Add(1); return 4, nil },
			OnResult:     func(r scheduler.Result) { se.results <- r },
		}, scheduler.SettingsFrom(e.cfg.Get().Scheduler))
		if err != nil {
			t.Fatal(err)
		}
		sc.FollowConfig(e.cfg)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { sc.Run(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
		sv.Scheduler = &SchedulerDeps{Scheduler: sc, Config: e.cfg}
	})
	return se
}

func TestSchedulerConfigRoutes(t *testing.T) {
	e := newSchedEnv(t)
	code, _, raw := e.do("GET", "/api/scheduler/config", "")
	st := decode[map[string]any](t, raw)
	for _, k := range []string{"enabled", "interval_minutes", "auto_download_missing", "last_run", "next_run", "last_result"} {
		if _, ok := st[k]; !ok {
			t.Fatalf("missing %s: %s", k, raw)
		}
	}
	if code != 200 || st["enabled"] != true || st["interval_minutes"] != float64(60) || st["next_run"] == nil || st["last_run"] != nil {
		t.Fatalf("%d %s", code, raw)
	}
	tests := []struct {
		name, body string
		status     int
		want       config.SchedulerConfig
	}{
		{"interval and auto", `{"interval_minutes":15,"auto_download_missing":true}`, 200, config.SchedulerConfig{Enabled: true, IntervalMinutes: 15, AutoDownloadMissing: true}},
		{"disable", `{"enabled":false}`, 200, config.SchedulerConfig{Enabled: false, IntervalMinutes: 15, AutoDownloadMissing: true}},
		{"zero interval", `{"interval_minutes":0}`, 422, config.SchedulerConfig{Enabled: false, IntervalMinutes: 15, AutoDownloadMissing: true}},
		{"wrong type", `{"enabled":"yes"}`, 422, config.SchedulerConfig{Enabled: false, IntervalMinutes: 15, AutoDownloadMissing: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, raw := e.do("POST", "/api/scheduler/config", tc.body)
			if code != tc.status {
				t.Fatalf("%d %s", code, raw)
			}
			onDisk, _, err := config.Load(e.cfg.Path())
			if err != nil || onDisk.Scheduler != tc.want {
				t.Fatalf("saved %+v %v", onDisk.Scheduler, err)
			}
			if code == 200 {
				got := decode[scheduler.Status](t, raw)
				if got.Enabled != tc.want.Enabled || got.IntervalMinutes != tc.want.IntervalMinutes || (got.NextRun == nil) == got.Enabled {
					t.Fatalf("status %s", raw)
				}
			}
		})
	}
}

func TestTriggerRescan(t *testing.T) {
	e := newSchedEnv(t)
	e.do("POST", "/api/scheduler/config", `{"auto_download_missing":true}`)
	code, _, raw := e.do("POST", "/api/scheduler/trigger-rescan", "")
	if code != 200 || !strings.Contains(string(raw), `"success":true`) || !strings.Contains(string(raw), `"status":"success"`) {
		t.Fatalf("%d %s", code, raw)
	}
	code, _, raw = e.do("POST", "/api/scheduler/trigger-rescan", "")
	if code != 409 || !strings.Contains(string(raw), CodeConflict) {
		t.Fatalf("while running: %d %s", code, raw)
	}
	close(e.release)
	select {
	case r := <-e.results:
		if r.Status != "success" || r.Queued != 4 || r.Trigger != "manual" {
			t.Fatalf("result %+v", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("rescan did not finish")
	}
	_, _, raw = e.do("GET", "/api/scheduler/config", "")
	st := decode[scheduler.Status](t, raw)
	if st.LastRun == nil || st.LastResult == nil || st.LastResult.Status != "success" || e.queued.Load() != 1 {
		t.Fatalf("status %s", raw)
	}
	// The library scanning for another reason is a conflict too.
	e.scanning.Store(true)
	if code, _, raw := e.do("POST", "/api/scheduler/trigger-rescan", ""); code != 409 {
		t.Fatalf("library scanning: %d %s", code, raw)
	}
}
