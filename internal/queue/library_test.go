package queue

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/library"
)

// oneSeries is a library.Catalog of one series with two episodes.
type oneSeries struct{}

func (oneSeries) Search(context.Context, string) ([]library.Candidate, error) { return nil, nil }
func (oneSeries) Series(_ context.Context, site, key string) (library.Candidate, error) {
	return library.Candidate{Key: key, Name: "Demo", Site: site, Year: 2020}, nil
}
func (oneSeries) Episodes(context.Context, string, string) (map[int][]int, error) {
	return map[int][]int{1: {1, 2}}, nil
}
func (oneSeries) EpisodeList(context.Context, string, string) ([]library.EpisodeInfo, error) {
	return []library.EpisodeInfo{{Season: 1, Episode: 1, TitleDE: "Der Anfang"}, {Season: 1, Episode: 2}}, nil
}

// TestStoredTargetWithTheLibrary: with the real library naming targets, a
// naming template changed after an item's first try does not move it:
// the retry resumes at the stored target, the file keeps that name, and
// the library records the episode there. An item that had not started
// follows the new template.
func TestStoredTargetWithTheLibrary(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	animeDir := filepath.Join(dir, "anime")
	if err := os.MkdirAll(filepath.Join(animeDir, "Demo (2020)"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := library.WriteMarker(filepath.Join(animeDir, "Demo (2020)"), library.Marker{Key: "demo", Site: library.SiteAniworld, Name: "Demo", Year: 2020}); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, dir, nil)
	lib, err := library.New(library.Options{AnimeDir: animeDir, Catalog: oneSeries{}, Store: e.db, Logger: slog.New(slog.DiscardHandler),
		NamingTemplate: "Season {season:02}/{title} - S{season:02}E{episode:02} - {episode_title} ({language}).mp4"})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	if _, err := lib.Scan(ctx, nil); err != nil {
		t.Fatal(err)
	}
	e.q.lib = lib
	e.dl.fail = func(_ anime.Stream, call int) error {
		if call == 1 {
			return errors.New("connection reset")
		}
		return nil
	}
	e.dl.during = func() {
		if e.dl.callCount() == 1 {
			if err := lib.SetNamingTemplate("{title} {season}x{episode:02} ({language}).mkv"); err != nil {
				t.Error(err)
			}
		}
	}
	first := e.add("demo", "", "S01E01")[0]
	if err := e.q.RunItems(ctx, []string{first}, nil); err != nil {
		t.Fatal(err)
	}
	it := e.item(first)
	want := filepath.Join(animeDir, "Demo (2020)", "Season 01", "Demo - S01E01 - Der Anfang (German Dub).mp4")
	if it.Status != anime.StatusCompleted || it.RetryCount != 1 || it.FilePath != want {
		t.Fatalf("item %s after %d retries at %q; want %q", it.Status, it.RetryCount, it.FilePath, want)
	}
	if got := e.dl.resumedFrom(want); got != int64(e.dl.size/2) {
		t.Fatalf("the retry resumed from %d bytes, want %d", got, e.dl.size/2)
	}
	second := e.add("demo", "", "S01E02")[0]
	if err := e.q.RunItems(ctx, []string{second}, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := e.item(second).FilePath, filepath.Join(animeDir, "Demo (2020)", "Demo 1x02 (German Dub).mkv"); got != want {
		t.Fatalf("new item at %q; want the new template's %q", got, want)
	}
	d, _, err := lib.Get(ctx, "demo")
	if err != nil || !slices.Equal(d.Episodes, []string{"1-1", "1-2"}) || d.MissingEpisodes.Count() != 0 {
		t.Fatalf("library after the downloads: %+v %v", d, err)
	}
}
