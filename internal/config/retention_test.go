package config

import (
	"testing"
	"time"
)

// TestBackupRetention: rapid writes are coalesced, automatic backups are
// bounded by backup.max_count and pruned by backup.keep_days after every
// new one, custom-named backups are kept, and a restore always backs up.
func TestBackupRetention(t *testing.T) {
	m, _ := newBackupManager(t)
	clock := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	m.now = func() time.Time { return clock }
	update := func(i int) {
		t.Helper()
		if _, err := m.Update(func(c *AppConfig) error { c.Scheduler.IntervalMinutes = 1 + i%500; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	autos := func() []BackupInfo {
		t.Helper()
		list, err := m.ListBackups()
		if err != nil {
			t.Fatal(err)
		}
		var out []BackupInfo
		for _, b := range list {
			if b.Automatic {
				out = append(out, b)
			}
		}
		return out
	}
	if _, err := m.Backup("keep-me"); err != nil {
		t.Fatal(err)
	}

	// 430 writes in two minutes (the probe's burst): one backup per minute.
	for i := range 430 {
		update(i)
		clock = clock.Add(120 * time.Second / 430)
	}
	if n := len(autos()); n < 1 || n > 3 {
		t.Fatalf("a two-minute burst left %d backups, want 1-3", n)
	}

	// Writes two minutes apart each back up, but only max_count are kept.
	for i := range 3 * DefaultBackupMaxCount {
		clock = clock.Add(2 * time.Minute)
		update(i)
	}
	list := autos()
	if len(list) != DefaultBackupMaxCount {
		t.Fatalf("%d automatic backups kept, want %d", len(list), DefaultBackupMaxCount)
	}
	if !list[0].Created.Equal(clock.Truncate(time.Second)) {
		t.Fatalf("newest kept backup is from %v, want %v", list[0].Created, clock)
	}

	// Forty days later the next write prunes every backup past keep_days.
	clock = clock.Add(40 * 24 * time.Hour)
	update(1)
	if list := autos(); len(list) != 1 || !list[0].Created.Equal(clock.Truncate(time.Second)) {
		t.Fatalf("after 40 days: %+v, want only the new backup", list)
	}
	// A lone old backup is the last restore point: it is kept.
	clock = clock.Add(100 * 24 * time.Hour)
	if removed, err := m.PruneBackups(clock); err != nil || len(removed) != 0 {
		t.Fatalf("pruned the only backup: %v %v", removed, err)
	}
	if _, err := m.ReadBackup("keep-me.json"); err != nil {
		t.Fatalf("custom backup pruned: %v", err)
	}

	// A restore right after an update is not coalesced: it backs up.
	update(2)
	before := len(autos())
	if _, err := m.RestoreBackup("keep-me.json"); err != nil {
		t.Fatal(err)
	}
	if after := len(autos()); after != before+1 {
		t.Fatalf("restore wrote %d backups, want 1", after-before)
	}
}
