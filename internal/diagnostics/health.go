package diagnostics

import (
	"context"
	"os"
	"time"

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

// Pinger checks the database (*store.DB).
type Pinger interface {
	Ping(ctx context.Context) (time.Duration, error)
}

// HealthSources are what CheckHealth looks at; nil sources are reported
// as missing (the database) or left out (the browser).
type HealthSources struct {
	DB       Pinger
	DataDir  string // must be writable
	LogDir   string // must be writable; created when missing
	AnimeDir string // its disk's free space is watched ("" for none)
	// DiskMinFreeMB is the low-disk limit for both directories (CheckDisk).
	DiskMinFreeMB int
	StartedAt     time.Time
	Remux         RemuxChecker    // the download engine
	Browser       BrowserStatuser // the built-in browser
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

// CheckHealth checks every dependency of src and answers the overall
// status: unhealthy when the database fails or the data directory is not
// writable; degraded when the log directory is not writable, ffmpeg is
// missing, a disk is low on space or the browser is switched on but
// cannot run.
func CheckHealth(ctx context.Context, src HealthSources) (status string, deps Dependencies) {
	status = Healthy
	worsen := func(to string) {
		if to == Unhealthy || (to == Degraded && status == Healthy) {
			status = to
		}
	}

	deps.Database = DatabaseHealth{Status: Unhealthy, Message: "Database not configured"}
	if src.DB != nil {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		d, err := src.DB.Ping(pctx)
		cancel()
		deps.Database.ConnectionTimeMs = float64(d.Microseconds()) / 1000
		if err != nil {
			deps.Database.Message = "Database ping failed"
		} else {
			deps.Database.Status, deps.Database.Message = Healthy, "Database connection successful"
		}
	}
	worsen(deps.Database.Status)

	deps.Filesystem.DataDirWritable = writable(src.DataDir, false)
	deps.Filesystem.LogsDirWritable = writable(src.LogDir, true)
	deps.Filesystem.Status = Healthy
	if !deps.Filesystem.LogsDirWritable {
		deps.Filesystem.Status = Degraded
	}
	if !deps.Filesystem.DataDirWritable {
		deps.Filesystem.Status = Unhealthy
	}
	worsen(deps.Filesystem.Status)

	deps.System = systemMetrics(src.DataDir, src.StartedAt)
	deps.Disk = CheckDisk(src.DiskMinFreeMB, src.DataDir, src.AnimeDir)
	worsen(deps.Disk.Status)

	deps.FFmpeg = ffmpegHealth(src.Remux)
	worsen(deps.FFmpeg.Status)

	if src.Browser != nil {
		b := browserHealth(src.Browser.Status())
		deps.Browser = &b
		worsen(b.Status)
	}

	return status, deps
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
