package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// seedGrid stores n series: every third complete, site alternating, year
// 2000+i%20; series-0000001 has a live and a failed queue item,
// series-0000002 a failed one, series-0000003 is monitored.
func seedGrid(t *testing.T, db *DB, n int) {
	t.Helper()
	ctx := context.Background()
	batch := make([]ScannedSeries, n)
	for i := range batch {
		site := "aniworld.to"
		if i%2 == 1 {
			site = "s.to"
		}
		missing := anime.MissingEpisodes{"1": {2}}
		if i%3 == 0 {
			missing = anime.MissingEpisodes{}
		}
		batch[i] = ScannedSeries{Series: anime.Series{Key: fmt.Sprintf("series-%07d", i), Name: fmt.Sprintf("Series %07d", n-i),
			Folder: fmt.Sprintf("F%d", i), Site: site, Year: 2000 + i%20}, ReplaceFiles: true, Missing: missing,
			Files: []EpisodeFile{{Season: 1, Episode: 1, Path: "e1.mp4", Size: 1}}}
	}
	if err := db.SaveScannedBatch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	for i, it := range []struct{ key, status string }{
		{"series-0000001", "downloading"}, {"series-0000001", "failed"}, {"series-0000001", "pending"}, {"series-0000002", "failed"},
	} {
		if _, err := db.ExecContext(ctx, `INSERT INTO queue_items(id, serie_id, season, episode, status, priority, priority_rank, position, added_at, updated_at)
			VALUES(?, ?, 1, ?, ?, 'NORMAL', 1, ?, 0, 0)`, fmt.Sprint("q", i), it.key, i+1, it.status, i); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO series_monitor(series_key, mode, monitored_since) VALUES('series-0000003', 'all', 'x'), ('series-0000004', 'none', 'x')`); err != nil {
		t.Fatal(err)
	}
}

func TestListSeriesFiltersAndBadges(t *testing.T) {
	ctx := context.Background()
	db := newSeriesDB(t)
	seedGrid(t, db, 30)
	if err := db.AddEpisodeFile(ctx, "series-0000005", EpisodeFile{Season: 1, Episode: 2, Path: "e2.mp4", Size: 1}, true); err != nil {
		t.Fatal(err)
	}
	keys := func(recs []SeriesRecord) []string {
		var out []string
		for _, r := range recs {
			out = append(out, r.Series.Key)
		}
		return out
	}
	tests := []struct {
		name      string
		q         SeriesQuery
		wantKeys  []string
		wantTotal int
	}{
		{"downloading", SeriesQuery{Downloading: true}, []string{"series-0000001"}, 1},
		{"failed", SeriesQuery{Failed: true, Sort: SortKey}, []string{"series-0000001", "series-0000002"}, 2},
		{"monitored (mode none is not)", SeriesQuery{Monitored: true}, []string{"series-0000003"}, 1},
		{"complete (and the one just downloaded)", SeriesQuery{Complete: true, Sort: SortKey, Limit: 3}, []string{"series-0000000", "series-0000003", "series-0000005"}, 11},
		{"site and missing (5 is complete now)", SeriesQuery{Site: "s.to", WithMissing: true, Sort: SortKey, Limit: 2}, []string{"series-0000001", "series-0000007"}, 9},
		{"recently downloaded first", SeriesQuery{Sort: SortDownloaded, Desc: true, Limit: 1}, []string{"series-0000005"}, 30},
		{"year, then name", SeriesQuery{Sort: SortYear, Limit: 2}, []string{"series-0000020", "series-0000000"}, 30},
		{"newest added first", SeriesQuery{Sort: SortAdded, Desc: true, Limit: 1}, []string{"series-0000029"}, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, total, err := db.ListSeries(ctx, tt.q)
			if err != nil || total != tt.wantTotal || !slices.Equal(keys(recs), tt.wantKeys) {
				t.Fatalf("got %v total %d err %v; want %v total %d", keys(recs), total, err, tt.wantKeys, tt.wantTotal)
			}
		})
	}
	rec, _ := db.SeriesByKey(ctx, "series-0000005")
	if rec.DownloadedAt.IsZero() {
		t.Fatal("AddEpisodeFile did not set downloaded_at")
	}

	badges, err := db.SeriesBadgesOf(ctx, []string{"series-0000001", "series-0000002", "series-0000003", "series-0000004", "series-0000009"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]SeriesBadges{
		"series-0000001": {Queued: 1, Downloading: 1, Failed: 1},
		"series-0000002": {Failed: 1},
		"series-0000003": {Monitored: true},
	}
	if len(badges) != len(want) {
		t.Fatalf("badges %+v", badges)
	}
	for k, w := range want {
		if badges[k] != w {
			t.Errorf("%s: %+v, want %+v", k, badges[k], w)
		}
	}
}

// TestHotListQueriesUseIndexes: every order and filter of the library list
// is an index walk (no sort of the whole table) and its EXISTS probes use
// indexes, so 10,000 series still answer a page at once.
func TestHotListQueriesUseIndexes(t *testing.T) {
	db := newSeriesDB(t)
	seedGrid(t, db, 200)
	// The orders the library page offers, both ways (most missing: descending only).
	type order struct {
		sort SeriesSort
		desc bool
	}
	var orders []order
	for _, s := range []SeriesSort{SortName, SortKey, SortYear, SortAdded, SortDownloaded} {
		orders = append(orders, order{s, false}, order{s, true})
	}
	orders = append(orders, order{SortMissing, true})
	filters := []SeriesQuery{{}, {WithMissing: true}, {Complete: true}, {Downloading: true}, {Failed: true}, {Monitored: true}, {Site: "s.to"},
		{WithMissing: true, NoEpisodes: true}, {Site: "aniworld.to", Monitored: true}}
	for _, o := range orders {
		sort, desc := o.sort, o.desc
		{
			for _, f := range filters {
				q := f
				q.Sort, q.Desc, q.Limit = sort, desc, 50
				sql, args := ListSeriesSQL(q)
				name := fmt.Sprintf("%s desc=%v %+v", sort, desc, f)
				plan := explain(t, db, sql, append(args, 50, 0)...)
				if strings.Contains(plan, "TEMP B-TREE") || !strings.Contains(plan, "USING") ||
					strings.Contains(plan, "SCAN q") || strings.Contains(plan, "SCAN m") {
					t.Errorf("%s: plan %q: want an index walk without sorting", name, plan)
				}
			}
		}
	}
	badges := strings.Replace(seriesQueueBadgesSQL, "%s", "?,?", 1)
	if plan := explain(t, db, badges, "a", "b"); !strings.Contains(plan, "queue_items_by_series") {
		t.Errorf("badges: plan %q", plan)
	}
}

func explain(t *testing.T, db *DB, sql string, args ...any) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}
