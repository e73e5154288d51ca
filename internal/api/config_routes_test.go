package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/auth"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/store"
)

const testPassword = "Sup3r-Secret!pw"

// authVerifier adapts auth.Service to the gate.
type authVerifier struct{ s *auth.Service }

func (a authVerifier) Configured() bool { return a.s.Configured() }
func (a authVerifier) VerifyToken(ctx context.Context, tok string) error {
	_, err := a.s.Verify(ctx, tok)
	return err
}

// opsEnv is a server with real config, auth and the ops routes.
type opsEnv struct {
	t      *testing.T
	ts     *httptest.Server
	dir    string
	cfg    *config.Manager
	auth   *auth.Service
	token  string
	synced atomic.Int32 // SetDirectory calls
	resets atomic.Int32 // ResetSecurity calls
}

func newOpsEnv(t *testing.T, mod func(c *config.AppConfig), extra ...func(e *opsEnv, sv *Services)) *opsEnv {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := config.Default()
	c.DataDir = dir
	c.NFO.TMDBAPIKey = "tmdb-secret-key-123"
	c.Server.MetricsToken = "metrics-secret-456"
	if mod != nil {
		mod(&c)
	}
	path := filepath.Join(dir, "config.json")
	if err := config.Save(path, c); err != nil {
		t.Fatal(err)
	}
	e := &opsEnv{t: t, dir: dir, cfg: config.NewManager(path, c, config.Overrides{})}
	// What the app's subscribers for the queue, logging and scheduler
	// declare; nothing else here applies live.
	e.cfg.ReadsLive("download.max_concurrent_downloads", "advanced.max_concurrent_downloads", "logging", "scheduler")
	e.auth, err = auth.New(context.Background(), auth.Options{DataDir: dir, Store: db})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.auth.Setup(context.Background(), testPassword); err != nil {
		t.Fatal(err)
	}
	e.login()
	sv := Services{Config: &ConfigDeps{
		Config: e.cfg,
		SetDirectory: func(ctx context.Context, dir string) (int, error) {
			e.synced.Add(1)
			entries, err := os.ReadDir(dir)
			return len(entries), err
		},
		ResetSecurity: func(ctx context.Context) error { e.resets.Add(1); return e.auth.Reset(ctx) },
		Now:           func() time.Time { return time.Date(2026, 11, 22, 7, 0, 0, 0, time.UTC) },
	}}
	for _, x := range extra {
		x(e, &sv)
	}
	s := New(Deps{Config: e.cfg, DB: db, Logger: slog.New(slog.DiscardHandler), Version: "test",
		Gate: &Gate{Verifier: authVerifier{e.auth}}, Services: sv})
	e.ts = httptest.NewServer(s)
	t.Cleanup(e.ts.Close)
	return e
}

func (e *opsEnv) login() {
	e.t.Helper()
	sess, err := e.auth.Login(context.Background(), testPassword, false, "127.0.0.1")
	if err != nil {
		e.t.Fatal(err)
	}
	e.token = sess.Token
}

// do sends a request with the session token and answers status, headers
// and body.
func (e *opsEnv) do(method, path, body string) (int, http.Header, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, raw
}

