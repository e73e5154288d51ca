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
		dataFree, dTotal uint64
		animeFree, aTot  uint64
		disk             string
		path             string
	}{
		{"plenty", 50_000 * mb, 100_000 * mb, 50_000 * mb, 100_000 * mb, Healthy, ""},
		{"data disk nearly full", 300 * mb, 100_000 * mb, 50_000 * mb, 100_000 * mb, Degraded, dir},
		{"anime disk nearly full", 50_000 * mb, 100_000 * mb, 10 * mb, 2_000 * mb, Degraded, anime},
		{"small disk, 20 % free", 20 * mb, 100 * mb, 20 * mb, 100 * mb, Healthy, ""},
		{"small disk, 5 % free", 5 * mb, 100 * mb, 50 * mb, 100 * mb, Degraded, dir},
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
