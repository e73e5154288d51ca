package app

import (
	"context"
	"fmt"
	"time"

	"github.com/shirou/gopsutil/v4/disk"

	"github.com/aniworld/aniworld/internal/scheduler"
)

// diskCheckEvery is how often the free space of the anime directory is
// checked (and at once when the limit or the directory changes).
const diskCheckEvery = 5 * time.Minute

// watchDisk checks the anime directory's free space until ctx ends: a
// problem below notifications.disk_min_free_mb, a recovery above it.
// Turning the check off (0) or having no directory forgets a problem
// silently: nobody is told the disk "works again" when nothing was checked.
func (au *automation) watchDisk(ctx context.Context) error {
	return scheduler.EveryOrWake(ctx, au.a.clock, diskCheckEvery, au.diskCheck, au.checkDisk)
}

func (au *automation) checkDisk(ctx context.Context) {
	limit, dir := au.a.cfg.Get().Notifications.DiskMinFreeMB, au.lib.Directory()
	if dir == "" || limit <= 0 {
		au.health.Forget("disk")
		return
	}
	u, err := disk.UsageWithContext(ctx, dir)
	if err != nil {
		return // an unreadable directory is the library's problem, reported there
	}
	var problem error
	if free := int(u.Free >> 20); free < limit {
		problem = fmt.Errorf("%d MB free in the anime directory (warning below %d MB)", free, limit)
	}
	au.health.Observe("disk", problem)
}

// recheckDisk asks watchDisk for a check now.
func (au *automation) recheckDisk() {
	select {
	case au.diskCheck <- struct{}{}:
	default:
	}
}
