package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// runToOutcome takes one queued item through the queue's own statements:
// claim, stream chosen, finished with status.
func runToOutcome(t *testing.T, db *DB, it QueueItem, status anime.Status, at time.Time) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.QueueInsert(ctx, []QueueItem{it}); err != nil {
		t.Fatal(err)
	}
	claimed, err := db.QueueClaim(ctx, at)
	if err != nil || claimed.ID != it.ID {
		t.Fatalf("claim: %+v, %v", claimed, err)
	}
	if err := db.QueueSetStream(ctx, it.ID, "VOE", anime.LangGermanSub, "http://127.0.0.1/x.mp4", "/lib/x.mp4", "x.mp4", at); err != nil {
		t.Fatal(err)
	}
	f := QueueFinish{Status: status, AddTransferMS: 4000, BytesDownloaded: 8 << 20, BytesTotal: 8 << 20,
		Attempts: []byte(`[{"stage":"download","hoster":"VOE","ok":false,"error":"HTTP 503"}]`)}
	if status == anime.StatusCompleted {
		f.FilePath, f.CompletedAt = "/lib/x.mp4", &at
	} else {
		msg := "failed after 2 tries: download from VOE: HTTP 503"
		f.Error, f.RetryCount = &msg, 2
	}
	if err := db.QueueFinish(ctx, it.ID, f, at); err != nil {
		t.Fatal(err)
	}
}

