package diagnostics

import (
	"fmt"

	"github.com/shirou/gopsutil/v4/disk"
)

// Low disk space: /health/detailed is degraded when a watched folder's
// disk has less free space than min(LowDiskFreeBytes, LowDiskFreeFraction
// of the disk). Config writes, backups, the database and downloads all
// fail on a full disk; this says so before they do.
const (
	LowDiskFreeBytes    = 1 << 30 // 1 GiB
	LowDiskFreeFraction = 0.10
)

// diskUsage reports a folder's disk (free and total bytes). Tests replace it.
var diskUsage = func(path string) (free, total uint64, err error) {
	u, err := disk.Usage(path)
	if err != nil {
		return 0, 0, err
	}
	return u.Free, u.Total, nil
}

// DiskHealth is the free space of the disk that is shortest of it among
// the data directory and the anime directory.
type DiskHealth struct {
	Status      string  `json:"status"`
	Path        string  `json:"path"`
	FreeMB      float64 `json:"free_mb"`
	TotalMB     float64 `json:"total_mb"`
	ThresholdMB float64 `json:"threshold_mb"`
	Message     string  `json:"message"`
}

// lowDiskThreshold is the free space below which a disk of total bytes
// counts as low.
func lowDiskThreshold(total uint64) uint64 {
	return min(uint64(LowDiskFreeBytes), uint64(float64(total)*LowDiskFreeFraction))
}

// diskHealth checks the disks of dirs (empty entries are skipped) and
// reports the one with the least free space relative to its threshold.
func diskHealth(dirs ...string) DiskHealth {
	var worst *DiskHealth
	var worstMargin float64
	for _, d := range dirs {
		if d == "" {
			continue
		}
		free, total, err := diskUsage(d)
		if err != nil {
			continue
		}
		thr := lowDiskThreshold(total)
		h := DiskHealth{Status: Healthy, Path: d, FreeMB: round1(float64(free) / (1 << 20)),
			TotalMB: round1(float64(total) / (1 << 20)), ThresholdMB: round1(float64(thr) / (1 << 20)),
			Message: "Enough free disk space"}
		if free < thr {
			h.Status = Degraded
			h.Message = fmt.Sprintf("Low disk space: %.0f MB free, below %.0f MB; config writes, backups and downloads may fail", h.FreeMB, h.ThresholdMB)
		}
		margin := float64(free) - float64(thr)
		if worst == nil || margin < worstMargin {
			worst, worstMargin = &h, margin
		}
	}
	if worst == nil {
		return DiskHealth{Status: Healthy, Message: "Disk space not measurable on this system"}
	}
	return *worst
}
