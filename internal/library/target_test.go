package library

import (
	"context"
	"errors"
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
