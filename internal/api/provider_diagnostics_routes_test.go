package api

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/doctor"
	"github.com/aniworld/aniworld/internal/provider"
)

func TestProviderDiagnosticsRoutes(t *testing.T) {
	stats := doctor.NewStats()
	stats.RecordAttempt(provider.Attempt{Hoster: "Vidara", Extractor: "VOE"})
	stats.RecordAttempt(provider.Attempt{Hoster: "Filemoon", Extractor: "Filemoon", Err: fmt.Errorf("filemoon: byse attest: HTTP 403: %w", anime.ErrProvider)})
	var gotSite string
	var gotProbe doctor.Probe
	e := newOpsEnv(t, nil, func(_ *opsEnv, sv *Services) {
		sv.Doctor = &ProviderDiagnosticsDeps{Stats: stats,
			Run: func(ctx context.Context, site string, p doctor.Probe) (doctor.Report, error) {
				gotSite, gotProbe = site, p
				if site == "nowhere.example" {
					return doctor.Report{}, fmt.Errorf("doctor: provider %q: %w", site, anime.ErrNotFound)
				}
				// No sites: an empty report, which is not OK.
				return doctor.Run(ctx, nil, doctor.Options{}), nil
			}}
	})
	code, _, raw := e.do("GET", "/api/diagnostics/providers?site=aniworld.to&key=demo&season=0&episode=2", "")
	if code != 200 {
		t.Fatalf("%d %s", code, raw)
	}
	var body struct {
		OK      bool                `json:"ok"`
		Steps   []doctor.Step       `json:"steps"`
		Hosters []doctor.HosterStat `json:"hosters"`
		Summary string              `json:"summary"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	if gotSite != "aniworld.to" || gotProbe != (doctor.Probe{Key: "demo", Season: 0, Episode: 2}) {
		t.Errorf("run got %q %+v", gotSite, gotProbe)
	}
	if body.OK || body.Steps == nil || len(body.Hosters) != 2 || body.Summary != "Filemoon 0% (byse attest: HTTP 403) · VOE 100%" {
		t.Errorf("body %s", raw)
	}
	if code, _, _ := e.do("GET", "/api/diagnostics/providers", ""); code != 200 || gotProbe.Season != -1 {
		t.Errorf("defaults: %d, season %d (want -1 = unset)", code, gotProbe.Season)
	}
	if code, _, raw := e.do("GET", "/api/diagnostics/providers?site=nowhere.example", ""); code != 404 || !strings.Contains(string(raw), "nowhere.example") {
		t.Errorf("unknown site: %d %s", code, raw)
	}
	code, _, raw = e.do("GET", "/api/diagnostics/hosters", "")
	if code != 200 || !strings.Contains(string(raw), `"success_rate":100`) {
		t.Errorf("hosters: %d %s", code, raw)
	}
	_, _, spec := e.do("GET", "/api/openapi.json", "")
	for _, p := range []string{`"/api/diagnostics/providers"`, `"/api/diagnostics/hosters"`, `"last_failure"`} {
		if !strings.Contains(string(spec), p) {
			t.Errorf("OpenAPI lacks %s", p)
		}
	}
	e.token = ""
	for _, p := range []string{"/api/diagnostics/providers", "/api/diagnostics/hosters"} {
		if code, _, _ := e.do("GET", p, ""); code != 401 {
			t.Errorf("anonymous %s: %d", p, code)
		}
	}
}
