package api

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/logging"
)

// newLoggingEnv serves the logging routes; the log file is logFile
// (relative to the data dir), already opened by a real logging.Logs.
func newLoggingEnv(t *testing.T, logFile string) (*opsEnv, *logging.Logs) {
	t.Helper()
	var logs *logging.Logs
	e := newOpsEnv(t, func(c *config.AppConfig) { c.Logging.File = &logFile }, func(e *opsEnv, sv *Services) {
		var err error
		logs, err = logging.New(io.Discard, logging.Settings{Level: "INFO", File: e.cfg.Get().LogFile()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { logs.Close() })
		sv.Logging = &LoggingDeps{Config: e.cfg, Logs: logs}
	})
	return e, logs
}

func TestLoggingConfig(t *testing.T) {
	e, _ := newLoggingEnv(t, "logs/aniworld.log")
	code, _, raw := e.do("GET", "/api/logging/config", "")
	if code != 200 || string(raw) != `{"level":"INFO","file":"logs/aniworld.log","max_bytes":null,"backup_count":3}`+"\n" {
		t.Fatalf("%d %s", code, raw)
	}
	code, _, raw = e.do("POST", "/api/logging/config", `{"level":"DEBUG","max_bytes":10485760,"backup_count":5}`)
	if code != 200 || !strings.Contains(string(raw), `"max_bytes":10485760`) {
		t.Fatalf("%d %s", code, raw)
	}
	onDisk, _, err := config.Load(e.cfg.Path())
	if err != nil || onDisk.Logging.Level != "DEBUG" || onDisk.Logging.BackupCount != 5 || *onDisk.Logging.MaxBytes != 10485760 {
		t.Fatalf("not persisted: %v %+v", err, onDisk.Logging)
	}
	if code, _, raw := e.do("POST", "/api/logging/config", `{"level":"LOUD","backup_count":-1}`); code != 422 || !strings.Contains(string(raw), "logging.backup_count") {
		t.Fatalf("invalid: %d %s", code, raw)
	}
}

func TestLogFilesListDownloadTail(t *testing.T) {
	e, logs := newLoggingEnv(t, "logs/aniworld.log")
	dir := filepath.Join(e.dir, "logs")
	var lines strings.Builder
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&lines, "line %d\n", i)
	}
	os.WriteFile(filepath.Join(dir, "aniworld-2026-01-01T00-00-00.000.log"), []byte(lines.String()), 0o600)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a log"), 0o600)
	os.WriteFile(filepath.Join(dir, ".hidden.log"), []byte("hidden"), 0o600)
	os.Symlink(e.cfg.Path(), filepath.Join(dir, "config.log"))
	logs.Logger().Info("hello from the test")

	code, _, raw := e.do("GET", "/api/logging/files", "")
	files := decode[[]LogFileInfo](t, raw)
	if code != 200 || len(files) != 2 {
		t.Fatalf("%d %s", code, raw)
	}
	for _, f := range files {
		if f.Path != f.Name || f.Modified < 1e9 || f.Size == 0 || f.Active != (f.Name == "aniworld.log") {
			t.Fatalf("entry %+v", f)
		}
	}

	code, h, raw := e.do("GET", "/api/logging/files/aniworld-2026-01-01T00-00-00.000.log/download", "")
	if code != 200 || string(raw) != lines.String() || !strings.Contains(h.Get("Content-Disposition"), `attachment; filename="aniworld-2026-01-01T00-00-00.000.log"`) {
		t.Fatalf("download: %d %v %s", code, h, raw)
	}
	tests := []struct {
		name, query, want string
	}{
		{"three", "?lines=3", "line 8\nline 9\nline 10\n"},
		{"default", "", lines.String()},
		{"more than the file", "?lines=50", lines.String()},
		{"capped", "?lines=999999", lines.String()},
		{"zero means default", "?lines=0", lines.String()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, h, raw := e.do("GET", "/api/logging/files/aniworld-2026-01-01T00-00-00.000.log/tail"+tc.query, "")
			if code != 200 || string(raw) != tc.want || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
				t.Fatalf("%d %q %q", code, h.Get("Content-Type"), raw)
			}
		})
	}
	code, _, raw = e.do("GET", "/api/logging/files/aniworld.log/tail?lines=1", "")
	if code != 200 || !strings.Contains(string(raw), "hello from the test") {
		t.Fatalf("active tail: %d %s", code, raw)
	}
}