func TestHistoryRecordsQueueOutcomes(t *testing.T) {
	ctx := context.Background()
	db := newSeriesDB(t)
	if err := db.SaveScannedSeries(ctx, ScannedSeries{Series: anime.Series{Key: "naruto", Name: "Naruto", Site: "s.to", Folder: "Naruto"}}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	item := func(id string, ep int) QueueItem {
		return QueueItem{ID: id, SerieID: "naruto", SerieName: "Naruto", SerieFolder: "Naruto", Season: 1, Episode: ep,
			EpisodeTitle: "Ep " + id, Priority: anime.PriorityNormal, AddedAt: t0}
	}
	runToOutcome(t, db, item("ok", 1), anime.StatusCompleted, t0.Add(time.Minute))
	runToOutcome(t, db, item("bad", 2), anime.StatusFailed, t0.Add(2*time.Minute))

	// Clearing the queue keeps the history.
	if _, err := db.QueueDeleteStatus(ctx, anime.StatusCompleted); err != nil {
		t.Fatal(err)
	}
	if _, err := db.QueueDeleteStatus(ctx, anime.StatusFailed); err != nil {
		t.Fatal(err)
	}
	list, total, err := db.DownloadHistory(ctx, DownloadHistoryQuery{Limit: 10})
	if err != nil || total != 2 || len(list) != 2 {
		t.Fatalf("history = %d entries (total %d), %v; want 2", len(list), total, err)
	}
	failed, done := list[0], list[1] // newest first
	if failed.QueueID != "bad" || failed.Status != anime.StatusFailed || failed.Error == "" ||
		failed.FailedTries != 2 || len(failed.Attempts) == 0 || failed.Site != "s.to" {
		t.Errorf("failed entry = %+v", failed)
	}
	if done.QueueID != "ok" || done.Status != anime.StatusCompleted || done.FilePath != "/lib/x.mp4" ||
		done.Hoster != "VOE" || done.Language != anime.LangGermanSub || done.Bytes != 8<<20 ||
		done.TransferMS != 4000 || !done.FinishedAt.Equal(t0.Add(time.Minute)) || done.StartedAt == nil {
		t.Errorf("completed entry = %+v", done)
	}
	if done.Attempts != nil {
		t.Errorf("the list carries the attempt log of a completed entry: %s", done.Attempts)
	}
	full, err := db.DownloadRecordByID(ctx, done.ID)
	if err != nil || len(full.Attempts) == 0 {
		t.Errorf("by id: %+v, %v; want the attempt log", full, err)
	}
	if _, err := db.DownloadRecordByID(ctx, 999); err == nil {
		t.Error("an unknown id was found")
	}
}

func TestHistoryRetryIsASecondOutcome(t *testing.T) {
	ctx := context.Background()
	db := newSeriesDB(t)
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	it := QueueItem{ID: "x", SerieID: "k", Season: 1, Episode: 1, Priority: anime.PriorityNormal, AddedAt: t0}
	runToOutcome(t, db, it, anime.StatusFailed, t0)
	if ids, err := db.QueueRetry(ctx, []string{"x"}, t0); err != nil || len(ids) != 1 {
		t.Fatalf("retry: %v %v", ids, err)
	}
	if _, err := db.QueueClaim(ctx, t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := db.QueueFinish(ctx, "x", QueueFinish{Status: anime.StatusCompleted, FilePath: "/f"}, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Progress updates of a running item and a shutdown back to pending are no outcome.
	_, total, err := db.DownloadHistory(ctx, DownloadHistoryQuery{Limit: 10})
	if err != nil || total != 2 {
		t.Fatalf("total = %d, %v; want one failure and one completion", total, err)
	}
}

func seedHistory(t *testing.T, db *DB, n int, t0 time.Time) {
	t.Helper()
	ctx := context.Background()
	sites := []string{"aniworld.to", "s.to", ""}
	for i := 0; i < n; i++ {
		_, err := db.ExecContext(ctx, `INSERT INTO download_history (queue_id, serie_key, serie_name,
			site, season, episode, episode_title, status, finished_at) VALUES (?,?,?,?,?,?,?,?,?)`,
			fmt.Sprint("q", i), fmt.Sprint("key-", i%4), fmt.Sprint("Series ", i%4), sites[i%3], 1, i,
			fmt.Sprint("Title_", i), []string{"completed", "failed"}[i%2], ms(t0.Add(time.Duration(i)*time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestHistoryFilters(t *testing.T) {
	ctx := context.Background()
	db := newSeriesDB(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	seedHistory(t, db, 24, t0)
	tests := []struct {
		name  string
		q     DownloadHistoryQuery
		total int
		first string // queue id of the first entry
	}{
		{"all, newest first", DownloadHistoryQuery{Limit: 5}, 24, "q23"},
		{"second page", DownloadHistoryQuery{Limit: 5, Offset: 5}, 24, "q18"},
		{"past the end", DownloadHistoryQuery{Limit: 5, Offset: 30}, 24, ""},
		{"failed", DownloadHistoryQuery{Status: anime.StatusFailed, Limit: 5}, 12, "q23"},
		{"completed", DownloadHistoryQuery{Status: anime.StatusCompleted, Limit: 5}, 12, "q22"},
		{"one site", DownloadHistoryQuery{Sites: []string{"s.to"}, Limit: 5}, 8, "q22"},
		{"site with legacy rows", DownloadHistoryQuery{Sites: []string{"aniworld.to", ""}, Limit: 5}, 16, "q23"},
		{"series", DownloadHistoryQuery{SerieKey: "key-1", Limit: 5}, 6, "q21"},
		{"text in name, any case", DownloadHistoryQuery{Text: "series 2", Limit: 5}, 6, "q22"},
		{"text in title", DownloadHistoryQuery{Text: "title_17", Limit: 5}, 1, "q17"},
		{"LIKE wildcards are literal", DownloadHistoryQuery{Text: "%", Limit: 5}, 0, ""},
		{"underscore is literal", DownloadHistoryQuery{Text: "e_1", Limit: 5}, 11, "q19"},
		{"combined", DownloadHistoryQuery{Status: anime.StatusFailed, SerieKey: "key-3", Sites: []string{"aniworld.to"}, Limit: 5}, 2, "q15"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list, total, err := db.DownloadHistory(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if total != tc.total {
				t.Errorf("total = %d, want %d", total, tc.total)
			}
			got := ""
			if len(list) > 0 {
				got = list[0].QueueID
			}
			if got != tc.first {
				t.Errorf("first = %q, want %q", got, tc.first)
			}
			if len(list) > tc.q.Limit {
				t.Errorf("%d entries on a page of %d", len(list), tc.q.Limit)
			}
		})
	}
}

func TestHistoryPlansUseIndexes(t *testing.T) {
	db := newSeriesDB(t)
	for _, q := range []DownloadHistoryQuery{{}, {Status: anime.StatusFailed}, {Sites: []string{"s.to"}}, {SerieKey: "k"}} {
		where, args := q.where()
		rows, err := db.Query(`EXPLAIN QUERY PLAN SELECT id FROM download_history`+where+` ORDER BY finished_at DESC, id DESC LIMIT 5`, args...)
		if err != nil {
			t.Fatal(err)
		}
		plan := ""
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan += detail + "; "
		}
		rows.Close()
		if !strings.Contains(plan, "download_history_") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("query %+v: plan %q does not walk an index in order", q, plan)
		}
	}
}

func TestHistoryPrune(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		before  time.Time
		keep    int
		deleted int64
		oldest  string
	}{
		{"nothing configured", time.Time{}, 0, 0, "q0"},
		{"by age", t0.Add(5 * time.Hour), 0, 5, "q5"},
		{"by count", time.Time{}, 4, 6, "q6"},
		{"both", t0.Add(2 * time.Hour), 7, 3, "q3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := newSeriesDB(t)
			seedHistory(t, db, 10, t0)
			n, err := db.PruneDownloadHistory(ctx, tc.before, tc.keep)
			if err != nil || n != tc.deleted {
				t.Fatalf("pruned %d, %v; want %d", n, err, tc.deleted)
			}
			list, total, err := db.DownloadHistory(ctx, DownloadHistoryQuery{Limit: 100})
			if err != nil || total != 10-int(tc.deleted) || list[len(list)-1].QueueID != tc.oldest {
				t.Fatalf("left %d (%v), oldest %s; want oldest %s", total, err, list[len(list)-1].QueueID, tc.oldest)
			}
		})
	}
	db := newSeriesDB(t)
	seedHistory(t, db, 3, t0)
	if n, err := db.ClearDownloadHistory(ctx); err != nil || n != 3 {
		t.Fatalf("clear = %d, %v", n, err)
	}
}
