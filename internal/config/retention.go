package config

import (
	"errors"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// Backup retention defaults (README "Configuration").
const (
	// DefaultBackupMaxCount is backup.max_count's default: automatic
	// backups kept, newest first.
	DefaultBackupMaxCount = 20
	// BackupCoalesceWindow: an update within this time of the last
	// automatic backup writes none, so a burst of writes leaves one backup
	// (the state before the burst) instead of one per write.
	BackupCoalesceWindow = time.Minute
)

// autoBackupLocked writes the automatic backup that precedes an update,
// unless coalesce is set and one was written within BackupCoalesceWindow.
// It reports whether it wrote one. m.mu is held.
func (m *Manager) autoBackupLocked(coalesce bool) (bool, error) {
	now := m.now()
	if coalesce && !m.lastAuto.IsZero() && !now.Before(m.lastAuto) && now.Sub(m.lastAuto) < BackupCoalesceWindow {
		return false, nil
	}
	name, err := m.backupLocked("", false)
	if err != nil || name == "" {
		return false, err
	}
	m.lastAuto = now
	return true, nil
}

// PruneBackups applies the retention policy of the backup section to the
// automatic backups: it keeps the newest backup.max_count and, of those,
// deletes the ones older than backup.keep_days (by the time in their
// name) except the newest, so one restore point always remains.
// Custom-named backups are never pruned. It answers the names it removed.
func (m *Manager) PruneBackups(now time.Time) ([]string, error) {
	policy := m.Get().Backup
	list, err := m.ListBackups() // newest first
	if err != nil {
		return nil, err
	}
	cutoff := now.Add(-time.Duration(policy.KeepDays) * 24 * time.Hour)
	var removed []string
	var errs []error
	kept := 0
	for _, b := range list {
		if !b.Automatic {
			continue
		}
		if kept == 0 || (kept < policy.MaxCount && !b.Created.Before(cutoff)) {
			kept++
			continue
		}
		if err := m.DeleteBackup(b.Name); err != nil && !errors.Is(err, anime.ErrNotFound) {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, b.Name)
	}
	return removed, errors.Join(errs...)
}
