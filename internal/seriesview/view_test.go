package seriesview

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/store"
)

// memCatalog is a site whose pages are already parsed.
type memCatalog struct {
	d       provider.SeriesDetails
	seasons []provider.Season
	err     error
}

func (c memCatalog) Details(context.Context, string, string) (provider.SeriesDetails, error) {
	return c.d, c.err
}

func (c memCatalog) Seasons(context.Context, string, string) ([]provider.Season, error) {
	return c.seasons, c.err
}

// fakeQueue answers fixed items (the queue service is tested in its package).
type fakeQueue struct{ items []queue.Item }

func (q fakeQueue) SeriesItems(context.Context, string) ([]queue.Item, error) { return q.items, nil }
func (q fakeQueue) Add(context.Context, queue.AddRequest) ([]string, []queue.FailedItem, error) {
	return nil, nil, nil
}
func (q fakeQueue) RemoveMany(context.Context, []string) error { return nil }

// longSeries stores a series with seasons×perSeason episodes, the first
// onDisk of them as files, and answers the catalog for it.
func longSeries(tb testing.TB, seasons, perSeason, onDisk int) (*store.DB, memCatalog) {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	cat := memCatalog{d: provider.SeriesDetails{Key: "long", Title: "Long", StartYear: 1999, Ongoing: true, FSK: 12,
		Genres: []string{"Action"}, Seasons: []int{}}}
	in := store.ScannedSeries{Series: anime.Series{Key: "long", Name: "Long", Site: "aniworld.to", Folder: "Long", Link: "https://aniworld.to/anime/stream/long"},
		Missing: anime.MissingEpisodes{}, ReplaceFiles: true}
	n := 0
	for s := 1; s <= seasons; s++ {
		se := provider.Season{Number: s}
		for e := 1; e <= perSeason; e++ {
			se.Episodes = append(se.Episodes, provider.EpisodeInfo{Number: e, TitleDE: fmt.Sprintf("Folge %d", e), TitleEN: fmt.Sprintf("Episode %d", e),
				Languages: []anime.Language{anime.LangGermanSub, anime.LangEnglishSub}})
			if n < onDisk {
				in.Files = append(in.Files, store.EpisodeFile{Season: s, Episode: e, Language: anime.LangGermanSub,
					Path: fmt.Sprintf("Season %02d/Long S%02dE%03d 1080p.mkv", s, s, e), Size: 300 << 20})
			} else {
				k := fmt.Sprint(s)
				in.Missing[k] = append(in.Missing[k], e)
			}
			n++
		}
		cat.d.Seasons = append(cat.d.Seasons, s)
		cat.seasons = append(cat.seasons, se)
	}
	if err := db.SaveScannedBatch(ctx, []store.ScannedSeries{in}); err != nil {
		tb.Fatal(err)
	}
	return db, cat
}

func find(v View, season, ep int) EpisodeView {
	for _, s := range v.Seasons {
		if s.Season == season {
			for _, e := range s.Episodes {
				if e.Episode == ep {
					return e
				}
			}
		}
	}
	return EpisodeView{State: "absent"}
}

