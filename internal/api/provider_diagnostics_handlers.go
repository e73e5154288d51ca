package api

import (
	"context"
	"time"

	"github.com/aniworld/aniworld/internal/doctor"
)

// ProviderCheckTimeout bounds one GET /api/diagnostics/providers run.
const ProviderCheckTimeout = 100 * time.Second

// ProviderDiagnosticsDeps configures the provider canary routes.
type ProviderDiagnosticsDeps struct {
	// Run checks the named site (every site when "") with probe.
	Run func(ctx context.Context, site string, probe doctor.Probe) (doctor.Report, error)
	// Stats holds the per-hoster outcomes of real downloads.
	Stats *doctor.Stats
}

type providerCheckInput struct {
	Site    string `query:"site" doc:"Check only this site (aniworld.to, s.to); default every registered site"`
	Key     string `query:"key" doc:"Series key of the probe episode (default per site)"`
	Query   string `query:"query" doc:"Search term (default: the key, or the site's default term)"`
	Season  int    `query:"season" minimum:"-1" default:"-1" doc:"Season of the probe episode (0 = movies, -1 = the default 1)"`
	Episode int    `query:"episode" minimum:"0" default:"0" doc:"Episode number (0 = the default 1)"`
}

// ProviderCheckBody is GET /api/diagnostics/providers.
type ProviderCheckBody struct {
	doctor.Report
	Hosters []doctor.HosterStat `json:"hosters" doc:"Per-hoster outcomes of real downloads since start"`
	Summary string              `json:"summary" doc:"One line, e.g. \"VOE 97% · Filemoon 0% (byse attest: HTTP 403)\""`
}

type providerCheckOutput struct{ Body ProviderCheckBody }

// HosterStatsBody is GET /api/diagnostics/hosters.
type HosterStatsBody struct {
	Hosters []doctor.HosterStat `json:"hosters"`
	Summary string              `json:"summary"`
}

type hosterStatsOutput struct{ Body HosterStatsBody }

// doctorHandlers are GET /api/diagnostics/providers (the live canary)
// and GET /api/diagnostics/hosters (outcome counts only).
type doctorHandlers struct{ ProviderDiagnosticsDeps }

// Descriptions of the provider canary operations.
const (
	docDiagnosticsProviders = "Runs the whole chain live for each registered site: reach, search, series page, season page, " +
		"episode page, then for every hoster on the probe episode its redirect, the extraction and the first " +
		"bytes of the media (a ranged GET; for HLS the playlist and the first segment). Each step has its result " +
		"(ok, failed, skipped), its time and, for a failure, the exact reason. `ok` is true only when every step " +
		"passed. Hoster links are checked four at a time; each step is bounded at 45 s and the whole run at " +
		"100 s (steps still running then fail with the deadline). Also returns the per-hoster " +
		"outcome counts of real downloads."
	docDiagnosticsHosters = "How many links each hoster (the extractor that ran, whatever the site's label said) resolved, " +
		"failed or found removed since the server started, with the success rate and the latest failure reason. " +
		"Cheap: runs no check."
)

func (h doctorHandlers) stats() ([]doctor.HosterStat, string) {
	if h.Stats == nil {
		return []doctor.HosterStat{}, ""
	}
	return h.Stats.Snapshot(), h.Stats.Summary()
}

func (h doctorHandlers) providers(ctx context.Context, in *providerCheckInput) (*providerCheckOutput, error) {
	// The answer must leave before the server's write timeout (120 s):
	// steps still running then fail with the deadline.
	rctx, cancel := context.WithTimeout(ctx, ProviderCheckTimeout)
	defer cancel()
	rep, err := h.Run(rctx, in.Site, doctor.Probe{Key: in.Key, Query: in.Query, Season: in.Season, Episode: in.Episode})
	if err != nil {
		return nil, err
	}
	if rep.Steps == nil {
		rep.Steps = []doctor.Step{}
	}
	hs, sum := h.stats()
	return &providerCheckOutput{Body: ProviderCheckBody{Report: rep, Hosters: hs, Summary: sum}}, nil
}

func (h doctorHandlers) hosters(ctx context.Context, _ *struct{}) (*hosterStatsOutput, error) {
	hs, sum := h.stats()
	return &hosterStatsOutput{Body: HosterStatsBody{Hosters: hs, Summary: sum}}, nil
}
