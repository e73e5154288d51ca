package doctor_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/doctor"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider/aniworld"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// allHosters is every hoster the fakes serve, one link each on S01E01.
var allHosters = []string{"VOE", "Vidmoly", "Vidoza", "Doodstream", "Vidara", "Vidavaca", "Filemoon", "LoadX", "Luluvdo", "Streamtape", "SpeedFiles"}

// env is the fake world: a site whose links land on the hoster farm in
// their 2026 forms (Vidara's link is mislabelled and lands on VOE).
type env struct {
	farm *fakehoster.Farm
	site *site.Site
	srv  *httptest.Server
	prov *aniworld.Client
	doer *httpclient.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{farm: fakehoster.Start(fakehoster.TestMedia(24<<10, 2, 6<<10))}
	t.Cleanup(e.farm.Close)
	landing := map[string]string{
		"VOE":        e.farm.MirrorEmbedURL(fakehoster.VOE, "loader-a1"), // an unknown mirror, tokens in the loader
		"Vidmoly":    e.farm.EmbedURL(fakehoster.Vidmoly, "v-a2"),
		"Vidoza":     e.farm.EmbedURL(fakehoster.Vidoza, "a3"),
		"Doodstream": e.farm.EmbedURL(fakehoster.Doodstream, "loose-a4"),
		"Vidara":     e.farm.EmbedURL(fakehoster.VOE, "bait-a5"), // label lies; VOE page with a bait source
		"Vidavaca":   e.farm.EmbedURL(fakehoster.Vidavaca, "a6"),
		"Filemoon":   e.farm.EmbedURL(fakehoster.Filemoon, "edge-a7"),
		"LoadX":      e.farm.EmbedURL(fakehoster.LoadX, "a8"),
		"Luluvdo":    e.farm.EmbedURL(fakehoster.Luluvdo, "a9"),
		"Streamtape": e.farm.EmbedURL(fakehoster.Streamtape, "botlink-a10"),
		"SpeedFiles": e.farm.EmbedURL(fakehoster.SpeedFiles, "a11"),
	}
	cat := site.Catalog{Series: []site.Series{{Slug: "demo", Title: "Demo Show", StartYear: 2021, Genres: []string{"Action"},
		Seasons: [][]site.Episode{{{TitleDE: "Anfang", Links: site.LinksFor([]anime.Language{anime.LangGermanDub}, allHosters...)}}}}}}
	e.site = site.New(site.Options{Catalog: cat, EmbedURL: func(h, _ string) string { return landing[h] }})
	e.srv = httptest.NewServer(e.site)
	t.Cleanup(e.srv.Close)
	reg := hoster.Default()
	for host, name := range e.farm.Hosts() {
		reg.MapHost(host, name)
	}
	x, _ := reg.Lookup("Vidmoly")
	x.(*hoster.Vidmoly).EmbedHost = e.farm.Host(fakehoster.Vidmoly)
	e.doer = httpclient.New(httpclient.Options{Retries: -1, RateLimit: httpclient.RateLimit{PerSecond: -1}})
	var err error
	e.prov, err = aniworld.New(aniworld.AniWorld(e.srv.URL, e.doer, reg, nil))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) run(t *testing.T) doctor.Report {
	t.Helper()
	return doctor.Run(context.Background(), []doctor.Site{{Provider: e.prov, Probe: doctor.Probe{Query: "demo", Key: "demo", Season: 1, Episode: 1}}},
		doctor.Options{Doer: e.doer})
}

