package library

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// TestDownloadAndFinalTarget: the library names a download from the
// current template with the site's titles, and the finished file from what
// it holds; once the template changed, a download keeps the name it was
// given (only the extension follows the file).
func TestDownloadAndFinalTarget(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, func(o *Options) {
		o.NamingTemplate = "Season {season:02}/{title} - S{season:02}E{episode:02} - {episode_title} [{resolution}] ({language}).mkv"
	})
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1, 2}})
	env.cat.titlesDE["naruto 1x2"] = "Der Weg"
	env.marker(t, "Naruto (2002)", "naruto", "Naruto", 2002)
	env.scan(t)
	dir := filepath.Join(env.dir, "Naruto (2002)")
	ep := anime.EpisodeRef{Season: 1, Episode: 2}

	tg, err := env.svc.DownloadTarget(ctx, "naruto", ep, anime.LangGermanSub)
	want := "Season 01/Naruto - S01E02 - Der Weg (German Sub).mkv"
	if err != nil || tg.Rel != want || tg.Abs != filepath.Join(dir, filepath.FromSlash(want)) {
		t.Fatalf("target %+v %v; want %q", tg, err, want)
	}
	media := anime.MediaInfo{Width: 1280, Height: 720, VideoCodec: "hevc"}
	tests := []struct {
		name, template, ext, want string
	}{
		{"media tokens filled", "", ".mkv", "Season 01/Naruto - S01E02 - Der Weg [720p] (German Sub).mkv"},
		{"a kept .ts", "", ".ts", "Season 01/Naruto - S01E02 - Der Weg [720p] (German Sub).ts"},
		{"template changed since: the name stays", "{title} {season}x{episode} [{resolution}] ({language}).mkv", ".mkv", want},
		{"template changed, other extension", "{title} {season}x{episode} ({language}).mp4", ".ts", "Season 01/Naruto - S01E02 - Der Weg (German Sub).ts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.template != "" {
				if err := env.svc.SetNamingTemplate(tt.template); err != nil {
					t.Fatal(err)
				}
			}
			got, err := env.svc.FinalTarget(ctx, "naruto", ep, anime.LangGermanSub, tg, media, tt.ext)
			if err != nil || got.Rel != tt.want || got.Abs != filepath.Join(dir, filepath.FromSlash(tt.want)) {
				t.Fatalf("final %+v %v; want %q", got, err, tt.want)
			}
		})
	}
	if err := env.svc.SetNamingTemplate("{nope}.mkv"); !errors.Is(err, anime.ErrInvalid) || env.svc.NamingTemplate() == "{nope}.mkv" {
		t.Fatalf("an invalid template: %v, now %q", err, env.svc.NamingTemplate())
	}
	if _, err := env.svc.FinalTarget(ctx, "naruto", ep, anime.LangGermanSub, anime.Target{Rel: "../x.mkv", Abs: "/x.mkv"}, media, ".mkv"); !errors.Is(err, anime.ErrInvalid) {
		t.Fatalf("a target outside its folder: %v", err)
	}
	// Without the site's list the name has no episode title; downloads go on.
	env.cat.episodeErr["naruto"] = errors.New("offline")
	if tg, err := env.svc.DownloadTarget(ctx, "naruto", ep, anime.LangGermanSub); err != nil || tg.Rel != "Naruto 1x2 (German Sub).mp4" {
		t.Fatalf("offline target %+v %v", tg, err)
	}
}

// TestQueueCatalog: the library answers the queue's questions about a
// series: is the key one of ours, and the site's episode titles.
func TestQueueCatalog(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, nil)
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1, 2}})
	env.cat.titlesDE["naruto 1x1"] = "Heimkehr"
	env.cat.titlesEN["naruto 1x1"] = "Homecoming"
	env.cat.titlesEN["naruto 1x2"] = "The Road"
	env.marker(t, "Naruto", "naruto", "Naruto", 2002)
	env.scan(t)
	if err := env.svc.CheckSeries(ctx, "naruto"); err != nil {
		t.Fatal(err)
	}
	if err := env.svc.CheckSeries(ctx, "Bad Key!"); !errors.Is(err, anime.ErrInvalid) {
		t.Fatalf("malformed key: %v", err)
	}
	if err := env.svc.CheckSeries(ctx, "one-piece"); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("unknown series: %v", err)
	}
	titles, err := env.svc.EpisodeTitles(ctx, "naruto")
	if err != nil || titles[[2]int{1, 1}] != "Heimkehr" || titles[[2]int{1, 2}] != "The Road" || len(titles) != 2 {
		t.Fatalf("titles %v %v", titles, err)
	}
}

// TestPickPreviewEpisode: the preview shows the series' first episode on
// disk, else its first missing regular episode, else its first special,
// else S01E01; an empty library has none.
func TestPickPreviewEpisode(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, nil)
	if _, ok, err := env.svc.PickPreviewEpisode(ctx, ""); ok || err != nil {
		t.Fatalf("empty library: %v %v", ok, err)
	}
	env.cat.add("regular", "Regular", 2001, map[int][]int{0: {1}, 1: {1, 2, 3}, 2: {1}})
	env.cat.add("specials", "Specials", 2002, map[int][]int{0: {4, 2}})
	env.cat.add("complete", "Complete", 2003, map[int][]int{})
	env.cat.add("on-disk", "On Disk", 2004, map[int][]int{1: {1, 2}})
	for _, n := range []string{"Regular", "Specials", "Complete", "On Disk"} {
		env.marker(t, n, map[string]string{"Regular": "regular", "Specials": "specials", "Complete": "complete", "On Disk": "on-disk"}[n], n, 2000)
	}
	env.touch(t, "Regular/Season 01/Regular - S01E01 - (German Dub).mp4")
	env.touch(t, "On Disk/Season 01/On Disk - S01E02 - (German Sub).mp4")
	env.scan(t)
	tests := []struct {
		key  string
		want anime.EpisodeRef
		lang anime.Language
	}{
		{"regular", anime.EpisodeRef{Season: 1, Episode: 1}, anime.LangGermanDub}, // on disk wins
		{"specials", anime.EpisodeRef{Season: 0, Episode: 2}, 0},
		{"complete", anime.EpisodeRef{Season: 1, Episode: 1}, 0},
		{"on-disk", anime.EpisodeRef{Season: 1, Episode: 2}, anime.LangGermanSub},
	}
	for _, tt := range tests {
		p, ok, err := env.svc.PickPreviewEpisode(ctx, tt.key)
		if err != nil || !ok || p.Episode != tt.want || p.Language != tt.lang || p.Series.Key != tt.key {
			t.Errorf("%s: %+v %v %v; want %v", tt.key, p, ok, err, tt.want)
		}
	}
	// Nothing on disk: the first missing regular episode, not the special.
	os.Remove(filepath.Join(env.dir, "Regular", "Season 01", "Regular - S01E01 - (German Dub).mp4"))
	env.scan(t)
	if p, _, _ := env.svc.PickPreviewEpisode(ctx, "regular"); p.Episode != (anime.EpisodeRef{Season: 1, Episode: 1}) || p.File != "" {
		t.Errorf("regular without files: %+v", p)
	}
}