func TestLogFileRoutesConfined(t *testing.T) {
	// The log file sits in the data directory itself: config.json,
	// jwt_secret and auth.json are neighbours and must stay unreachable.
	e, _ := newLoggingEnv(t, "aniworld.log")
	os.WriteFile(filepath.Join(filepath.Dir(e.dir), "outside.log"), []byte("outside"), 0o600)
	os.Symlink(filepath.Join(filepath.Dir(e.dir), "outside.log"), filepath.Join(e.dir, "link.log"))
	tests := []struct {
		name   string
		status int
	}{
		{"..%2foutside.log", 403},
		{"%2e%2e%2foutside.log", 403},
		{"..%5coutside.log", 403},
		{"%2fetc%2fpasswd", 403},
		{"..%2f..%2f..%2f..%2fetc%2fpasswd", 403},
		{"sub%2f..%2f..%2foutside.log", 403},
		{"aniworld.log%00", 403},
		{"%2e%2e", 403},
		{"..", 404}, // cleaned by the router: no route
		{"link.log", 403},
		{"config.json", 404},
		{"jwt_secret", 404},
		{"auth.json", 404},
		{"aniworld.db", 404},
		{"missing.log", 404},
		{".hidden.log", 404},
		{strings.Repeat("a", 300) + ".log", 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, suffix := range []string{"/download", "/tail"} {
				code, _, raw := e.do("GET", "/api/logging/files/"+tc.name+suffix, "")
				if code != tc.status {
					t.Fatalf("%s: %d, want %d: %s", suffix, code, tc.status, raw)
				}
				want := CodeNotFound
				if tc.status == 403 {
					want = CodeAuthorization
				}
				if !strings.Contains(string(raw), want) || strings.Contains(string(raw), "outside") && tc.status == 200 {
					t.Fatalf("%s: %s", suffix, raw)
				}
			}
		})
	}
	code, _, raw := e.do("GET", "/api/logging/files", "")
	if code != 200 || strings.Contains(string(raw), "config.json") || strings.Contains(string(raw), "jwt_secret") || strings.Contains(string(raw), "link.log") {
		t.Fatalf("listing: %s", raw)
	}
}

func TestLogCleanupKeepsActiveFile(t *testing.T) {
	e, _ := newLoggingEnv(t, "logs/aniworld.log")
	dir := filepath.Join(e.dir, "logs")
	old := time.Now().Add(-60 * 24 * time.Hour)
	write := func(name string, size int, mod time.Time) {
		p := filepath.Join(dir, name)
		os.WriteFile(p, bytes.Repeat([]byte("x"), size), 0o600)
		os.Chtimes(p, mod, mod)
	}
	write("aniworld-old.log", 100, old)
	write("aniworld-old.log.gz", 50, old)
	write("aniworld-recent.log", 10, time.Now().Add(-24*time.Hour))
	write("notes.txt", 10, old)
	os.Chtimes(filepath.Join(dir, "aniworld.log"), old, old) // active, and old

	code, _, raw := e.do("POST", "/api/logging/cleanup?max_age_days=30", "")
	out := decode[struct {
		FilesDeleted int      `json:"files_deleted"`
		SpaceFreed   int64    `json:"space_freed"`
		Errors       []string `json:"errors"`
	}](t, raw)
	if code != 200 || out.FilesDeleted != 2 || out.SpaceFreed != 150 || out.Errors == nil || len(out.Errors) != 0 {
		t.Fatalf("%d %s", code, raw)
	}
	for name, keep := range map[string]bool{"aniworld.log": true, "aniworld-recent.log": true, "notes.txt": true,
		"aniworld-old.log": false, "aniworld-old.log.gz": false} {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != keep {
			t.Fatalf("%s: keep=%v err=%v", name, keep, err)
		}
	}
}

func TestLoggingTestWritesEveryLevel(t *testing.T) {
	e, _ := newLoggingEnv(t, "logs/aniworld.log")
	if code, _, raw := e.do("POST", "/api/logging/config", `{"level":"DEBUG"}`); code != 200 {
		t.Fatalf("%d %s", code, raw)
	}
	// The app subscribes Logs to config changes; here the level is set directly.
	code, _, raw := e.do("POST", "/api/logging/test", "")
	if code != 200 || !strings.Contains(string(raw), `"status":"success"`) {
		t.Fatalf("%d %s", code, raw)
	}
	data, _ := os.ReadFile(filepath.Join(e.dir, "logs", "aniworld.log"))
	for _, lvl := range []string{"INFO", "WARNING", "ERROR", "CRITICAL"} {
		if !strings.Contains(string(data), "test message at "+lvl+" level") {
			t.Fatalf("no %s line in %s", lvl, data)
		}
	}
}