// TestViewStates: each episode gets the state its files and queue items
// say, the newest item of an episode wins, an episode only on disk or
// only in the queue still gets a row, and a site that fails leaves the
// rows from the library with the reason.
func TestViewStates(t *testing.T) {
	db, cat := longSeries(t, 2, 4, 2) // S1E1, S1E2 on disk
	errText := "no hoster left"
	items := []queue.Item{
		{DownloadItem: anime.DownloadItem{ID: "a", Episode: anime.EpisodeRef{Season: 1, Episode: 3}, Status: anime.StatusDownloading,
			Progress: &anime.Progress{Percent: 40}}},
		{DownloadItem: anime.DownloadItem{ID: "b", Episode: anime.EpisodeRef{Season: 1, Episode: 4}, Status: anime.StatusFailed, Error: &errText},
			Attempts: []queue.Attempt{{Stage: queue.StageResolve, Hoster: "VOE", Error: "gone"}}},
		{DownloadItem: anime.DownloadItem{ID: "c", Episode: anime.EpisodeRef{Season: 2, Episode: 1}, Status: anime.StatusPending}},
		{DownloadItem: anime.DownloadItem{ID: "d-new", Episode: anime.EpisodeRef{Season: 2, Episode: 2}, Status: anime.StatusPending}},
		{DownloadItem: anime.DownloadItem{ID: "d-old", Episode: anime.EpisodeRef{Season: 2, Episode: 2}, Status: anime.StatusFailed}},
		{DownloadItem: anime.DownloadItem{ID: "e", Episode: anime.EpisodeRef{Season: 1, Episode: 2}, Status: anime.StatusFailed}},
		{DownloadItem: anime.DownloadItem{ID: "x", Episode: anime.EpisodeRef{Season: 3, Episode: 9}, Status: anime.StatusPending}},
	}
	svc := New(Options{Store: db, Catalog: cat, Queue: fakeQueue{items}})
	v, err := svc.View(context.Background(), "long")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		season, ep  int
		state, item string
	}{
		{1, 1, StateOnDisk, ""},
		{1, 2, StateOnDisk, "e"}, // a failed extra language does not hide the file
		{1, 3, StateDownloading, "a"},
		{1, 4, StateFailed, "b"},
		{2, 1, StateQueued, "c"},
		{2, 2, StateQueued, "d-new"},
		{2, 3, StateMissing, ""},
		{3, 9, StateQueued, "x"}, // not on the site (yet), but queued
	} {
		e := find(v, c.season, c.ep)
		id := ""
		if e.Item != nil {
			id = e.Item.ID
		}
		if e.State != c.state || id != c.item {
			t.Errorf("S%dE%d: state %s item %q, want %s %q", c.season, c.ep, e.State, id, c.state, c.item)
		}
	}
	if e := find(v, 1, 4); e.Item.Error != errText || len(e.Item.Attempts) != 1 {
		t.Errorf("failed row lacks its reason or attempts: %+v", e.Item)
	}
	if e := find(v, 1, 1); len(e.Files) != 1 || e.Files[0].Quality != "1080p" || e.Files[0].Name != "Long S01E001 1080p.mkv" || e.TitleEN != "Episode 1" {
		t.Errorf("on-disk row %+v", e)
	}
	want := Counts{Total: 9, OnDisk: 2, Missing: 2, Queued: 3, Downloading: 1, Failed: 1}
	if v.Counts != want {
		t.Errorf("counts %+v, want %+v", v.Counts, want)
	}
	if v.FSK == nil || *v.FSK != 12 || !v.Ongoing || v.StartYear != 1999 {
		t.Errorf("header %+v", v)
	}

	cat.err = fmt.Errorf("aniworld: %w", anime.ErrChallenge)
	v, err = New(Options{Store: db, Catalog: cat}).View(context.Background(), "long")
	if err != nil || v.ProviderError == "" || v.Counts.Total != 8 || find(v, 2, 3).State != StateMissing || find(v, 1, 1).TitleEN != "" {
		t.Errorf("site down: err %v, provider_error %q, counts %+v", err, v.ProviderError, v.Counts)
	}
	if _, err := svc.View(context.Background(), "nope"); err == nil {
		t.Error("unknown series: no error")
	}
}

// BenchmarkView1100 measures the server side of the series page for a
// 1,100-episode series (400 on disk) with parsed pages at hand: the store
// reads, the join and the JSON encoding.
func BenchmarkView1100(b *testing.B) {
	db, cat := longSeries(b, 22, 50, 400)
	svc := New(Options{Store: db, Catalog: cat})
	for b.Loop() {
		v, err := svc.View(context.Background(), "long")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}
