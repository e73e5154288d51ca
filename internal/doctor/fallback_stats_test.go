package doctor_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/doctor"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// TestStatsShowBrowserFallback: links the browser fallback saved are ok
// for the user but make the broken extractor visible in the summary, the
// snapshot and aniworld_hoster_fallback_total.
func TestStatsShowBrowserFallback(t *testing.T) {
	s := doctor.NewStats()
	note := "VOE: extractor failed (voe: no payload in embed page: provider error), browser fallback OK"
	s.RecordAttempt(provider.Attempt{Hoster: "VOE", Extractor: "VOE", Note: note})
	s.RecordAttempt(provider.Attempt{Hoster: "VOE", Extractor: "VOE", Note: note})
	s.RecordAttempt(provider.Attempt{Hoster: "VOE", Extractor: "VOE"})
	both := &hoster.FallbackError{Hoster: "VOE", ExtractorErr: fmt.Errorf("voe: no payload: %w", anime.ErrProvider),
		Fallback: "Browser", Err: fmt.Errorf("browser capture voe.sx: no stream within 45s")}
	s.RecordAttempt(provider.Attempt{Hoster: "VOE", Extractor: "VOE", Err: fmt.Errorf("aniworld: hoster VOE: %w", both)})
	noExtractor := &hoster.FallbackError{Hoster: "Gupload", Fallback: "Browser", Err: fmt.Errorf("no stream")}
	s.RecordAttempt(provider.Attempt{Hoster: "Gupload", Err: noExtractor})

	snap := s.Snapshot()
	var voe doctor.HosterStat
	for _, st := range snap {
		if st.Hoster == "VOE" {
			voe = st
		}
	}
	if voe.OK != 3 || voe.Failed != 1 || voe.FallbackOK != 2 || voe.FallbackFailed != 1 || voe.LastFallback != note {
		t.Fatalf("VOE stat %+v", voe)
	}
	if sum := s.Summary(); !strings.Contains(sum, "VOE 75%") || !strings.Contains(sum, "[extractor broken: 2 via browser fallback]") {
		t.Fatalf("summary %q", sum)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(s)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "aniworld_hoster_fallback_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			var h, o string
			for _, l := range m.GetLabel() {
				if l.GetName() == "hoster" {
					h = l.GetValue()
				} else {
					o = l.GetValue()
				}
			}
			got[h+"/"+o] = m.GetCounter().GetValue()
		}
	}
	// Gupload had no extractor: the browser ran directly, nothing broke.
	want := map[string]float64{"VOE/ok": 2, "VOE/failed": 1}
	if len(got) != len(want) {
		t.Fatalf("fallback series %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}
