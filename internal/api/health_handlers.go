package api

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/disk"
	"github.com/shirou/gopsutil/v4/mem"
)

// Health statuses.
const (
	Healthy   = "healthy"
	Degraded  = "degraded"
	Unhealthy = "unhealthy"
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

// DatabaseHealth is the database dependency entry.
type DatabaseHealth struct {
	Status           string  `json:"status"`
	ConnectionTimeMs float64 `json:"connection_time_ms"`
	Message          string  `json:"message"`
}

// FilesystemHealth is the filesystem dependency entry.
type FilesystemHealth struct {
	Status          string `json:"status"`
	DataDirWritable bool   `json:"data_dir_writable"`
	LogsDirWritable bool   `json:"logs_dir_writable"`
}

// SystemHealth is host metrics; uptime is the process's.
type SystemHealth struct {
	CPUPercent        float64 `json:"cpu_percent"`
	MemoryPercent     float64 `json:"memory_percent"`
	MemoryAvailableMB float64 `json:"memory_available_mb"`
	DiskPercent       float64 `json:"disk_percent"`
	DiskFreeMB        float64 `json:"disk_free_mb"`
	UptimeSeconds     float64 `json:"uptime_seconds"`
}

// FFmpegHealth says whether ffmpeg (needed to remux HLS) is on PATH.
type FFmpegHealth struct {
	Status    string `json:"status"`
	Available bool   `json:"available"`
	Message   string `json:"message"`
}

// Dependencies groups the detailed health entries.
type Dependencies struct {
	Database   DatabaseHealth   `json:"database"`
	Filesystem FilesystemHealth `json:"filesystem"`
	System     SystemHealth     `json:"system"`
	FFmpeg     FFmpegHealth     `json:"ffmpeg"`
	Disk       DiskHealth       `json:"disk"`
	Browser    *BrowserHealth   `json:"browser,omitempty"`
}

// DetailedHealthBody is GET /health/detailed.
type DetailedHealthBody struct {
	Status       string       `json:"status" enum:"healthy,degraded,unhealthy"`
	Timestamp    string       `json:"timestamp"`
	Version      string       `json:"version"`
	Dependencies Dependencies `json:"dependencies"`
	StartupTime  string       `json:"startup_time"`
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

func nowUTC() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00") }

func (h healthHandlers) report(ctx context.Context) DetailedHealthBody {
	var deps Dependencies
	status := Healthy
	worsen := func(to string) {
		if to == Unhealthy || (to == Degraded && status == Healthy) {
			status = to
		}
	}

	deps.Database = DatabaseHealth{Status: Unhealthy, Message: "Database not configured"}
	if h.deps.DB != nil {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		d, err := h.deps.DB.Ping(pctx)
		cancel()
		deps.Database.ConnectionTimeMs = float64(d.Microseconds()) / 1000
		if err != nil {
			deps.Database.Message = "Database ping failed"
		} else {
			deps.Database.Status, deps.Database.Message = Healthy, "Database connection successful"
		}
	}
	worsen(deps.Database.Status)

	dataDir, logDir, animeDir := "data", filepath.Join("data", "logs"), ""
	if h.deps.Config != nil {
		c := h.deps.Config.Get()
		dataDir, logDir, animeDir = c.DataDir, c.LogDir(), c.AnimeDirectory
	}
	deps.Filesystem.DataDirWritable = writable(dataDir, false)
	deps.Filesystem.LogsDirWritable = writable(logDir, true)
	deps.Filesystem.Status = Healthy
	if !deps.Filesystem.LogsDirWritable {
		deps.Filesystem.Status = Degraded
	}
	if !deps.Filesystem.DataDirWritable {
		deps.Filesystem.Status = Unhealthy
	}
	worsen(deps.Filesystem.Status)

	deps.System = systemMetrics(dataDir, h.deps.StartedAt)
	deps.Disk = diskHealth(dataDir, animeDir)
	worsen(deps.Disk.Status)

	deps.FFmpeg = ffmpegHealth(h.deps.Remux)
	worsen(deps.FFmpeg.Status)

	if h.deps.Browser != nil {
		b := browserHealth(h.deps.Browser.Status())
		deps.Browser = &b
		worsen(b.Status)
	}

	return DetailedHealthBody{
		Status: status, Timestamp: nowUTC(), Version: h.deps.Version, Dependencies: deps,
		StartupTime: h.deps.StartedAt.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
	}
}

// RemuxChecker says whether finished HLS downloads can be remuxed
// (*download.Engine: it found ffmpeg when it was built).
type RemuxChecker interface {
	RemuxAvailable() bool
}

// ffmpegHealth is the ffmpeg entry as the download engine sees it.
func ffmpegHealth(r RemuxChecker) FFmpegHealth {
	switch {
	case r == nil:
		return FFmpegHealth{Status: Degraded, Message: "no download engine: HLS remuxing unknown"}
	case r.RemuxAvailable():
		return FFmpegHealth{Status: Healthy, Available: true, Message: "ffmpeg found; HLS downloads are remuxed"}
	}
	return FFmpegHealth{Status: Degraded, Message: "ffmpeg not on PATH; HLS downloads are kept as .ts files"}
}

// writable checks a directory by creating and removing a probe file. A
// missing log directory counts as writable when it can be created.
func writable(dir string, create bool) bool {
	if create {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return false
		}
	}
	f, err := os.CreateTemp(dir, ".health-probe-*")
	if err != nil {
		return false
	}
	name := f.Name()
	f.Close()
	return os.Remove(name) == nil
}

func systemMetrics(dir string, started time.Time) SystemHealth {
	var m SystemHealth
	if p, err := cpu.Percent(0, false); err == nil && len(p) > 0 {
		m.CPUPercent = round1(p[0])
	}
	if v, err := mem.VirtualMemory(); err == nil {
		m.MemoryPercent = round1(v.UsedPercent)
		m.MemoryAvailableMB = round1(float64(v.Available) / (1 << 20))
	}
	if d, err := disk.Usage(dir); err == nil {
		m.DiskPercent = round1(d.UsedPercent)
		m.DiskFreeMB = round1(float64(d.Free) / (1 << 20))
	}
	if !started.IsZero() {
		m.UptimeSeconds = round1(time.Since(started).Seconds())
	}
	return m
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }
