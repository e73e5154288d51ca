package web_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/doctor"
	"github.com/aniworld/aniworld/internal/logging"
	"github.com/aniworld/aniworld/internal/web"
)

// TestSystemPage drives the log viewer against the real logging routes:
// the file list, the tail, auto-refresh picking up new lines, test
// messages, download, and deleting old files; plus the health summary.
func TestSystemPage(t *testing.T) {
	b := newBrowser(t, 30*time.Second)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	logFile := "logs/aniworld.log"
	base := config.Default()
	base.DataDir = dir
	base.Logging.File = &logFile
	if err := config.Save(path, base); err != nil {
		t.Fatal(err)
	}
	m := config.NewManager(path, base, config.Overrides{})
	logs, err := logging.New(io.Discard, logging.Settings{Level: "DEBUG", File: base.LogFile()})
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	logs.Logger().Info("first line for the viewer")
	old := filepath.Join(base.LogDir(), "aniworld.old.log")
	if err := os.WriteFile(old, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	longAgo := time.Now().Add(-90 * 24 * time.Hour)
	if err := os.Chtimes(old, longAgo, longAgo); err != nil {
		t.Fatal(err)
	}

	ui := web.New(web.Options{})
	status := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"configured": true, "authenticated": true})
	})
	srv := apiServer(api.Deps{
		Config: m, Version: "9.9.9", StartedAt: time.Now(),
		Services: api.Services{Logging: &api.LoggingDeps{Config: m, Logs: logs},
			Doctor: &api.ProviderDiagnosticsDeps{Stats: doctor.NewStats()}, Web: ui},
	}, status)
	defer srv.Close()

	b.navigate(srv.URL + "/static/favicon.svg")
	b.run("token", evalVoid(`localStorage.setItem("aniworld.token", JSON.stringify({token: "t"}))`))
	b.allow("status of 503") // no database here: the health report says so with 503
	b.navigate(srv.URL + "/system")
	b.waitJS("system", `document.body.dataset.rendered === "1"`)
	b.run("accept dialogs", evalVoid(`window.confirm = () => true`))

	if got := b.text("version", `document.getElementById("h-version").textContent`); got != "9.9.9" {
		t.Errorf("version %q", got)
	}
	if got := b.text("deps", `document.getElementById("h-deps").textContent`); !strings.Contains(got, "filesystem") {
		t.Errorf("health dependencies %q", got)
	}
	files := b.text("files", `[...document.querySelectorAll("#log-file option")].map(o => o.textContent).join("|")`)
	if !strings.Contains(files, "aniworld.log") || !strings.Contains(files, "current") || !strings.Contains(files, "aniworld.old.log") {
		t.Errorf("file list %q", files)
	}
	b.waitJS("tail", `document.getElementById("log-tail").textContent.includes("first line for the viewer")`)

	// Auto-refresh shows lines written after the page loaded.
	b.click("#log-auto")
	logs.Logger().Warn("a later line, picked up by auto-refresh")
	b.waitJS("auto-refresh", `document.getElementById("log-tail").textContent.includes("a later line")`)
	b.click("#log-auto")

	b.click("#log-test")
	b.waitJS("test messages", `document.getElementById("log-tail").textContent.includes("test message at CRITICAL level")`)

	b.click("#log-download")
	b.waitJS("download toast", `[...document.querySelectorAll(".toast")].some(t => t.textContent.includes("Downloading aniworld.log"))`)

	b.click("#log-cleanup")
	b.waitJS("cleanup", `[...document.querySelectorAll(".toast")].some(t => t.textContent.startsWith("Deleted 1 file"))`)
	b.waitJS("list updated", `![...document.querySelectorAll("#log-file option")].some(o => o.value === "aniworld.old.log")`)
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("old log still there: %v", err)
	}
	b.screenshots("system-logs")
	b.checkClean("system page")
}
