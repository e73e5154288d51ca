package doctor_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/browser"
	"github.com/aniworld/aniworld/internal/doctor"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/jsplayer"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider/aniworld"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// TestDoctorNamesBrowserFallback: a VOE link lands on a page whose media
// URL only its script builds; VOE's extractor fails, the browser fallback
// plays it, and the doctor's table says "VOE: extractor failed (…),
// browser fallback OK" while the link still counts as working.
func TestDoctorNamesBrowserFallback(t *testing.T) {
	found := false
	for _, n := range browser.Candidates {
		if _, err := exec.LookPath(n); err == nil {
			found = true
		}
	}
	if !found {
		t.Skip("no chromium on PATH")
	}
	player := jsplayer.Start(fakehoster.TestMedia(1<<20, 2, 8<<10))
	defer player.Close()
	cat := site.Catalog{Series: []site.Series{{Slug: "demo", Title: "Demo Show", StartYear: 2021,
		Seasons: [][]site.Episode{{{TitleDE: "Anfang", Links: site.LinksFor([]anime.Language{anime.LangGermanDub}, "VOE")}}}}}}
	s := site.New(site.Options{Catalog: cat, EmbedURL: func(string, string) string { return player.EmbedURL(jsplayer.Pieces, "doc-1") }})
	srv := httptest.NewServer(s)
	defer srv.Close()
	b := browser.New(browser.Options{CaptureTimeout: 20 * time.Second})
	defer b.Close()
	reg := hoster.Default()
	pages, _ := url.Parse(player.Pages.URL)
	reg.MapHost(pages.Host, "VOE")
	reg.SetFallback(&hoster.Browser{Player: browser.HosterPlayer{B: b}})
	doer := httpclient.New(httpclient.Options{Retries: -1, RateLimit: httpclient.RateLimit{PerSecond: -1}})
	defer doer.CloseIdleConnections()
	prov, err := aniworld.New(aniworld.AniWorld(srv.URL, doer, reg, nil))
	if err != nil {
		t.Fatal(err)
	}
	rep := doctor.Run(context.Background(), []doctor.Site{{Provider: prov, Probe: doctor.Probe{Query: "demo", Key: "demo", Season: 1, Episode: 1}}},
		doctor.Options{Doer: doer, StepTimeout: 40 * time.Second})
	table := rep.Table()
	if !rep.OK || !strings.Contains(table, "VOE: extractor failed (") || !strings.Contains(table, "browser fallback OK") {
		t.Fatalf("doctor report (ok=%v):\n%s", rep.OK, table)
	}
	t.Logf("\n%s", table)
}
