package monitor

import (
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestDecide(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	dub, sub, eng := anime.LangGermanDub, anime.LangGermanSub, anime.LangEnglishSub
	avail := func(ls ...anime.Language) map[anime.Language]time.Time {
		m := map[anime.Language]time.Time{}
		for _, l := range ls {
			m[l] = t0
		}
		return m
	}
	ep := func(season int, title string, baseline bool, ls ...anime.Language) Episode {
		return Episode{Ref: anime.EpisodeRef{Season: season, Episode: 1, Title: title}, FirstSeen: t0, Baseline: baseline, Available: avail(ls...)}
	}
	dubThenSub := Settings{Mode: ModeAll, Languages: []string{"German Dub", "German Sub"}, FallbackDays: 14}
	global := []anime.Language{dub, sub, eng}
	cases := []struct {
		name   string
		s      Settings
		ep     Episode
		disk   []anime.Language
		now    time.Time
		want   anime.Language
		wantOK bool
		up     bool
	}{
		{"not monitored", Settings{Mode: ModeNone}, ep(1, "", false, dub), nil, t0, 0, false, false},
		{"dub available", dubThenSub, ep(1, "", false, dub, sub), nil, t0, dub, true, false},
		{"only sub, day 0: wait", dubThenSub, ep(1, "", false, sub), nil, t0, 0, false, false},
		{"only sub, day 13: wait", dubThenSub, ep(1, "", false, sub), nil, t0.Add(13 * 24 * time.Hour), 0, false, false},
		{"only sub, day 14: fall back", dubThenSub, ep(1, "", false, sub), nil, t0.Add(14 * 24 * time.Hour), sub, true, false},
		{"no fallback days: best available at once", Settings{Mode: ModeAll, Languages: []string{"German Dub", "German Sub"}}, ep(1, "", false, sub), nil, t0, sub, true, false},
		{"unlisted language never", dubThenSub, ep(1, "", false, eng), nil, t0.Add(100 * 24 * time.Hour), 0, false, false},
		{"global order when none set", Settings{Mode: ModeAll}, ep(1, "", false, eng), nil, t0, eng, true, false},
		{"on disk: nothing", dubThenSub, ep(1, "", false, dub), []anime.Language{sub}, t0, 0, false, false},
		{"on disk, upgrade on", Settings{Mode: ModeAll, Languages: []string{"German Dub", "German Sub"}, Upgrade: true}, ep(1, "", false, dub, sub), []anime.Language{sub}, t0, dub, true, true},
		{"on disk in best, upgrade on", Settings{Mode: ModeAll, Upgrade: true}, ep(1, "", false, dub), []anime.Language{dub}, t0, 0, false, false},
		{"unknown language on disk counts", Settings{Mode: ModeAll, Upgrade: true}, ep(1, "", false, dub), []anime.Language{anime.LangUnknown}, t0, 0, false, false},
		{"future skips baseline", Settings{Mode: ModeFuture}, ep(1, "", true, dub), nil, t0, 0, false, false},
		{"future takes new", Settings{Mode: ModeFuture}, ep(1, "", false, dub), nil, t0, dub, true, false},
		{"movie needs movies", Settings{Mode: ModeAll}, ep(0, "Der Film", false, dub), nil, t0, 0, false, false},
		{"movie with movies", Settings{Mode: ModeAll, Movies: true}, ep(0, "Der Film", false, dub), nil, t0, dub, true, false},
		{"special needs specials", Settings{Mode: ModeAll, Movies: true}, ep(0, "OVA 2: Beach", false, dub), nil, t0, 0, false, false},
		{"special with specials", Settings{Mode: ModeAll, Specials: true}, ep(0, "Recap Special", false, dub), nil, t0, dub, true, false},
		{"future mode still takes baseline movies", Settings{Mode: ModeFuture, Movies: true}, ep(0, "Film", true, dub), nil, t0, dub, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, ok := Decide(c.s, global, c.ep, c.disk, c.now)
			if ok != c.wantOK || d.Language != c.want || d.Upgrade != c.up {
				t.Fatalf("Decide = %v %v, want %v %v (upgrade %v)", d, ok, c.want, c.wantOK, c.up)
			}
		})
	}
}

func TestWanted(t *testing.T) {
	dub, sub := anime.LangGermanDub, anime.LangGermanSub
	global := []anime.Language{anime.LangEnglishSub}
	cases := []struct {
		name   string
		s      Settings
		queued anime.Language
		want   []anime.Language
	}{
		{"queued in fallback: it and better", Settings{Mode: ModeAll, Languages: []string{"German Dub", "German Sub"}}, sub, []anime.Language{dub, sub}},
		{"queued in first: only it", Settings{Mode: ModeAll, Languages: []string{"German Dub", "German Sub"}}, dub, []anime.Language{dub}},
		{"not queued: series order", Settings{Mode: ModeAll, Languages: []string{"German Sub"}}, 0, []anime.Language{sub}},
		{"no own order: global", Settings{Mode: ModeAll}, 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Wanted(c.s, global, c.queued)
			if len(got) != len(c.want) {
				t.Fatalf("Wanted = %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("Wanted = %v, want %v", got, c.want)
				}
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	s, err := Settings{Mode: ModeAll, Languages: []string{"german-dub", "GerSub", "German Dub"}}.Normalize()
	if err != nil || len(s.Languages) != 2 || s.Languages[0] != "German Dub" || s.Languages[1] != "German Sub" {
		t.Fatalf("Normalize = %v, %v", s, err)
	}
	for _, bad := range []Settings{{Mode: "sometimes"}, {Mode: ModeAll, Languages: []string{"Klingon"}}, {Mode: ModeAll, FallbackDays: -1}} {
		if _, err := bad.Normalize(); err == nil {
			t.Errorf("Normalize(%+v) accepted", bad)
		}
	}
}