func (e *opsEnv) getConfig() config.AppConfig {
	e.t.Helper()
	code, _, raw := e.do("GET", "/api/config", "")
	if code != 200 {
		e.t.Fatalf("GET /api/config: %d %s", code, raw)
	}
	var c config.AppConfig
	if err := json.Unmarshal(raw, &c); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func decode[T any](t *testing.T, raw []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}

func TestGetConfigMasksSecrets(t *testing.T) {
	e := newOpsEnv(t, nil)
	code, _, raw := e.do("GET", "/api/config", "")
	if code != 200 || strings.Contains(string(raw), "tmdb-secret-key-123") || strings.Contains(string(raw), "metrics-secret-456") {
		t.Fatalf("%d %s", code, raw)
	}
	c := e.getConfig()
	if c.NFO.TMDBAPIKey != config.SecretMask || c.Server.MetricsToken != config.SecretMask {
		t.Fatalf("secrets not masked: %q %q", c.NFO.TMDBAPIKey, c.Server.MetricsToken)
	}
	// Without a token: 401 in the error format.
	e.token = ""
	if code, _, raw := e.do("GET", "/api/config", ""); code != 401 || !strings.Contains(string(raw), CodeAuthentication) {
		t.Fatalf("anonymous: %d %s", code, raw)
	}
}

func TestPutConfig(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		check       func(t *testing.T, c config.AppConfig)
		wantRestart string
	}{
		{"partial merge", `{"scheduler":{"interval_minutes":30},"logging":{"level":"DEBUG"}}`, func(t *testing.T, c config.AppConfig) {
			if c.Scheduler.IntervalMinutes != 30 || !c.Scheduler.Enabled || c.Logging.Level != "DEBUG" || c.Logging.BackupCount != 3 {
				t.Fatalf("merge wrong: %+v %+v", c.Scheduler, c.Logging)
			}
		}, ""},
		{"mask sent back keeps secret", `{"nfo":{"tmdb_api_key":"***","language":"en-US"},"server":{"metrics_token":"***"}}`, func(t *testing.T, c config.AppConfig) {
			if c.NFO.TMDBAPIKey != "tmdb-secret-key-123" || c.Server.MetricsToken != "metrics-secret-456" || c.NFO.Language != "en-US" {
				t.Fatalf("secrets: %q %q", c.NFO.TMDBAPIKey, c.Server.MetricsToken)
			}
		}, "nfo.language"},
		{"new secret stored", `{"nfo":{"tmdb_api_key":"new-key"}}`, func(t *testing.T, c config.AppConfig) {
			if c.NFO.TMDBAPIKey != "new-key" {
				t.Fatalf("key %q", c.NFO.TMDBAPIKey)
			}
		}, "nfo.tmdb_api_key"},
		{"restart needed", `{"server":{"addr":"127.0.0.1:9999"},"download":{"max_concurrent_downloads":4}}`, func(t *testing.T, c config.AppConfig) {
			if c.Server.Addr != "127.0.0.1:9999" || c.Download.MaxConcurrentDownloads != 4 {
				t.Fatal("not applied")
			}
		}, "server.addr"},
		{"unknown top-level key kept in other", `{"theme":"dark"}`, func(t *testing.T, c config.AppConfig) {
			if c.Other["theme"] != "dark" {
				t.Fatalf("other %v", c.Other)
			}
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newOpsEnv(t, nil)
			code, h, raw := e.do("PUT", "/api/config", tc.body)
			if code != 200 {
				t.Fatalf("%d %s", code, raw)
			}
			if strings.Contains(string(raw), "tmdb-secret-key-123") {
				t.Fatal("secret in response")
			}
			if got := h.Get(RestartHeader); got != tc.wantRestart {
				t.Fatalf("%s = %q, want %q", RestartHeader, got, tc.wantRestart)
			}
			tc.check(t, e.cfg.Get())
			onDisk, _, err := config.Load(e.cfg.Path())
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, onDisk)
			if list, _ := e.cfg.ListBackups(); len(list) != 1 {
				t.Fatalf("want one backup before the update, got %+v", list)
			}
		})
	}
}

func TestPutConfigInvalidListsEveryProblemAndAppliesNothing(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantFields []string
	}{
		{"three bad values", `{"scheduler":{"interval_minutes":-1},"logging":{"level":"LOUD"},"backup":{"keep_days":0},"name":"changed"}`,
			[]string{"scheduler.interval_minutes", "logging.level", "backup.keep_days"}},
		{"wrong type", `{"scheduler":{"enabled":"yes"}}`, []string{"body"}},
		{"unknown nested key", `{"scheduler":{"every":5}}`, []string{"body"}},
		{"directory is a file", `{"anime_directory":"FILE","download":{"max_retries":99}}`, []string{"anime_directory", "download.max_retries"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newOpsEnv(t, nil)
			file := filepath.Join(e.dir, "afile")
			os.WriteFile(file, []byte("x"), 0o600)
			before, _ := os.ReadFile(e.cfg.Path())
			code, _, raw := e.do("PUT", "/api/config", strings.ReplaceAll(tc.body, "FILE", file))
			if code != 422 {
				t.Fatalf("%d %s", code, raw)
			}
			body := decode[Error](t, raw)
			list, _ := body.Details["errors"].([]any)
			got := map[string]bool{}
			for _, it := range list {
				got[it.(map[string]any)["field"].(string)] = true
			}
			for _, f := range tc.wantFields {
				if !got[f] {
					t.Fatalf("problem %s not listed: %s", f, raw)
				}
			}
			if len(list) != len(tc.wantFields) {
				t.Fatalf("want %d problems: %s", len(tc.wantFields), raw)
			}
			after, _ := os.ReadFile(e.cfg.Path())
			if string(before) != string(after) || e.getConfig().Name != "Aniworld" {
				t.Fatal("a refused update changed the config")
			}
			if list, _ := e.cfg.ListBackups(); len(list) != 0 {
				t.Fatal("a refused update wrote a backup")
			}
		})
	}
}

