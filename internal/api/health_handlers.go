package api

import (
	"context"
	"net/http"
	"path/filepath"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aniworld/aniworld/internal/diagnostics"
)

// Health statuses (diagnostics.CheckHealth's).
const (
	Healthy   = diagnostics.Healthy
	Degraded  = diagnostics.Degraded
	Unhealthy = diagnostics.Unhealthy
)

// HealthBody is GET /health.
type HealthBody struct {
	Status    string `json:"status" enum:"healthy,degraded,unhealthy"`
	Timestamp string `json:"timestamp" doc:"UTC, RFC 3339"`
	Version   string `json:"version"`
}

type healthOutput struct {
	Body HealthBody
}

// DetailedHealthBody is GET /health/detailed.
type DetailedHealthBody struct {
	Status       string                   `json:"status" enum:"healthy,degraded,unhealthy"`
	Timestamp    string                   `json:"timestamp"`
	Version      string                   `json:"version"`
	Dependencies diagnostics.Dependencies `json:"dependencies"`
	StartupTime  string                   `json:"startup_time"`
}

type detailedOutput struct {
	Status int
	Body   DetailedHealthBody
}

// healthHandlers are GET /health and /health/detailed (and their /api
// twins).
type healthHandlers struct{ deps *Deps }

const (
	summaryDetailedHealth = "Detailed health: database, filesystem, system metrics, ffmpeg"
	docDetailedHealth     = "Status is `unhealthy` (HTTP 503) when the database fails or the data directory is not writable, `degraded` when the log directory is not writable, ffmpeg is missing, the data or anime directory's disk is low on space (below min(1 GiB, 10 %)), or the browser is switched on (download.browser.enabled = on) but cannot run."
)

var detailedHealthResponses = map[string]*huma.Response{"503": {Description: "Unhealthy"}}

func (h healthHandlers) basic(ctx context.Context, _ *struct{}) (*healthOutput, error) {
	status := Healthy
	if h.deps.DB != nil {
		if _, err := h.deps.DB.Ping(ctx); err != nil {
			status = Unhealthy
		}
	}
	return &healthOutput{Body: HealthBody{Status: status, Timestamp: nowUTC(), Version: h.deps.Version}}, nil
}

func (h healthHandlers) detailed(ctx context.Context, _ *struct{}) (*detailedOutput, error) {
	b := h.report(ctx)
	code := http.StatusOK
	if b.Status == Unhealthy {
		code = http.StatusServiceUnavailable
	}
	return &detailedOutput{Status: code, Body: b}, nil
}

// report checks the dependencies (diagnostics.CheckHealth) of this
// process's database, directories, download engine and browser.
func (h healthHandlers) report(ctx context.Context) DetailedHealthBody {
	src := diagnostics.HealthSources{DataDir: "data", LogDir: filepath.Join("data", "logs"),
		StartedAt: h.deps.StartedAt, Remux: h.deps.Remux, Browser: h.deps.Browser}
	if h.deps.DB != nil { // a nil *store.DB must not become a non-nil Pinger
		src.DB = h.deps.DB
	}
	if h.deps.Config != nil {
		c := h.deps.Config.Get()
		src.DataDir, src.LogDir, src.AnimeDir = c.DataDir, c.LogDir(), c.AnimeDirectory
		src.DiskMinFreeMB = c.Notifications.DiskMinFreeMB
	}
	status, deps := diagnostics.CheckHealth(ctx, src)
	return DetailedHealthBody{
		Status: status, Timestamp: nowUTC(), Version: h.deps.Version, Dependencies: deps,
		StartupTime: h.deps.StartedAt.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
	}
}

func nowUTC() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00") }
