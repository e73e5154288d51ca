package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/doctor"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/provider/aniworld"
	"github.com/aniworld/aniworld/internal/provider/hoster"
	"github.com/aniworld/aniworld/internal/web"
)

// TestSystemProviderCheck clicks "Check providers" on the System page:
// the real doctor runs against the fake site and hosters, the table shows
// every step, and a hoster switched to a broken mode is named with its
// failing step; the hoster success line shows real resolutions.
func TestSystemProviderCheck(t *testing.T) {
	b := newBrowser(t, 40*time.Second)
	farm := fakehoster.Start(fakehoster.TestMedia(16<<10, 2, 4<<10))
	defer farm.Close()
	hosters := []string{"VOE", "Vidoza", "Filemoon"}
	cat := site.Catalog{Series: []site.Series{{Slug: "demo", Title: "Demo", StartYear: 2020,
		Seasons: [][]site.Episode{{{TitleDE: "Eins", Links: site.LinksFor([]anime.Language{anime.LangGermanDub}, hosters...)}}}}}}
	fs := httptest.NewServer(site.New(site.Options{Catalog: cat, EmbedURL: farm.EmbedURL}))
	defer fs.Close()
	doer := httpclient.New(httpclient.Options{Retries: -1, RateLimit: httpclient.RateLimit{PerSecond: -1}})
	prov, err := aniworld.New(aniworld.AniWorld(fs.URL, doer, hoster.Default(), nil))
	if err != nil {
		t.Fatal(err)
	}
	stats := doctor.NewStats()
	// One real resolution before the page opens: VOE works.
	if _, err := provider.NewResolver(prov, provider.Preferences{}).Recording(stats).Resolve(context.Background(), "demo", 1, 1); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	base := config.Default()
	base.DataDir = dir
	m := config.NewManager(filepath.Join(dir, "config.json"), base, config.Overrides{})
	ui := web.New(web.Options{})
	status := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"configured": true, "authenticated": true})
	})
	run := func(ctx context.Context, _ string, _ doctor.Probe) (doctor.Report, error) {
		return doctor.Run(ctx, []doctor.Site{{Provider: prov, Probe: doctor.Probe{Query: "demo", Key: "demo", Season: 1, Episode: 1}}}, doctor.Options{Doer: doer}), nil
	}
	srv := apiServer(api.Deps{
		Config: m, Version: "9.9.9", StartedAt: time.Now(),
		Services: api.Services{Doctor: &api.ProviderDiagnosticsDeps{Run: run, Stats: stats}, Web: ui},
	}, status)
	defer srv.Close()

	b.navigate(srv.URL + "/static/favicon.svg")
	b.run("token", evalVoid(`localStorage.setItem("aniworld.token", JSON.stringify({token: "t"}))`))
	b.allow("status of 503") // no database here: the health report says so with 503
	b.allow("/api/logging/files")
	b.navigate(srv.URL + "/system")
	b.waitJS("system", `document.body.dataset.rendered === "1"`)
	if got := b.text("summary", `document.getElementById("hoster-summary").textContent`); got != "VOE 100%" {
		t.Errorf("hoster summary %q", got)
	}

	b.click("#providers-check")
	b.waitJS("green", `document.getElementById("providers-verdict").textContent === "Every step passed."`)
	rows := b.text("rows", `String(document.querySelectorAll("#providers-table tbody tr").length)`)
	if rows != "14" { // 5 site steps + 3 per hoster
		t.Errorf("%s rows, want 14", rows)
	}

	farm.Hoster(fakehoster.Filemoon).SetFailure(fakehoster.AttestRefused)
	b.click("#providers-check")
	b.waitJS("red", `document.getElementById("providers-verdict").textContent.startsWith("1 step(s) failed")`)
	verdict := b.text("verdict", `document.getElementById("providers-verdict").textContent`)
	if !strings.Contains(verdict, "Filemoon extraction") {
		t.Errorf("verdict %q", verdict)
	}
	reason := b.text("reason", `document.querySelector('#providers-table tr[data-step="Filemoon/extraction"]').textContent`)
	if !strings.Contains(reason, "byse attest: HTTP 403") || !strings.Contains(reason, "failed") {
		t.Errorf("filemoon row %q", reason)
	}
	b.screenshots("system-providers")
	b.checkClean("system providers")
}