func TestValidateConfig(t *testing.T) {
	e := newOpsEnv(t, nil)
	before, _ := os.ReadFile(e.cfg.Path())
	tests := []struct {
		name      string
		body      string
		valid     bool
		numErrors int
	}{
		{"valid partial", `{"scheduler":{"interval_minutes":10}}`, true, 0},
		{"valid full", string(must(json.Marshal(config.Default()))), true, 0},
		{"two problems", `{"scheduler":{"interval_minutes":0},"download":{"max_concurrent_downloads":99}}`, false, 2},
		{"type error", `{"logging":{"backup_count":"three"}}`, false, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, raw := e.do("POST", "/api/config/validate", tc.body)
			if code != 200 {
				t.Fatalf("%d %s", code, raw)
			}
			v := decode[struct {
				Valid   bool                `json:"valid"`
				Success bool                `json:"success"`
				Message string              `json:"message"`
				Errors  []config.FieldError `json:"errors"`
			}](t, raw)
			if v.Valid != tc.valid || v.Success != tc.valid || len(v.Errors) != tc.numErrors || v.Message == "" {
				t.Fatalf("%s", raw)
			}
		})
	}
	after, _ := os.ReadFile(e.cfg.Path())
	if string(before) != string(after) {
		t.Fatal("validate changed the config")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestAdvancedSectionIsAView(t *testing.T) {
	e := newOpsEnv(t, nil)
	code, _, raw := e.do("GET", "/api/config/section/advanced", "")
	if code != 200 || string(raw) != `{"max_concurrent_downloads":2,"provider_timeout":30,"enable_debug_mode":false}`+"\n" {
		t.Fatalf("%d %s", code, raw)
	}
	code, _, raw = e.do("POST", "/api/config/section/advanced", `{"max_concurrent_downloads":5,"enable_debug_mode":true}`)
	if code != 200 || !strings.Contains(string(raw), "Advanced configuration updated successfully") {
		t.Fatalf("%d %s", code, raw)
	}
	c := e.getConfig()
	if c.Download.MaxConcurrentDownloads != 5 || c.Advanced.MaxConcurrentDownloads != 5 || !c.Advanced.EnableDebugMode || c.Download.ProviderTimeout != 30 {
		t.Fatalf("view not written through: %+v %+v", c.Download, c.Advanced)
	}
	if code, _, raw := e.do("POST", "/api/config/section/advanced", `{"provider_timeout":0}`); code != 422 {
		t.Fatalf("invalid advanced: %d %s", code, raw)
	}
}

func TestExportConfig(t *testing.T) {
	e := newOpsEnv(t, nil)
	hash, _ := os.ReadFile(filepath.Join(e.dir, auth.PasswordFile))
	secret, _ := os.ReadFile(filepath.Join(e.dir, auth.SecretFile))
	var rec struct {
		PasswordHash string `json:"password_hash"`
	}
	json.Unmarshal(hash, &rec)
	tests := []struct {
		name, body string
		wantKey    string
	}{
		{"default masks", ``, config.SecretMask},
		{"explicit false masks", `{"include_sensitive":false}`, config.SecretMask},
		{"include sensitive", `{"include_sensitive":true}`, "tmdb-secret-key-123"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, h, raw := e.do("POST", "/api/config/export", tc.body)
			if code != 200 {
				t.Fatalf("%d %s", code, raw)
			}
			if cd := h.Get("Content-Disposition"); cd != `attachment; filename="aniworld_config_20261122_070000.json"` {
				t.Fatalf("Content-Disposition %q", cd)
			}
			if !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
				t.Fatalf("Content-Type %q", h.Get("Content-Type"))
			}
			c := decode[config.AppConfig](t, raw)
			if c.NFO.TMDBAPIKey != tc.wantKey {
				t.Fatalf("tmdb key %q", c.NFO.TMDBAPIKey)
			}
			for _, s := range []string{rec.PasswordHash, strings.TrimSpace(string(secret)), "argon2id", "password_hash", "jwt"} {
				if s == "" || strings.Contains(string(raw), s) {
					t.Fatalf("export leaks %q", s)
				}
			}
		})
	}
}

