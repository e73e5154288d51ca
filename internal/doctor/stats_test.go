package doctor_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/doctor"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

func TestStatsSummary(t *testing.T) {
	s := doctor.NewStats()
	for i := 0; i < 97; i++ {
		s.RecordAttempt(provider.Attempt{Hoster: "Vidara", Extractor: "VOE"})
	}
	for i := 0; i < 3; i++ {
		s.RecordAttempt(provider.Attempt{Hoster: "VOE", Extractor: "VOE", Err: fmt.Errorf("aniworld: hoster VOE: %w", &hoster.ChallengeError{Host: "voe.sx", Kind: "turnstile", Status: 403})})
	}
	s.RecordAttempt(provider.Attempt{Hoster: "VOE", Extractor: "VOE", Err: fmt.Errorf("gone: %w", anime.ErrNotFound)})
	s.RecordAttempt(provider.Attempt{Hoster: "Filemoon", Extractor: "Filemoon",
		Err: fmt.Errorf("aniworld: hoster Filemoon: filemoon: byse attest: HTTP 403: %w", anime.ErrProvider)})
	s.RecordAttempt(provider.Attempt{Hoster: "Gupload", Err: fmt.Errorf("removed: %w", anime.ErrNotFound)})
	got := s.Summary()
	want := "VOE 97% (turnstile challenge) · Filemoon 0% (byse attest: HTTP 403) · Gupload – (1 removed)"
	if got != want {
		t.Fatalf("summary\n %q, want\n %q", got, want)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(s)
	mfs, err := reg.Gather()
	if err != nil || len(mfs) != 1 || mfs[0].GetName() != "aniworld_hoster_resolutions_total" {
		t.Fatalf("gather: %v %v", mfs, err)
	}
	vals := map[string]float64{}
	for _, m := range mfs[0].GetMetric() {
		var h, o string
		for _, l := range m.GetLabel() {
			if l.GetName() == "hoster" {
				h = l.GetValue()
			} else {
				o = l.GetValue()
			}
		}
		vals[h+"/"+o] = m.GetCounter().GetValue()
	}
	wantVals := map[string]float64{"VOE/ok": 97, "VOE/failed": 3, "VOE/removed": 1, "Filemoon/failed": 1, "Filemoon/ok": 0, "Gupload/removed": 1}
	for k, v := range wantVals {
		if vals[k] != v {
			t.Errorf("%s = %v, want %v (all: %v)", k, vals[k], v, vals)
		}
	}
	if len(vals) != 9 {
		t.Errorf("%d series, want 9", len(vals))
	}
}

// TestResolverRecordsOutcomes: real resolutions through the fakes reach
// the stats under the extractor that ran, not the label.
func TestResolverRecordsOutcomes(t *testing.T) {
	e := newEnv(t)
	e.farm.Hoster(fakehoster.VOE).SetFailure(fakehoster.NoPayload)
	s := doctor.NewStats()
	res, err := provider.NewResolver(e.prov, provider.Preferences{Hosters: []string{"VOE", "Vidara", "Vidoza"}}).
		Recording(s).Resolve(t.Context(), "demo", 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stream.Hoster != "Vidoza" || len(res.Attempts) != 3 {
		t.Fatalf("attempts %v", res.Attempts)
	}
	got := map[string]doctor.HosterStat{}
	for _, st := range s.Snapshot() {
		got[st.Hoster] = st
	}
	if got["VOE"].Failed != 2 || got["Vidoza"].OK != 1 || got["Vidara"].OK+got["Vidara"].Failed != 0 ||
		!strings.Contains(got["VOE"].LastReason, "no payload") {
		t.Fatalf("stats %+v", got)
	}
}

func TestShortReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("x: %w", anime.ErrNotFound), "removed"},
		{fmt.Errorf("aniworld: hoster VOE: voe: no payload in embed page: %w", anime.ErrProvider), "no payload in embed page"},
		{errors.New(strings.Repeat("a", 100)), strings.Repeat("a", 57) + "…"},
	}
	for _, tt := range tests {
		if got := doctor.ShortReason(tt.err); got != tt.want {
			t.Errorf("ShortReason(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestProbeFor(t *testing.T) {
	tests := []struct {
		site string
		o    doctor.Probe
		want doctor.Probe
	}{
		{"aniworld.to", doctor.Probe{Season: -1}, doctor.DefaultProbes["aniworld.to"]},
		{"aniworld.to", doctor.Probe{Key: "demo", Season: -1}, doctor.Probe{Query: "demo", Key: "demo", Season: 1, Episode: 1}},
		{"aniworld.to", doctor.Probe{Key: "demo", Query: "Demo Show", Season: 0, Episode: 2}, doctor.Probe{Query: "Demo Show", Key: "demo", Season: 0, Episode: 2}},
		{"other.example", doctor.Probe{Key: "x", Season: -1}, doctor.Probe{Query: "x", Key: "x", Season: 1, Episode: 1}},
	}
	for _, tt := range tests {
		if got := doctor.ProbeFor(tt.site, tt.o); got != tt.want {
			t.Errorf("ProbeFor(%s, %+v) = %+v, want %+v", tt.site, tt.o, got, tt.want)
		}
	}
}