func TestDoctorAllGreen(t *testing.T) {
	e := newEnv(t)
	rep := e.run(t)
	if !rep.OK {
		t.Fatalf("not all green:\n%s", rep.Table())
	}
	want := 5 + 3*len(allHosters)
	if len(rep.Steps) != want {
		t.Fatalf("%d steps, want %d:\n%s", len(rep.Steps), want, rep.Table())
	}
	table := rep.Table()
	for _, s := range rep.Steps {
		if s.Result != doctor.OK {
			t.Errorf("step %s/%s: %s", s.Hoster, s.Step, s.Result)
		}
	}
	for _, want := range []string{"reach", "search", "series page", "season page", "episode page",
		"Vidara", "VOE (chosen by host)", "VOE (chosen by page)", "Filemoon (chosen by host)", "all steps ok"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

// TestDoctorNamesTheFailingStep switches one part of the fake world into
// a broken mode and checks the doctor fails exactly that step, with the
// reason, and skips what depends on it.
func TestDoctorNamesTheFailingStep(t *testing.T) {
	tests := []struct {
		name     string
		breakIt  func(e *env)
		hoster   string
		step     string
		reason   string
		skipped  []string // steps of the same hoster (or site) that must be skipped
		wantOnly bool     // no other failure
	}{
		{"voe payload gone", func(e *env) { e.farm.Hoster(fakehoster.VOE).SetFailure(fakehoster.NoPayload) },
			"VOE", doctor.StepExtraction, "no payload in embed page", []string{doctor.StepMedia}, false},
		{"filemoon attest refused", func(e *env) { e.farm.Hoster(fakehoster.Filemoon).SetFailure(fakehoster.AttestRefused) },
			"Filemoon", doctor.StepExtraction, "byse attest: HTTP 403", []string{doctor.StepMedia}, true},
		{"doodstream media 403", func(e *env) { e.farm.Hoster(fakehoster.Doodstream).SetFailure(fakehoster.MediaForbidden) },
			"Doodstream", doctor.StepMedia, "HTTP 403", nil, true},
		{"loadx turnstile", func(e *env) { e.farm.Hoster(fakehoster.LoadX).SetFailure(fakehoster.Turnstile) },
			"LoadX", doctor.StepExtraction, "turnstile) at 127.0.0.1", []string{doctor.StepMedia}, true},
		{"vidoza removed", func(e *env) { e.farm.Hoster(fakehoster.Vidoza).SetFailure(fakehoster.Removed) },
			"Vidoza", doctor.StepExtraction, "video unavailable", []string{doctor.StepMedia}, true},
		{"streamtape page changed", func(e *env) { e.farm.Hoster(fakehoster.Streamtape).SetFailure(fakehoster.NoPayload) },
			"Streamtape", doctor.StepExtraction, "botlink/robotlink script not found (pattern", []string{doctor.StepMedia}, true},
		{"site behind a challenge", func(e *env) { e.site.SetFaults(site.FaultJustAMoment) },
			"", doctor.StepReach, "challenge (cloudflare)", []string{doctor.StepSearch, doctor.StepEpisode}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			tt.breakIt(e)
			rep := e.run(t)
			if rep.OK {
				t.Fatalf("report is green:\n%s", rep.Table())
			}
			var found bool
			for _, s := range rep.Steps {
				switch {
				case s.Hoster == tt.hoster && s.Step == tt.step:
					found = true
					if s.Result != doctor.Failed || !strings.Contains(s.Reason, tt.reason) {
						t.Errorf("%s/%s: %s %q, want failed with %q", s.Hoster, s.Step, s.Result, s.Reason, tt.reason)
					}
				case s.Hoster == tt.hoster && contains(tt.skipped, s.Step):
					if s.Result != doctor.Skipped {
						t.Errorf("%s/%s: %s, want skipped", s.Hoster, s.Step, s.Result)
					}
				case tt.wantOnly && s.Result == doctor.Failed:
					t.Errorf("unexpected failure %s/%s: %s", s.Hoster, s.Step, s.Reason)
				}
			}
			if !found {
				t.Fatalf("no %s/%s step:\n%s", tt.hoster, tt.step, rep.Table())
			}
			if !strings.Contains(rep.Table(), "FAILED") {
				t.Error("table does not show FAILED")
			}
		})
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
