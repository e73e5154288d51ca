package queue

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestEpisodeCodeForms(t *testing.T) {
	tests := []struct {
		code    string
		s, e    int
		invalid bool
	}{
		{"1x1", 1, 1, false},
		{"1x01", 1, 1, false},
		{"01X001", 1, 1, false},
		{"0x5", 0, 5, false},
		{"S1E1", 1, 1, false},
		{"2-12", 2, 12, false},
		{"S200E9999", 200, 9999, false},
		{"S201E1", 0, 0, true},
		{"S1E10000", 0, 0, true},
		{"9999x99999", 0, 0, true},
		{"1x0", 0, 0, true},
		{"1xx1", 0, 0, true},
		{"x1", 0, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			ref, err := ParseEpisodeCode(tc.code)
			if tc.invalid {
				if !errors.Is(err, anime.ErrInvalid) {
					t.Fatalf("%q: %v %v, want ErrInvalid", tc.code, ref, err)
				}
				return
			}
			if err != nil || ref.Season != tc.s || ref.Episode != tc.e {
				t.Fatalf("%q: %v %v, want S%dE%d", tc.code, ref, err, tc.s, tc.e)
			}
		})
	}
}

// fakeCatalog knows the series "show"; its site answers titles only when
// online is set.
type fakeCatalog struct{ online atomic.Bool }

func (c *fakeCatalog) CheckSeries(_ context.Context, key string) error {
	if key != "show" {
		return fmt.Errorf("series %q: %w", key, anime.ErrNotFound)
	}
	return nil
}

func (c *fakeCatalog) EpisodeTitles(context.Context, string) (map[[2]int]string, error) {
	if !c.online.Load() {
		return nil, errors.New("site unreachable")
	}
	return map[[2]int]string{{1, 1}: "Der Anfang", {1, 2}: "German Only"}, nil
}

// TestTitlesFromTheCatalog: Add refuses series the catalog does not know
// (ErrInvalid); titles the client did not send come from the site at Add,
// or, when the site was down then, before the download; they stay after
// completion, and a client's title is never replaced.
func TestTitlesFromTheCatalog(t *testing.T) {
	cat := &fakeCatalog{}
	e := newEnv(t, "", func(o *Options) { o.Catalog = cat })
	ctx := context.Background()
	if _, _, err := e.q.Add(ctx, AddRequest{SerieID: "nope", Episodes: []anime.EpisodeRef{{Season: 1, Episode: 1}}}); !errors.Is(err, anime.ErrInvalid) {
		t.Fatalf("unknown series: %v, want ErrInvalid", err)
	}
	// Site down at Add: queued untitled (and the client's title kept).
	offline, _, err := e.q.Add(ctx, AddRequest{SerieID: "show", SerieName: "Show",
		Episodes: []anime.EpisodeRef{{Season: 1, Episode: 1}, {Season: 1, Episode: 3, Title: "Mine"}}})
	if err != nil || e.item(offline[0]).Episode.Title != "" {
		t.Fatalf("add offline: %v %+v", err, e.item(offline[0]).Episode)
	}
	cat.online.Store(true)
	online, _, err := e.q.Add(ctx, AddRequest{SerieID: "show", SerieName: "Show", Episodes: []anime.EpisodeRef{{Season: 1, Episode: 2}}})
	if err != nil || e.item(online[0]).Episode.Title != "German Only" {
		t.Fatalf("add online: %v %+v", err, e.item(online[0]).Episode)
	}
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.run()
	all := append(offline, online...)
	e.pub.waitFor(t, "all completed", func() bool {
		for _, id := range all {
			if e.statusOf(id) != anime.StatusCompleted {
				return false
			}
		}
		return true
	})
	want := []string{"Der Anfang", "Mine", "German Only"}
	for i, id := range all {
		if got := e.item(id).Episode.Title; got != want[i] {
			t.Fatalf("completed item %d: title %q, want %q", i, got, want[i])
		}
	}
}
