package app

import (
	"context"
	"errors"
	"time"

	"github.com/aniworld/aniworld/internal/diagnostics"
	"github.com/aniworld/aniworld/internal/scheduler"
)

// diskCheckEvery is how often the free space of the anime directory is
// checked (and at once when the limit or the directory changes).
const diskCheckEvery = 5 * time.Minute

// watchDisk checks the free space of the data and anime directories'
// disks until ctx ends, by the one low-disk rule (diagnostics.CheckDisk):
// a problem below notifications.disk_min_free_mb, a recovery above it.
// Turning the check off (0) forgets a problem silently: nobody is told
// the disk "works again" when nothing was checked.
func (au *automation) watchDisk(ctx context.Context) error {
	return scheduler.EveryOrWake(ctx, au.a.clock, diskCheckEvery, au.diskCheck, au.checkDisk)
}

func (au *automation) checkDisk(context.Context) {
	c := au.a.cfg.Get()
	h := diagnostics.CheckDisk(c.Notifications.DiskMinFreeMB, c.DataDir, au.lib.Directory())
	switch {
	case h.Path == "": // off, or no disk measurable
		au.health.Forget("disk")
	case h.Status == diagnostics.Degraded:
		au.health.Observe("disk", errors.New(h.Message))
	default:
		au.health.Observe("disk", nil)
	}
}

// recheckDisk asks watchDisk for a check now.
func (au *automation) recheckDisk() {
	select {
	case au.diskCheck <- struct{}{}:
	default:
	}
}
