package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

func newBackupManager(t *testing.T) (*Manager, string) {
	t.Helper()
	dir := t.TempDir()
	c := Default()
	c.DataDir = dir
	path := filepath.Join(dir, "config.json")
	if err := Save(path, c); err != nil {
		t.Fatal(err)
	}
	return NewManager(path, c, Overrides{}), dir
}

func TestBackupListRestoreDelete(t *testing.T) {
	m, dir := newBackupManager(t)
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	m.now = func() time.Time { return clock }

	// An update writes a timestamped backup of the old file first.
	if _, err := m.Update(func(c *AppConfig) error { c.Scheduler.IntervalMinutes = 15; return nil }); err != nil {
		t.Fatal(err)
	}
	// A second update right after is coalesced (no backup of its own); a
	// manual backup in the same second gets a suffix.
	if _, err := m.Update(func(c *AppConfig) error { c.Scheduler.IntervalMinutes = 20; return nil }); err != nil {
		t.Fatal(err)
	}
	if list, _ := m.ListBackups(); len(list) != 1 {
		t.Fatalf("a rapid second update wrote a backup: %+v", list)
	}
	if name, err := m.Backup(""); err != nil || name != "config_backup_20260102_030405_1.json" {
		t.Fatalf("manual backup in the same second: %q %v", name, err)
	}
	custom, err := m.Backup("before-upgrade")
	if err != nil || custom != "before-upgrade.json" {
		t.Fatalf("custom backup %q %v", custom, err)
	}
	list, err := m.ListBackups()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]BackupInfo{}
	for _, b := range list {
		names[b.Name] = b
	}
	first, second := "config_backup_20260102_030405.json", "config_backup_20260102_030405_1.json"
	for _, n := range []string{first, second, custom} {
		if _, ok := names[n]; !ok {
			t.Fatalf("backup %s not listed: %+v", n, list)
		}
	}
	if !names[first].Automatic || names[custom].Automatic || !names[first].Created.Equal(clock) || names[first].Size == 0 {
		t.Fatalf("backup info wrong: %+v", names)
	}

	// The first backup holds interval 60; restoring it backs up first.
	got, err := m.RestoreBackup(first)
	if err != nil {
		t.Fatal(err)
	}
	if got.Scheduler.IntervalMinutes != 60 || m.Get().Scheduler.IntervalMinutes != 60 {
		t.Fatalf("restore: interval %d", got.Scheduler.IntervalMinutes)
	}
	onDisk, _, err := Load(filepath.Join(dir, "config.json"))
	if err != nil || onDisk.Scheduler.IntervalMinutes != 60 {
		t.Fatalf("file after restore: %v %d", err, onDisk.Scheduler.IntervalMinutes)
	}
	if _, err := os.Stat(filepath.Join(m.Get().BackupDir(), "config_backup_20260102_030405_2.json")); err != nil {
		t.Fatalf("restore did not back up the current config: %v", err)
	}

	if err := m.DeleteBackup(custom); err != nil {
		t.Fatal(err)
	}
	if err := m.DeleteBackup(custom); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := m.RestoreBackup("nope.json"); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("restore missing: %v", err)
	}
}

func TestRestoreRefusesInvalidBackup(t *testing.T) {
	tests := []struct{ name, content string }{
		{"invalid value", `{"scheduler": {"interval_minutes": -1}}`},
		{"not json", `{"scheduler": `},
		{"wrong type", `{"scheduler": {"enabled": "yes"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := newBackupManager(t)
			dir := m.Get().BackupDir()
			os.MkdirAll(dir, 0o700)
			os.WriteFile(filepath.Join(dir, "bad.json"), []byte(tc.content), 0o600)
			before, _ := os.ReadFile(m.Path())
			if _, err := m.RestoreBackup("bad.json"); !errors.Is(err, anime.ErrInvalid) {
				t.Fatalf("want ErrInvalid, got %v", err)
			}
			after, _ := os.ReadFile(m.Path())
			if string(before) != string(after) {
				t.Fatal("config changed by a refused restore")
			}
		})
	}
}

func TestBackupHostileNames(t *testing.T) {
	m, dir := newBackupManager(t)
	// A file outside the backup dir that a traversal would reach.
	os.WriteFile(filepath.Join(dir, "secret.json"), []byte(`{"name":"x"}`), 0o600)
	os.MkdirAll(m.Get().BackupDir(), 0o700)
	os.Symlink(filepath.Join(dir, "secret.json"), filepath.Join(m.Get().BackupDir(), "link.json"))
	hostile := []string{
		"../secret.json", "..%2fsecret.json", "/etc/passwd", "a/b.json", `..\secret.json`,
		"x\x00.json", ".hidden.json", strings.Repeat("a", 300) + ".json", "..", ".", "",
		"%2e%2e%2fsecret.json", "config.json/..", " ../secret.json", "link.json",
	}
	for _, name := range hostile {
		t.Run(name, func(t *testing.T) {
			if _, err := m.RestoreBackup(name); err == nil {
				t.Fatal("restore accepted")
			}
			if err := m.DeleteBackup(name); err == nil {
				t.Fatal("delete accepted")
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "secret.json")); err != nil {
		t.Fatal("file outside the backup dir was touched")
	}
}

func TestPruneKeepsManualAndRecent(t *testing.T) {
	m, _ := newBackupManager(t)
	dir := m.Get().BackupDir()
	os.MkdirAll(dir, 0o700)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	files := map[string]bool{ // name -> survives
		"config_backup_20260101_000000.json":   false, // 60 days old
		"config_backup_20260101_000000_1.json": false,
		"config_backup_20260220_000000.json":   true, // 9 days old
		"my-old-backup.json":                   true, // manual, kept forever
	}
	for n := range files {
		os.WriteFile(filepath.Join(dir, n), []byte(`{}`), 0o600)
		old := now.Add(-90 * 24 * time.Hour)
		os.Chtimes(filepath.Join(dir, n), old, old)
	}
	removed, err := m.PruneBackups(now) // keep_days 30 by default
	if err != nil || len(removed) != 2 {
		t.Fatalf("removed %v, %v", removed, err)
	}
	for n, keep := range files {
		_, err := os.Stat(filepath.Join(dir, n))
		if keep != (err == nil) {
			t.Fatalf("%s: keep=%v, stat err %v", n, keep, err)
		}
	}
	latest, err := m.LatestAutomaticBackup()
	if err != nil || !latest.Equal(time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("latest %v %v", latest, err)
	}
}

func FuzzCheckBackupName(f *testing.F) {
	for _, s := range []string{"config_backup_20260101_000000.json", "../x.json", "a/b.json", ".h.json", "x\x00.json", `..\x.json`, "ok-name_1.json", "/abs.json", "..json", "a..b.json"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if CheckBackupName(name) != nil {
			return
		}
		dir := "/backups"
		if filepath.Base(name) != name || strings.HasPrefix(name, ".") || strings.Contains(name, "..") ||
			filepath.Dir(filepath.Join(dir, name)) != dir || !strings.HasSuffix(name, ".json") {
			t.Fatalf("accepted unsafe name %q", name)
		}
	})
}
