package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/api"
	chromium "github.com/aniworld/aniworld/internal/browser"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/doctor"
	"github.com/aniworld/aniworld/internal/fake/jsgate"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/web"
)

// TestSystemPageShowsBrowser solves a JS gate with the real browser, then
// checks that the System page shows the browser's state and the solve.
func TestSystemPageShowsBrowser(t *testing.T) {
	b := newBrowser(t, 30*time.Second)
	gate := httptest.NewServer(jsgate.New(jsgate.Options{}))
	defer gate.Close()
	solver := chromium.New(chromium.Options{Path: chromiumPath})
	defer solver.Close()
	if _, err := solver.Solve(context.Background(), httpclient.SolveRequest{URL: gate.URL + "/", UserAgent: httpclient.DefaultUserAgent}); err != nil {
		t.Fatalf("solve: %v", err)
	}

	dir := t.TempDir()
	base := config.Default()
	base.DataDir = dir
	m := config.NewManager(filepath.Join(dir, "config.json"), base, config.Overrides{})
	ui := web.New(web.Options{})
	status := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"configured": true, "authenticated": true})
	})
	srv := apiServer(api.Deps{
		Config: m, Version: "9.9.9", StartedAt: time.Now(), Browser: solver,
		Services: api.Services{Doctor: &api.ProviderDiagnosticsDeps{Stats: doctor.NewStats()}, Web: ui},
	}, status)
	defer srv.Close()

	b.navigate(srv.URL + "/static/favicon.svg")
	b.run("token", evalVoid(`localStorage.setItem("aniworld.token", JSON.stringify({token: "t"}))`))
	b.allow("status of 503")      // no database here: the health report says so with 503
	b.allow("/api/logging/files") // no logging routes here: the log viewer's 404
	b.navigate(srv.URL + "/system")
	b.waitJS("browser card", `document.querySelector("#h-browser #browser-hosts tbody tr")`)
	card := b.text("card", `document.getElementById("h-browser").innerText`)
	for _, want := range []string{"running headless", "127.0.0.1", "solve", "ok"} {
		if !strings.Contains(card, want) {
			t.Errorf("browser card lacks %q: %s", want, card)
		}
	}
	b.screenshots("system-browser")
	b.checkClean("system page with browser")
}