func TestResetConfig(t *testing.T) {
	tests := []struct {
		name          string
		body          string
		preserve      bool
		wantKeptAddr  bool
		wantSecurity  int
		wantTokenWork bool
	}{
		{"preserve security (default)", ``, true, true, 48, true},
		{"preserve security explicit", `{"preserve_security":true}`, true, true, 48, true},
		{"drop security", `{"preserve_security":false}`, false, true, 24, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			anime := t.TempDir()
			e := newOpsEnv(t, func(c *config.AppConfig) {
				c.AnimeDirectory = anime
				c.Server.Addr = "127.0.0.1:8123"
				c.Scheduler.IntervalMinutes = 15
				c.Security.SessionTimeoutHours = 48
			})
			code, _, raw := e.do("POST", "/api/config/reset", tc.body)
			if code != 200 {
				t.Fatalf("%d %s", code, raw)
			}
			c := e.cfg.Get()
			if c.Scheduler.IntervalMinutes != 60 || c.NFO.TMDBAPIKey != "" {
				t.Fatalf("not reset: %+v", c.Scheduler)
			}
			if c.AnimeDirectory != anime || c.DataDir != e.dir || c.Server.Addr != "127.0.0.1:8123" {
				t.Fatalf("kept fields lost: %q %q %q", c.AnimeDirectory, c.DataDir, c.Server.Addr)
			}
			if c.Security.SessionTimeoutHours != tc.wantSecurity {
				t.Fatalf("session timeout %d", c.Security.SessionTimeoutHours)
			}
			if list, _ := e.cfg.ListBackups(); len(list) != 1 {
				t.Fatal("no backup before reset")
			}
			code, _, raw = e.do("GET", "/api/config", "")
			if (code == 200) != tc.wantTokenWork {
				t.Fatalf("old session after reset: %d %s", code, raw)
			}
			if e.auth.Configured() != tc.preserve || (e.resets.Load() == 1) == tc.preserve {
				t.Fatalf("configured=%v resets=%d", e.auth.Configured(), e.resets.Load())
			}
		})
	}
}

func TestSetDirectory(t *testing.T) {
	e := newOpsEnv(t, nil)
	lib := filepath.Join(e.dir, "library")
	os.MkdirAll(filepath.Join(lib, "Show A"), 0o755)
	os.MkdirAll(filepath.Join(lib, "Show B"), 0o755)
	file := filepath.Join(e.dir, "plain-file")
	os.WriteFile(file, nil, 0o600)
	tests := []struct {
		name   string
		dir    string
		status int
		synced int
	}{
		{"existing", lib, 200, 2},
		{"created", filepath.Join(e.dir, "new", "lib"), 200, 0},
		{"empty", "", 400, 0},
		{"a file", file, 400, 0},
		{"NUL", "bad\x00dir", 400, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := e.synced.Load()
			code, _, raw := e.do("POST", "/api/config/directory", string(must(json.Marshal(map[string]string{"directory": tc.dir}))))
			if code != tc.status {
				t.Fatalf("%d %s", code, raw)
			}
			if code != 200 {
				if e.synced.Load() != before {
					t.Fatal("library synced after a refused directory")
				}
				return
			}
			out := decode[struct {
				Message      string `json:"message"`
				SyncedSeries int    `json:"synced_series"`
			}](t, raw)
			if out.SyncedSeries != tc.synced || out.Message == "" || e.cfg.Get().AnimeDirectory != tc.dir {
				t.Fatalf("%s; config %q", raw, e.cfg.Get().AnimeDirectory)
			}
		})
	}
	// A refused PUT does not create the directory it names.
	missing := filepath.Join(e.dir, "never-created")
	if code, _, raw := e.do("PUT", "/api/config", `{"anime_directory":`+string(must(json.Marshal(missing)))+`,"scheduler":{"interval_minutes":-1}}`); code != 422 {
		t.Fatalf("%d %s", code, raw)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatal("a refused update created the directory")
	}
	// PUT changing anime_directory re-syncs too.
	before := e.synced.Load()
	if code, _, raw := e.do("PUT", "/api/config", `{"anime_directory":`+string(must(json.Marshal(lib)))+`}`); code != 200 || e.synced.Load() != before+1 {
		t.Fatalf("%d %s", code, raw)
	}
}

