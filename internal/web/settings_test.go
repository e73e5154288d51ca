package web_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/web"
)

// TestSettingsPage drives the settings page against the real config
// routes (api.ConfigRoutes over a config.Manager on disk): server-side
// validation errors at their field, a change that persists, the TMDB key
// never shown and kept when left empty, ordered language preferences, and
// backups (list, create, restore, delete).
func TestSettingsPage(t *testing.T) {
	b := newBrowser(t, 30*time.Second)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	base := config.Default()
	base.DataDir = dir
	base.Backup.Enabled = true
	if err := config.Save(path, base); err != nil {
		t.Fatal(err)
	}
	m := config.NewManager(path, base, config.Overrides{})
	ui := web.New(web.Options{})
	status := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"configured": true, "authenticated": true})
	})
	seerr, _, _ := seerrSurface(t, dir)
	srv := apiServer(api.Deps{
		Config:   m,
		Services: api.Services{Config: &api.ConfigDeps{Config: m}, Sonarr: seerr, Web: ui},
	}, status)
	defer srv.Close()
	onDisk := func() config.AppConfig {
		t.Helper()
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var c config.AppConfig
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}

	b.navigate(srv.URL + "/static/favicon.svg")
	b.run("token", evalVoid(`localStorage.setItem("aniworld.token", JSON.stringify({token: "t"}))`))
	open := func() {
		b.navigate(srv.URL + "/settings")
		b.waitJS("settings", `document.body.dataset.rendered === "1"`)
		b.run("accept dialogs", evalVoid(`window.confirm = () => true`))
	}
	open()
	if got := b.text("name", `document.querySelector('[name="name"]').value`); got != "Aniworld" {
		t.Errorf("name field %q", got)
	}
	const interval = `input[name="scheduler.interval_minutes"]`
	const save = `#cfg-scheduler button[type=submit]`

	t.Run("validation error at the field", func(t *testing.T) {
		b.t = t
		b.allow("status of 422")
		b.run("bad value", setValue(interval, "0"))
		b.click(save)
		b.waitJS("field error", `!document.querySelector('[data-error-for="scheduler.interval_minutes"]').hidden`)
		msg := b.text("msg", `document.querySelector('[data-error-for="scheduler.interval_minutes"]').textContent`)
		if !strings.Contains(msg, "between") {
			t.Errorf("field error %q", msg)
		}
		if got := b.text("invalid", `document.querySelector('`+interval+`').getAttribute("aria-invalid")`); got != "true" {
			t.Errorf("aria-invalid %q", got)
		}
		if onDisk().Scheduler.IntervalMinutes != 60 {
			t.Errorf("an invalid value reached the file")
		}
	})

	t.Run("change persists", func(t *testing.T) {
		b.t = t
		b.run("good value", setValue(interval, "45"))
		b.click(save)
		b.waitJS("saved", `!!document.getElementById("cfg-scheduler").dataset.saved`)
		if b.visible(`#cfg-scheduler [data-error-for="scheduler.interval_minutes"]`) {
			t.Errorf("the old field error is still shown")
		}
		if got := onDisk().Scheduler.IntervalMinutes; got != 45 {
			t.Errorf("file has interval %d, want 45", got)
		}
		open()
		if got := b.text("value", `document.querySelector('`+interval+`').value`); got != "45" {
			t.Errorf("after reload %q", got)
		}
	})

	t.Run("TMDB key is write-only", func(t *testing.T) {
		b.t = t
		const key = `input[name="nfo.tmdb_api_key"]`
		b.typeInto(key, "secret-key-123")
		b.click(`#cfg-nfo button[type=submit]`)
		b.waitJS("saved", `!!document.getElementById("cfg-nfo").dataset.saved`)
		if got := onDisk().NFO.TMDBAPIKey; got != "secret-key-123" {
			t.Errorf("stored key %q", got)
		}
		if got := b.text("value", `document.querySelector('`+key+`').value + "|" + document.querySelector('`+key+`').placeholder`); got != "|A key is set (hidden)" {
			t.Errorf("key field after save %q", got)
		}
		if strings.Contains(b.text("html", `document.documentElement.outerHTML`), "secret-key-123") {
			t.Errorf("the key is in the page")
		}
		// Saving the section again with the field left empty keeps the key.
		b.click(`input[name="nfo.auto_create"]`)
		b.run("reset saved", evalVoid(`delete document.getElementById("cfg-nfo").dataset.saved`))
		b.click(`#cfg-nfo button[type=submit]`)
		b.waitJS("saved again", `!!document.getElementById("cfg-nfo").dataset.saved`)
		if c := onDisk(); c.NFO.TMDBAPIKey != "secret-key-123" || !c.NFO.AutoCreate {
			t.Errorf("after a second save: key %q, auto_create %v", c.NFO.TMDBAPIKey, c.NFO.AutoCreate)
		}
	})

	t.Run("language order", func(t *testing.T) {
		b.t = t
		b.click(`ol[data-list="download.language_order"] li[data-value="German Sub"] button[aria-label="Move German Sub up"]`)
		b.click(`ol[data-list="download.language_order"] li[data-value="English Sub"] input`)
		b.click(`#cfg-download button[type=submit]`)
		b.waitJS("saved", `!!document.getElementById("cfg-download").dataset.saved`)
		got := strings.Join(onDisk().Download.LanguageOrder, ",")
		if got != "German Sub,German Dub" {
			t.Errorf("language order %q, want German Sub,German Dub", got)
		}
	})

	t.Run("backups", func(t *testing.T) {
		b.t = t
		open()
		b.waitJS("backups listed", `document.querySelectorAll("#backups tr").length > 0`)
		n := eval[int](b, "count", `document.querySelectorAll("#backups tr").length`)
		b.click("#backup-create")
		b.waitJS("one more", `document.querySelectorAll("#backups tr").length === `+itoa(n+1))
		// The oldest backup predates every change: restoring it brings the
		// interval back to 60.
		b.click(`#backups tr:last-child button[aria-label^="Restore"]`)
		b.waitJS("restored", `document.querySelector('`+interval+`').value === "60"`)
		if got := onDisk().Scheduler.IntervalMinutes; got != 60 {
			t.Errorf("file interval after restore %d", got)
		}
		// A restore always backs up the file it replaces: the reloaded list
		// has that backup too. (Waiting for less would read the list from
		// before the reload and race it.)
		b.waitJS("list reloaded", `document.querySelectorAll("#backups tr").length === `+itoa(n+2))
		b.click(`#backups tr:first-child button[aria-label^="Delete"]`)
		b.waitJS("one fewer", `document.querySelectorAll("#backups tr").length === `+itoa(n+1))
	})
	b.t = t
	b.screenshots("settings-sections")
	b.checkClean("settings page")
}
