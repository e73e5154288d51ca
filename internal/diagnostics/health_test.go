package diagnostics

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// pinger is a database that answers.
type pinger struct{}

func (pinger) Ping(context.Context) (time.Duration, error) { return time.Millisecond, nil }

// remux is a download engine's answer to "can HLS be remuxed?".
type remux bool

func (r remux) RemuxAvailable() bool { return bool(r) }

// TestHealthReportsLowDisk: the health report is degraded when
// the data or anime directory's disk is low on space, and names it.
func TestHealthReportsLowDisk(t *testing.T) {
	dir := t.TempDir()
	anime := filepath.Join(dir, "anime")
	// A sound database and engine, so only the disks can degrade the report.
	src := HealthSources{DB: pinger{}, DataDir: dir, LogDir: filepath.Join(dir, "logs"), AnimeDir: anime, Remux: remux(true)}

	const mb = 1 << 20
	tests := []struct {
		name             string
		minFreeMB        int
		dataFree, dTotal uint64
		animeFree, aTot  uint64
		disk             string
		path             string
	}{
		{"plenty", 2048, 50_000 * mb, 100_000 * mb, 50_000 * mb, 100_000 * mb, Healthy, ""},
		{"data disk nearly full", 2048, 300 * mb, 100_000 * mb, 50_000 * mb, 100_000 * mb, Degraded, dir},
		{"anime disk nearly full", 2048, 50_000 * mb, 100_000 * mb, 10 * mb, 2_000 * mb, Degraded, anime},
		{"both low, the anime disk lower", 2048, 1_000 * mb, 100_000 * mb, 10 * mb, 2_000 * mb, Degraded, anime},
		{"just at the limit", 2048, 2048 * mb, 100_000 * mb, 50_000 * mb, 100_000 * mb, Healthy, ""},
		{"a user's own limit", 60_000, 50_000 * mb, 100_000 * mb, 70_000 * mb, 100_000 * mb, Degraded, dir},
		{"check off", 0, 1 * mb, 100_000 * mb, 1 * mb, 100_000 * mb, Healthy, ""},
		{"a limit past any disk", 1 << 44, 50_000 * mb, 100_000 * mb, 70_000 * mb, 100_000 * mb, Degraded, dir},
	}
	saved := diskUsage
	defer func() { diskUsage = saved }()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			diskUsage = func(p string) (uint64, uint64, error) {
				if p == anime {
					return tc.animeFree, tc.aTot, nil
				}
				return tc.dataFree, tc.dTotal, nil
			}
			src.DiskMinFreeMB = tc.minFreeMB
			status, deps := CheckHealth(context.Background(), src)
			if deps.Disk.Status != tc.disk {
				t.Fatalf("disk %+v", deps.Disk)
			}
			if want := tc.disk; status != want || (want == Degraded && deps.Disk.Path != tc.path) {
				t.Fatalf("overall %s, disk %+v; want %s naming %q", status, deps.Disk, want, tc.path)
			}
		})
	}
}
