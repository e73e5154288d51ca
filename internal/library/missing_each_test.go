package library

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestEachMissing(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	env.cat.add("b-show", "B Show", 2001, map[int][]int{1: {1, 2}, 0: {1}})
	env.cat.add("a-show", "A Show", 2002, map[int][]int{2: {3}})
	env.cat.add("c-show", "C Show", 2003, map[int][]int{1: {1}})
	env.marker(t, "B Show", "b-show", "B Show", 2001)
	env.marker(t, "A Show", "a-show", "A Show", 2002)
	env.marker(t, "C Show", "c-show", "C Show", 2003)
	env.touch(t, "C Show/Season 01/C Show - S01E01 - (German Dub).mp4") // nothing missing
	env.scan(t)

	var keys []string
	got := map[string][]anime.EpisodeRef{}
	folders := map[string]string{}
	err := env.svc.EachMissing(ctx, func(sr anime.Series, eps []anime.EpisodeRef) error {
		keys = append(keys, sr.Key)
		got[sr.Key], folders[sr.Key] = eps, sr.Folder+"|"+sr.Name
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]anime.EpisodeRef{
		"a-show": {{Season: 2, Episode: 3}},
		"b-show": {{Season: 0, Episode: 1}, {Season: 1, Episode: 1}, {Season: 1, Episode: 2}},
	}
	if !reflect.DeepEqual(keys, []string{"a-show", "b-show"}) || !reflect.DeepEqual(got, want) {
		t.Fatalf("visited %v with %v, want [a-show b-show] with %v", keys, got, want)
	}
	if folders["a-show"] != "A Show|A Show" || folders["b-show"] != "B Show|B Show" {
		t.Fatalf("series folders and names %v", folders)
	}
	stop := errors.New("stop")
	calls := 0
	if err := env.svc.EachMissing(ctx, func(anime.Series, []anime.EpisodeRef) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("error %v after %d calls, want stop after 1", err, calls)
	}
}
