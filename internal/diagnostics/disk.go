package diagnostics

import (
	"fmt"
	"math"

	"github.com/shirou/gopsutil/v4/disk"
)

// Low disk space has one rule, used by /health/detailed and by the disk
// watch that notifies: a watched folder's disk with less free space than
// notifications.disk_min_free_mb is low (0 turns the check off). Config
// writes, backups, the database and downloads all fail on a full disk;
// this says so before they do.

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

// CheckDisk checks the disks of dirs (empty entries are skipped) against
// minFreeMB and reports the one with the least free space relative to it.
func CheckDisk(minFreeMB int, dirs ...string) DiskHealth {
	if minFreeMB <= 0 {
		return DiskHealth{Status: Healthy, Message: "Disk space check off (notifications.disk_min_free_mb is 0)"}
	}
	thr := uint64(math.MaxUint64) // a limit beyond any disk (no overflow)
	if minFreeMB < 1<<43 {
		thr = uint64(minFreeMB) << 20
	}
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
		h := DiskHealth{Status: Healthy, Path: d, FreeMB: round1(float64(free) / (1 << 20)),
			TotalMB: round1(float64(total) / (1 << 20)), ThresholdMB: float64(minFreeMB),
			Message: "Enough free disk space"}
		if free < thr {
			h.Status = Degraded
			h.Message = fmt.Sprintf("Low disk space in %s: %.0f MB free, below %d MB; config writes, backups and downloads may fail", d, h.FreeMB, minFreeMB)
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
