package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestDefaultIsValid(t *testing.T) {
	if errs := Default().Validate(); len(errs) > 0 {
		t.Fatalf("default config invalid: %v", errs)
	}
}

func TestLoadRefusesBadFilesWithoutTouchingThem(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"truncated json", `{"name": "x",`, "invalid JSON"},
		{"garbage", "\x00\x01garbage", "invalid JSON"},
		{"array", `[1,2]`, "must be a JSON object"},
		{"wrong type", `{"scheduler": {"interval_minutes": "often"}}`, "interval_minutes"},
		{"unknown nested key", `{"scheduler": {"intervall": 5}}`, "intervall"},
		{"fails validation", `{"scheduler": {"interval_minutes": 0}}`, "scheduler.interval_minutes"},
		{"trailing data", `{} {}`, "trailing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config.json")
			if err := os.WriteFile(p, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err := Load(p)
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v; want *FileError", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, p) || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Fatalf("message %q should name the file, mention %q and be one line", msg, tc.want)
			}
			got, _ := os.ReadFile(p)
			if !bytes.Equal(got, []byte(tc.content)) {
				t.Fatal("file was modified")
			}
		})
	}
}

func TestLoadMissingFileGivesDefaults(t *testing.T) {
	cfg, exists, err := Load(filepath.Join(t.TempDir(), "nope.json"))
	if err != nil || exists || cfg.Name != "Aniworld" {
		t.Fatalf("cfg=%v exists=%v err=%v", cfg.Name, exists, err)
	}
}

func TestMerge(t *testing.T) {
	tests := []struct {
		name  string
		patch string
		check func(t *testing.T, c AppConfig)
	}{
		{"partial keeps siblings", `{"scheduler":{"interval_minutes":30}}`, func(t *testing.T, c AppConfig) {
			if c.Scheduler.IntervalMinutes != 30 || !c.Scheduler.Enabled {
				t.Fatalf("scheduler = %+v", c.Scheduler)
			}
		}},
		{"unknown top-level kept in other", `{"my_plugin":{"x":1}}`, func(t *testing.T, c AppConfig) {
			if _, ok := c.Other["my_plugin"]; !ok {
				t.Fatalf("other = %v", c.Other)
			}
		}},
		{"advanced writes through", `{"advanced":{"max_concurrent_downloads":5,"provider_timeout":60,"enable_debug_mode":true}}`, func(t *testing.T, c AppConfig) {
			if c.Download.MaxConcurrentDownloads != 5 || c.Download.ProviderTimeout != 60 || !c.Advanced.EnableDebugMode {
				t.Fatalf("download = %+v advanced = %+v", c.Download, c.Advanced)
			}
		}},
		{"null log file", `{"logging":{"file":null}}`, func(t *testing.T, c AppConfig) {
			if c.Logging.File != nil {
				t.Fatal("file should be nil")
			}
		}},
		{"arrays replace", `{"download":{"hoster_order":["Vidoza"]}}`, func(t *testing.T, c AppConfig) {
			if len(c.Download.HosterOrder) != 1 || c.Download.HosterOrder[0] != "Vidoza" {
				t.Fatalf("hoster_order = %v", c.Download.HosterOrder)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Merge(Default(), []byte(tc.patch))
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

func TestMarshalShowsAdvancedView(t *testing.T) {
	c := Default()
	c.Download.MaxConcurrentDownloads = 7
	b, _ := json.Marshal(c)
	var m map[string]map[string]any
	_ = json.Unmarshal(b, &m)
	if m["advanced"]["max_concurrent_downloads"] != float64(7) {
		t.Fatalf("advanced = %v", m["advanced"])
	}
}

func TestOverridesPrecedence(t *testing.T) {
	s := func(v string) *string { return &v }
	env := FromEnv(func(k string) string {
		return map[string]string{"ANIWORLD_ADDR": "0.0.0.0:1", "ANIWORLD_LOG_LEVEL": "debug"}[k]
	})
	flags := Overrides{Addr: s("127.0.0.1:2")}
	c := Default()
	env.Over(flags).Apply(&c)
	if c.Server.Addr != "127.0.0.1:2" || c.Logging.Level != "DEBUG" {
		t.Fatalf("addr=%s level=%s", c.Server.Addr, c.Logging.Level)
	}
}

func TestManagerUpdate(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.json")
	c := Default()
	c.DataDir = dir
	if err := Save(p, c); err != nil {
		t.Fatal(err)
	}
	m := NewManager(p, c, Overrides{})
	m.now = func() time.Time { return time.Date(2025, 12, 13, 9, 1, 30, 0, time.UTC) }
	var notified int
	m.Subscribe(func(old, new AppConfig) { notified++ })

	_, err := m.Update(func(c *AppConfig) error { c.Scheduler.IntervalMinutes = -1; return nil })
	var ve *ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, anime.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	if m.Get().Scheduler.IntervalMinutes != 60 || notified != 0 {
		t.Fatal("invalid update was applied")
	}
	for i := 0; i < 2; i++ {
		if _, err := m.Update(func(c *AppConfig) error { c.Scheduler.IntervalMinutes = 30 + i; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v", st.Mode().Perm())
	}
	reloaded, _, err := Load(p)
	if err != nil || reloaded.Scheduler.IntervalMinutes != 31 || notified != 2 {
		t.Fatalf("reloaded=%d notified=%d err=%v", reloaded.Scheduler.IntervalMinutes, notified, err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "backups"))
	names := []string{}
	for _, e := range entries {
		names = append(names, e.Name())
	}
	// Two updates in the same second: one backup, of the state before both.
	want := []string{"config_backup_20251213_090130.json"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("backups = %v; want %v", names, want)
	}
	if before, err := m.ReadBackup(want[0]); err != nil || before.Scheduler.IntervalMinutes != 60 {
		t.Fatalf("backup holds interval %d (%v), want the pre-burst 60", before.Scheduler.IntervalMinutes, err)
	}
}

func TestSanitizeBackupName(t *testing.T) {
	bad := []string{"", "..", "../x", "a/b", `a\b`, "/etc/passwd", "x\x00y", ".hidden", "a%2fb", "sp ace", strings.Repeat("a", 101)}
	for _, n := range bad {
		if _, err := SanitizeBackupName(n); !errors.Is(err, anime.ErrInvalid) {
			t.Errorf("%q accepted", n)
		}
	}
	if got, err := SanitizeBackupName("before-upgrade"); err != nil || got != "before-upgrade.json" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestManagerDoesNotPersistOverrides(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.json")
	base := Default()
	base.DataDir = dir
	key := "env-secret-key"
	m := NewManager(p, base, Overrides{TMDBAPIKey: &key})
	if m.Get().NFO.TMDBAPIKey != key {
		t.Fatal("override not applied")
	}
	if _, err := m.Update(func(c *AppConfig) error { c.Scheduler.IntervalMinutes = 15; return nil }); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	if strings.Contains(string(data), key) || !strings.Contains(string(data), `"interval_minutes": 15`) {
		t.Fatalf("saved file: %s", data)
	}
}
