package doctor

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// HosterStat is one hoster's resolution outcomes since start.
type HosterStat struct {
	Hoster  string `json:"hoster"`
	OK      int    `json:"ok"`
	Failed  int    `json:"failed"`
	Removed int    `json:"removed" doc:"Links whose video was gone (not counted against the hoster)"`
	// Rate is OK / (OK + Failed) in percent; -1 with no counted attempt.
	Rate       int    `json:"success_rate" doc:"Percent of working links, removed videos not counted; -1 when none counted"`
	LastReason string `json:"last_failure,omitempty" doc:"Short reason of the latest failure"`
	// FallbackOK counts links the fallback extractor (the browser) saved
	// after this hoster's extractor failed; they are in OK too.
	FallbackOK     int    `json:"fallback_ok" doc:"Links the browser fallback saved after the extractor failed (also counted in ok)"`
	FallbackFailed int    `json:"fallback_failed" doc:"Links on which the extractor and the browser fallback both failed (also counted in failed)"`
	LastFallback   string `json:"last_fallback,omitempty" doc:"The latest rescue, e.g. \"VOE: extractor failed (no payload), browser fallback OK\""`
}

// Stats counts real resolutions per hoster (the extractor that ran, else
// the label). It implements provider.OutcomeRecorder and
// prometheus.Collector (aniworld_hoster_resolutions_total). Safe for
// concurrent use.
type Stats struct {
	mu       sync.Mutex
	by       map[string]*HosterStat
	desc     *prometheus.Desc
	fallback *prometheus.Desc
	heard    []func(provider.Attempt) // OnAttempt (listen.go)
}

var _ provider.OutcomeRecorder = (*Stats)(nil)

// NewStats returns empty counters.
func NewStats() *Stats {
	return &Stats{by: map[string]*HosterStat{}, desc: prometheus.NewDesc("aniworld_hoster_resolutions_total",
		"Hoster links tried while resolving downloads, by hoster (the extractor that ran) and outcome (ok, failed, removed).",
		[]string{"hoster", "outcome"}, nil),
		fallback: prometheus.NewDesc("aniworld_hoster_fallback_total",
			"Links on which the hoster's extractor failed and the fallback extractor (the browser) ran, by hoster and outcome (ok, failed): a hoster with ok here has a broken extractor.",
			[]string{"hoster", "outcome"}, nil)}
}

// RecordAttempt implements provider.OutcomeRecorder.
func (s *Stats) RecordAttempt(a provider.Attempt) {
	defer s.tell(a) // after the unlock below
	s.mu.Lock()
	defer s.mu.Unlock()
	name := a.Name()
	st := s.by[name]
	if st == nil {
		st = &HosterStat{Hoster: name}
		s.by[name] = st
	}
	var fe *hoster.FallbackError
	switch {
	case a.Err == nil:
		st.OK++
		if a.Note != "" {
			st.FallbackOK++
			st.LastFallback = a.Note
		}
	case errors.Is(a.Err, anime.ErrNotFound):
		st.Removed++
	default:
		st.Failed++
		st.LastReason = ShortReason(a.Err)
		if errors.As(a.Err, &fe) && fe.ExtractorErr != nil {
			st.FallbackFailed++
		}
	}
}

// Snapshot returns every hoster's counts, most attempts first.
func (s *Stats) Snapshot() []HosterStat {
	s.mu.Lock()
	out := make([]HosterStat, 0, len(s.by))
	for _, st := range s.by {
		c := *st
		c.Rate = -1
		if n := c.OK + c.Failed; n > 0 {
			c.Rate = c.OK * 100 / n
		}
		out = append(out, c)
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		ni, nj := out[i].OK+out[i].Failed+out[i].Removed, out[j].OK+out[j].Failed+out[j].Removed
		if ni != nj {
			return ni > nj
		}
		return out[i].Hoster < out[j].Hoster
	})
	return out
}

// Summary is the one-line view: "VOE 97% · Filemoon 0% (attest refused)".
func (s *Stats) Summary() string {
	var parts []string
	for _, st := range s.Snapshot() {
		if st.Rate < 0 {
			parts = append(parts, fmt.Sprintf("%s – (%d removed)", st.Hoster, st.Removed))
			continue
		}
		p := fmt.Sprintf("%s %d%%", st.Hoster, st.Rate)
		if st.Rate < 100 && st.LastReason != "" {
			p += " (" + st.LastReason + ")"
		}
		if st.FallbackOK > 0 {
			p += fmt.Sprintf(" [extractor broken: %d via browser fallback]", st.FallbackOK)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " · ")
}

// Describe implements prometheus.Collector.
func (s *Stats) Describe(ch chan<- *prometheus.Desc) {
	ch <- s.desc
	ch <- s.fallback
}

// Collect implements prometheus.Collector.
func (s *Stats) Collect(ch chan<- prometheus.Metric) {
	for _, st := range s.Snapshot() {
		for outcome, n := range map[string]int{"ok": st.OK, "failed": st.Failed, "removed": st.Removed} {
			ch <- prometheus.MustNewConstMetric(s.desc, prometheus.CounterValue, float64(n), st.Hoster, outcome)
		}
		if st.FallbackOK+st.FallbackFailed > 0 {
			ch <- prometheus.MustNewConstMetric(s.fallback, prometheus.CounterValue, float64(st.FallbackOK), st.Hoster, "ok")
			ch <- prometheus.MustNewConstMetric(s.fallback, prometheus.CounterValue, float64(st.FallbackFailed), st.Hoster, "failed")
		}
	}
}

// ShortReason condenses a link error for a glance: the challenge kind,
// "removed", or the extractor's failing step ("byse attest: HTTP 403").
func ShortReason(err error) string {
	if err == nil {
		return ""
	}
	var hc *hoster.ChallengeError
	if errors.As(err, &hc) {
		return string(hc.Kind) + " challenge"
	}
	var cc *httpclient.ChallengeError
	if errors.As(err, &cc) {
		return string(cc.Kind) + " challenge"
	}
	if errors.Is(err, anime.ErrNotFound) {
		return "removed"
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, "hoster "); i >= 0 {
		if j := strings.Index(msg[i:], ": "); j >= 0 {
			msg = msg[i+j+2:]
		}
	}
	// drop the extractor's own name prefix and the sentinel suffix
	if i := strings.Index(msg, ": "); i > 0 && !strings.Contains(msg[:i], " ") {
		msg = msg[i+2:]
	}
	msg = strings.TrimSuffix(msg, ": "+anime.ErrProvider.Error())
	if len(msg) > 60 {
		cut := 57
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	return msg
}
