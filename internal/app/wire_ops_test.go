package app

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/library"
)

func opsTestApp(t *testing.T, mod func(*config.AppConfig)) *App {
	t.Helper()
	dir := t.TempDir()
	c := config.Default()
	c.DataDir = dir
	if mod != nil {
		mod(&c)
	}
	path := filepath.Join(dir, "config.json")
	if err := config.Save(path, c); err != nil {
		t.Fatal(err)
	}
	return &App{cfg: config.NewManager(path, c, config.Overrides{}), log: slog.New(slog.DiscardHandler)}
}

func TestDailyBackup(t *testing.T) {
	recent := config.BackupPrefix + time.Now().UTC().Add(-2*time.Hour).Format("20060102_150405") + ".json"
	tests := []struct {
		name      string
		enabled   bool
		existing  []string // backup names present before
		wantNew   bool
		wantGone  []string
		wantStays []string
	}{
		{"disabled does nothing", false, []string{"config_backup_20200101_000000.json"}, false, nil, []string{"config_backup_20200101_000000.json"}},
		{"none yet", true, nil, true, nil, nil},
		{"recent one", true, []string{recent}, false, nil, []string{recent}},
		{"old ones pruned, manual kept", true, []string{"config_backup_20200101_000000.json", "keep-me.json"}, true,
			[]string{"config_backup_20200101_000000.json"}, []string{"keep-me.json"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := opsTestApp(t, func(c *config.AppConfig) { c.Backup.Enabled = tc.enabled })
			dir := a.cfg.Get().BackupDir()
			os.MkdirAll(dir, 0o700)
			for _, n := range tc.existing {
				os.WriteFile(filepath.Join(dir, n), []byte(`{}`), 0o600)
			}
			a.dailyBackup(time.Now())
			list, err := a.cfg.ListBackups()
			if err != nil {
				t.Fatal(err)
			}
			have := map[string]bool{}
			fresh := 0
			for _, b := range list {
				have[b.Name] = true
				if b.Automatic && time.Since(b.Created).Abs() < time.Hour {
					fresh++
				}
			}
			if (fresh == 1) != tc.wantNew || fresh > 1 {
				t.Fatalf("fresh backups %d, want new=%v: %+v", fresh, tc.wantNew, list)
			}
			for _, n := range tc.wantGone {
				if have[n] {
					t.Fatalf("%s not pruned", n)
				}
			}
			for _, n := range tc.wantStays {
				if !have[n] {
					t.Fatalf("%s removed", n)
				}
			}
		})
	}
}

type fakeOpsLibrary struct {
	dir   string
	items []library.ListItem
	sets  int
}

func (f *fakeOpsLibrary) Scan(context.Context, func(event.ScanData)) (library.ScanSummary, error) {
	return library.ScanSummary{}, nil
}
func (f *fakeOpsLibrary) Rescan(context.Context, func(event.ScanData)) (library.ScanSummary, error) {
	return library.ScanSummary{}, nil
}
func (f *fakeOpsLibrary) Scanning() bool    { return false }
func (f *fakeOpsLibrary) Directory() string { return f.dir }
func (f *fakeOpsLibrary) UseDirectory(_ context.Context, dir string) (int, error) {
	f.sets++
	f.dir = dir
	return 7, nil
}
func (f *fakeOpsLibrary) Status(context.Context) (string, int, error) { return f.dir, 7, nil }
func (f *fakeOpsLibrary) EachMissing(_ context.Context, fn func(anime.Series, []anime.EpisodeRef) error) error {
	for _, it := range f.items {
		if eps := it.MissingEpisodes.Refs(); len(eps) > 0 {
			if err := fn(anime.Series{Key: it.Key, Name: it.Name, Folder: it.Folder}, eps); err != nil {
				return err
			}
		}
	}
	return nil
}
