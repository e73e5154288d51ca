package queue

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// namingDownloader downloads like fakeDownloader, then asks for the final
// name with what a probe of the file would say.
type namingDownloader struct {
	*fakeDownloader
	media anime.MediaInfo
}

func (d *namingDownloader) DownloadNamed(ctx context.Context, s anime.Stream, target string, progress ProgressFunc,
	name func(anime.MediaInfo, string) (string, error)) (Downloaded, error) {
	res, err := d.Download(ctx, s, target, progress)
	if err != nil {
		return Downloaded{}, err
	}
	final, err := name(d.media, filepath.Ext(res.Path))
	if err != nil {
		return Downloaded{}, err
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return Downloaded{}, err
	}
	return Downloaded{Path: final, Warnings: res.Warnings}, os.Rename(res.Path, final)
}

// TestFinalNameFromTheFinishedFile: with FinalName set, the item's file is
// named from what the finished file holds, and the item records that name.
func TestFinalNameFromTheFinishedFile(t *testing.T) {
	var got []Item
	var mu sync.Mutex
	e0 := struct{ lib string }{filepath.Join(t.TempDir(), "named")}
	dl := &namingDownloader{fakeDownloader: &fakeDownloader{size: 4096}, media: anime.MediaInfo{Width: 1280, Height: 720, VideoCodec: "hevc"}}
	e := newEnv(t, "", func(o *Options) {
		o.Downloader = dl
		o.FinalName = func(it Item, s anime.Stream, m anime.MediaInfo, ext string) (string, error) {
			mu.Lock()
			got = append(got, it)
			mu.Unlock()
			return filepath.Join(e0.lib, it.SerieFolder, it.Episode.String()+" "+it.Episode.Title+" "+m.VideoCodec+" "+s.Lang.String()+ext), nil
		}
	})
	e.res.fn = func(req ResolveRequest, _ int) (anime.Stream, []Attempt, error) {
		s := stream("VOE", req)
		s.Lang = anime.LangGermanSub
		return s, nil, nil
	}
	ids, failed, err := e.q.Add(context.Background(), AddRequest{SerieID: "demo", SerieFolder: "Demo (2020)",
		SerieName: "Demo", Episodes: []anime.EpisodeRef{{Season: 1, Episode: 2, Title: "Der Weg"}}})
	if err != nil || len(failed) > 0 {
		t.Fatal(err, failed)
	}
	if err := e.q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.run()
	e.pub.waitFor(t, "complete", func() bool { return e.statusOf(ids[0]) == anime.StatusCompleted })
	it := e.item(ids[0])
	want := filepath.Join(e0.lib, "Demo (2020)", "S01E02 Der Weg hevc German Sub.mp4")
	if it.FilePath != want {
		t.Fatalf("file path %q; want %q", it.FilePath, want)
	}
	if _, err := os.Stat(want); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Episode.Title != "Der Weg" || got[0].Language != anime.LangGermanSub || got[0].SerieFolder != "Demo (2020)" {
		t.Fatalf("FinalName saw %+v", got)
	}
}
