package monitor

import (
	"context"
	"fmt"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

// TestSeasonsNarrowMonitoring: with Options.Seasons only the followed
// seasons' episodes are queued, and a season followed later is queued on
// the next refresh (nothing was marked queued for it meanwhile).
func TestSeasonsNarrowMonitoring(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "s")
	followed := map[int]bool{1: true}
	asked := 0
	e.svc.o.Seasons = func(_ context.Context, key string) func(int) bool {
		asked++
		if key != "s" {
			t.Errorf("asked for %q", key)
		}
		return func(n int) bool { return followed[n] }
	}
	e.cat.seasons = []provider.Season{
		{Number: 1, Episodes: []provider.EpisodeInfo{info(1, "A", anime.LangGermanDub), info(2, "B", anime.LangGermanDub)}},
		{Number: 2, Episodes: []provider.EpisodeInfo{info(1, "C", anime.LangGermanDub)}},
	}
	if _, _, err := e.svc.Set(ctx, "s", Settings{Mode: ModeAll}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Refresh(ctx, "s"); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(e.q.take()); got != "[S01E01 S01E02]" && got != "[S01E02 S01E01]" {
		t.Fatalf("queued %s, want season 1 only", got)
	}
	followed[2] = true
	if _, err := e.svc.Refresh(ctx, "s"); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(e.q.take()); got != "[S02E01]" {
		t.Fatalf("after following season 2: %s", got)
	}
	if asked != 2 {
		t.Errorf("Seasons asked %d times for 2 refreshes", asked)
	}
}
