package doctor_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/doctor"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	fakess "github.com/aniworld/aniworld/internal/fake/serienstream"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider/hoster"
	"github.com/aniworld/aniworld/internal/provider/serienstream"
)

// TestDoctorSerienstream runs the canary against the 2026 serienstream
// fake (link-outs via /r?t= with the session): its links go through the
// same dispatch, so the mislabelled "Vidara" link is found to be VOE.
func TestDoctorSerienstream(t *testing.T) {
	farm := fakehoster.Start(fakehoster.TestMedia(16<<10, 2, 4<<10))
	defer farm.Close()
	landing := func(h, id string) string {
		if h == "Vidara" {
			return farm.EmbedURL(fakehoster.VOE, "ss-"+id)
		}
		return farm.EmbedURL(h, id)
	}
	cat := fakess.Catalog{Shows: []fakess.Show{{Slug: "demo-show", Title: "Demo Show", Year: 2020, Genres: []string{"Drama"},
		Seasons: [][]fakess.Episode{{{TitleDE: "Anfang", TitleEN: "Start",
			Links: fakess.LinksFor([]anime.Language{anime.LangGermanDub}, "Vidara", "Vidoza", "Doodstream")}}}}}}
	srv := httptest.NewServer(fakess.New(fakess.Options{Catalog: cat, EmbedURL: landing}))
	defer srv.Close()
	reg := hoster.Default()
	for h, n := range farm.Hosts() {
		reg.MapHost(h, n)
	}
	doer := httpclient.New(httpclient.Options{Retries: -1, RateLimit: httpclient.RateLimit{PerSecond: -1}})
	c, err := serienstream.New(serienstream.Config{BaseURLs: []string{srv.URL}, Doer: doer, Hosters: reg})
	if err != nil {
		t.Fatal(err)
	}
	rep := doctor.Run(context.Background(), []doctor.Site{{Provider: c, Probe: doctor.Probe{Query: "Demo", Key: "demo-show", Season: 1, Episode: 1}}},
		doctor.Options{Doer: doer})
	if !rep.OK || len(rep.Steps) != 5+3*3 {
		t.Fatalf("report:\n%s", rep.Table())
	}
	for _, s := range rep.Steps {
		if s.Hoster == "Vidara" && s.Step == doctor.StepExtraction && !strings.HasPrefix(s.Detail, "VOE (chosen by host)") {
			t.Errorf("Vidara extraction %q", s.Detail)
		}
	}
	farm.Hoster(fakehoster.Vidoza).SetFailure(fakehoster.Removed)
	rep = doctor.Run(context.Background(), []doctor.Site{{Provider: c, Probe: doctor.Probe{Query: "Demo", Key: "demo-show", Season: 1, Episode: 1}}},
		doctor.Options{Doer: doer})
	f := rep.Failures()
	if len(f) != 1 || f[0].Hoster != "Vidoza" || f[0].Step != doctor.StepExtraction || !strings.Contains(f[0].Reason, `video unavailable (page says "file not found")`) {
		t.Fatalf("failures %+v\n%s", f, rep.Table())
	}
}
