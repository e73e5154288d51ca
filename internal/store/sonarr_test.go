package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestSonarrSeriesMapping(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, k := range []string{"a", "b"} {
		if _, err := db.InsertSeries(ctx, anime.Series{Key: k, Name: k, Site: "aniworld.to", Folder: k}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SaveSonarrSeries(ctx, SonarrSeries{Key: "missing", TVDBID: 1}); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("mapping a series not in the library: %v", err)
	}
	a, err := db.SaveSonarrSeries(ctx, SonarrSeries{Key: "a", TVDBID: 10, QualityProfileID: 2, SeriesType: "anime", Monitored: true,
		MonitorNewItems: "all", Seasons: map[int]bool{1: true, 2: false}, Tags: []int{3}, AddedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil || a.ID <= 0 || !a.Seasons[1] || a.Seasons[2] || len(a.Tags) != 1 || a.AddedAt.Year() != 2026 {
		t.Fatalf("save: %+v %v", a, err)
	}
	// An update keeps the id.
	a.Seasons[2] = true
	a2, err := db.SaveSonarrSeries(ctx, a)
	if err != nil || a2.ID != a.ID || !a2.Seasons[2] {
		t.Fatalf("update: %+v %v", a2, err)
	}
	if got, err := db.SonarrSeriesByTVDB(ctx, 10); err != nil || got.Key != "a" {
		t.Fatalf("by tvdb: %+v %v", got, err)
	}
	if _, err := db.SonarrSeriesByTVDB(ctx, 0); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("tvdb 0 must match nothing: %v", err)
	}
	// Ids are never reused: a deleted mapping's id stays retired.
	if err := db.DeleteSonarrSeries(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	b, err := db.SaveSonarrSeries(ctx, SonarrSeries{Key: "b"})
	if err != nil || b.ID <= a.ID || b.Seasons == nil || b.Tags == nil {
		t.Fatalf("new mapping after a delete: %+v %v (old id %d)", b, err, a.ID)
	}
	// The library series going away takes its mapping along.
	if err := db.DeleteSeries(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SonarrSeriesByID(ctx, b.ID); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("mapping of a deleted series: %v", err)
	}
	if list, err := db.SonarrSeriesList(ctx); err != nil || len(list) != 0 {
		t.Fatalf("list: %+v %v", list, err)
	}
}

func TestSonarrTagsAndRequests(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	x, err := db.AddSonarrTag(ctx, " Anna ")
	if err != nil {
		t.Fatal(err)
	}
	y, err := db.AddSonarrTag(ctx, "anna")
	if err != nil || y.ID != x.ID || y.Label != "Anna" {
		t.Fatalf("same label in other case: %+v %+v %v", x, y, err)
	}
	if tags, err := db.SonarrTags(ctx); err != nil || len(tags) != 1 {
		t.Fatalf("tags: %+v %v", tags, err)
	}
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if err := db.SaveSonarrRequest(ctx, SonarrRequest{TVDBID: 7, Title: "T", Year: 2020, Reason: "none", RequestJSON: `{"tvdbId":7}`, RequestedAt: at}); err != nil {
		t.Fatal(err)
	}
	// A later lookup without a body or title keeps what the POST left.
	if err := db.SaveSonarrRequest(ctx, SonarrRequest{TVDBID: 7, Reason: "still none", RequestedAt: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	r, err := db.SonarrRequest(ctx, 7)
	if err != nil || r.Title != "T" || r.Year != 2020 || r.RequestJSON != `{"tvdbId":7}` || r.Reason != "still none" || !r.RequestedAt.Equal(at.Add(time.Hour)) {
		t.Fatalf("request: %+v %v", r, err)
	}
	if err := db.DeleteSonarrRequest(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SonarrRequest(ctx, 7); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("deleted request: %v", err)
	}
}