func TestBackupRoutes(t *testing.T) {
	e := newOpsEnv(t, nil)
	code, _, raw := e.do("POST", "/api/config/backups?name=mine", "")
	if code != 200 || !strings.Contains(string(raw), `"name":"mine.json"`) {
		t.Fatalf("%d %s", code, raw)
	}
	if code, _, raw := e.do("POST", "/api/config/backups", ""); code != 200 || !strings.Contains(string(raw), config.BackupPrefix) {
		t.Fatalf("%d %s", code, raw)
	}
	if code, _, raw := e.do("POST", "/api/config/backups?name="+url.QueryEscape("../evil"), ""); code != 400 {
		t.Fatalf("hostile create: %d %s", code, raw)
	}
	e.do("PUT", "/api/config", `{"scheduler":{"interval_minutes":5}}`)
	code, _, raw = e.do("GET", "/api/config/backups", "")
	items := decode[[]map[string]any](t, raw)
	if code != 200 || len(items) != 3 {
		t.Fatalf("%d %s", code, raw)
	}
	for _, k := range []string{"name", "size", "created", "size_bytes", "created_at"} {
		if _, ok := items[0][k]; !ok {
			t.Fatalf("list item lacks %s: %s", k, raw)
		}
	}
	code, _, raw = e.do("POST", "/api/config/backups/mine.json/restore", "")
	if code != 200 || decode[config.AppConfig](t, raw).Scheduler.IntervalMinutes != 60 || e.cfg.Get().Scheduler.IntervalMinutes != 60 {
		t.Fatalf("restore: %d %s", code, raw)
	}
	if code, _, raw := e.do("DELETE", "/api/config/backups/mine.json", ""); code != 200 || !strings.Contains(string(raw), `"success":true`) {
		t.Fatalf("delete: %d %s", code, raw)
	}
	if code, _, _ := e.do("DELETE", "/api/config/backups/mine.json", ""); code != 404 {
		t.Fatalf("second delete: %d", code)
	}
	// An invalid backup is refused with 422 and changes nothing.
	os.WriteFile(filepath.Join(e.cfg.Get().BackupDir(), "broken.json"), []byte(`{"logging":{"level":"LOUD"}}`), 0o600)
	if code, _, raw := e.do("POST", "/api/config/backups/broken.json/restore", ""); code != 422 || e.cfg.Get().Scheduler.IntervalMinutes != 60 {
		t.Fatalf("broken restore: %d %s", code, raw)
	}
}

func TestBackupRoutesRefuseHostileNames(t *testing.T) {
	e := newOpsEnv(t, nil)
	outside := filepath.Join(e.dir, "outside.json")
	os.WriteFile(outside, []byte(`{"name":"outside"}`), 0o600)
	os.MkdirAll(e.cfg.Get().BackupDir(), 0o700)
	os.Symlink(outside, filepath.Join(e.cfg.Get().BackupDir(), "link.json"))
	hostile := []string{
		"..%2foutside.json", "%2e%2e%2foutside.json", "%2e%2e", "..%5coutside.json", "%2fetc%2fpasswd",
		"outside.json%00", "%00", ".hidden.json", strings.Repeat("a", 400) + ".json", "..%2f..%2f..%2fetc%2fpasswd",
		"%2e%2e%5c%2e%2e%5coutside.json", "link.json", "config.json", "a%2fb.json", "..%252foutside.json",
	}
	for _, name := range hostile {
		t.Run(name, func(t *testing.T) {
			for _, m := range []struct{ method, suffix string }{{"POST", "/restore"}, {"DELETE", ""}} {
				code, _, raw := e.do(m.method, "/api/config/backups/"+name+m.suffix, "")
				if code != 400 && code != 404 {
					t.Fatalf("%s: %d %s", m.method, code, raw)
				}
				if strings.Contains(string(raw), e.dir) {
					t.Fatalf("response leaks a path: %s", raw)
				}
			}
		})
	}
	if _, err := os.Stat(outside); err != nil || e.cfg.Get().Name != "Aniworld" {
		t.Fatal("a file outside the backup dir was used or removed")
	}
	if _, err := os.Stat(e.cfg.Path()); err != nil {
		t.Fatal("config.json removed")
	}
}
