package wanted

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/store"
)

// recorder is a queue Add that records each call, refuses unknown series
// (as the queue's catalog does) and stores the items in the real queue
// table, where a repeat is refused by its live-episode index.
type recorder struct {
	mu    sync.Mutex
	db    *store.DB
	known map[string]bool
	calls []queue.AddRequest
}

func (r *recorder) add(_ context.Context, req queue.AddRequest) ([]string, []queue.FailedItem, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, req)
	if !r.known[req.SerieID] {
		return nil, nil, fmt.Errorf("%w: serie_id %q is no series of the library", anime.ErrInvalid, req.SerieID)
	}
	var added []string
	var failed []queue.FailedItem
	items := make([]store.QueueItem, len(req.Episodes))
	for i, e := range req.Episodes {
		items[i] = store.QueueItem{ID: fmt.Sprint(req.SerieID, e.Code(), len(r.calls)), SerieID: req.SerieID,
			Season: e.Season, Episode: e.Episode, Priority: anime.PriorityNormal, AddedAt: time.Now()}
	}
	ins, err := r.db.QueueInsert(context.Background(), items)
	if err != nil {
		return nil, nil, err
	}
	for i, ok := range ins {
		if !ok {
			failed = append(failed, queue.FailedItem{Episode: req.Episodes[i], Error: "already queued"})
			continue
		}
		added = append(added, items[i].ID)
	}
	return added, failed, nil
}

func newService(t *testing.T, series map[string]anime.MissingEpisodes) (*Service, *recorder) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rec := &recorder{db: db, known: map[string]bool{}}
	for key, missing := range series {
		site := "aniworld.to"
		if strings.HasPrefix(key, "sto-") {
			site = "s.to"
		}
		if strings.HasPrefix(key, "old-") {
			site = ""
		}
		err := db.SaveScannedSeries(ctx, store.ScannedSeries{Series: anime.Series{Key: key, Name: "Name of " + key, Site: site, Folder: "Folder " + key}, Missing: missing})
		if err != nil {
			t.Fatal(err)
		}
		rec.known[key] = true
	}
	return New(db, rec.add, "aniworld.to"), rec
}

func TestList(t *testing.T) {
	s, _ := newService(t, map[string]anime.MissingEpisodes{
		"a": {"1": {1, 2}}, "sto-b": {"2": {3}}, "old-c": {"0": {1}},
	})
	tests := []struct {
		name  string
		q     Query
		total int
		want  []string
	}{
		{"all", Query{PerPage: 10}, 4, []string{"a:S01E01", "a:S01E02", "old-c:S00E01", "sto-b:S02E03"}},
		{"page 2", Query{Page: 2, PerPage: 3}, 4, []string{"sto-b:S02E03"}},
		{"default site includes series stored without one", Query{Filter: Filter{Site: "aniworld.to"}, PerPage: 10}, 3, []string{"a:S01E01", "a:S01E02", "old-c:S00E01"}},
		{"s.to", Query{Filter: Filter{Site: "s.to"}, PerPage: 10}, 1, []string{"sto-b:S02E03"}},
		{"language nobody has seen", Query{Filter: Filter{Language: anime.LangGermanDub}, PerPage: 10}, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list, total, err := s.List(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.SerieID+":"+e.Episode.String())
				if e.Site == "" || e.SerieName == "" || e.SerieFolder == "" {
					t.Errorf("incomplete entry %+v", e)
				}
			}
			if total != tc.total || !slices.Equal(got, tc.want) {
				t.Errorf("got %v (total %d), want %v (total %d)", got, total, tc.want, tc.total)
			}
		})
	}
}

func TestDownloadSelectedGroupsBySeries(t *testing.T) {
	s, rec := newService(t, map[string]anime.MissingEpisodes{"a": {"1": {1, 2}}, "sto-b": {"2": {3}}})
	res, err := s.Download(context.Background(), DownloadRequest{Items: []Ref{
		{"a", 1, 1}, {"sto-b", 2, 3}, {"a", 1, 2}, {"a", 1, 2}, {"gone", 1, 1},
	}, Priority: anime.PriorityHigh})
	if err != nil {
		t.Fatal(err)
	}
	if res != (QueueResult{Queued: 3, Skipped: 1, Series: 2}) {
		t.Errorf("result %+v", res)
	}
	if len(rec.calls) != 3 {
		t.Fatalf("%d queue adds, want one per series (3)", len(rec.calls))
	}
	a := rec.calls[0]
	if a.SerieID != "a" || a.SerieName != "Name of a" || a.SerieFolder != "Folder a" || len(a.Episodes) != 2 || a.Priority != anime.PriorityHigh {
		t.Errorf("first add %+v; want series a's two episodes once each, with its name and folder", a)
	}
	// Again: everything is queued already.
	res, err = s.Download(context.Background(), DownloadRequest{Items: []Ref{{"a", 1, 1}}})
	if err != nil || res != (QueueResult{Skipped: 1, Series: 1}) {
		t.Errorf("repeat: %+v, %v", res, err)
	}
}

func TestDownloadAll(t *testing.T) {
	big := anime.MissingEpisodes{}
	for season := 1; season <= 3; season++ {
		for e := 1; e <= 50; e++ {
			big[fmt.Sprint(season)] = append(big[fmt.Sprint(season)], e)
		}
	}
	s, rec := newService(t, map[string]anime.MissingEpisodes{"a": {"1": {1}}, "big": big, "sto-b": {"1": {1, 2}}})
	s.max = 100 // MaxDownload, scaled down
	res, err := s.Download(context.Background(), DownloadRequest{All: true, Filter: Filter{Site: "s.to"}})
	if err != nil || res != (QueueResult{Queued: 2, Series: 1}) || len(rec.calls) != 1 {
		t.Fatalf("all of s.to: %+v, %v, %d adds", res, err, len(rec.calls))
	}
	// 153 missing, 100 at most per request: a and the first 99 of big
	// (by name); the rest of big and the (queued) s.to ones remain.
	res, err = s.Download(context.Background(), DownloadRequest{All: true})
	if err != nil || res != (QueueResult{Queued: 100, Series: 2, Remaining: 53}) {
		t.Fatalf("all: %+v, %v; want 100 queued and 53 remaining", res, err)
	}
	// Again: the queued ones cost no queue call; the rest of big follows.
	calls := len(rec.calls)
	res, err = s.Download(context.Background(), DownloadRequest{All: true})
	if err != nil || res != (QueueResult{Queued: 51, Skipped: 102, Series: 1}) || len(rec.calls) != calls+1 {
		t.Errorf("again: %+v, %v, %d more adds; want the remaining 51 of big in one add", res, err, len(rec.calls)-calls)
	}
	list, _, err := s.List(context.Background(), Query{PerPage: 5})
	if err != nil || len(list) == 0 || !list[0].Queued {
		t.Errorf("list after queueing: %+v, %v; want entries marked queued", list, err)
	}
}

func TestDownloadRefusals(t *testing.T) {
	s, rec := newService(t, map[string]anime.MissingEpisodes{"a": {"1": {1}}})
	tests := []struct {
		name string
		req  DownloadRequest
	}{
		{"nothing named", DownloadRequest{}},
		{"too many", DownloadRequest{Items: make([]Ref, MaxDownload+1)}},
		{"one unknown series alone", DownloadRequest{Items: []Ref{{"gone", 1, 1}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.Download(context.Background(), tc.req); !errors.Is(err, anime.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
	if len(rec.calls) != 1 {
		t.Errorf("%d queue adds; only the unknown series should have been tried", len(rec.calls))
	}
}

// TestDownloadTimeBudget: queueing stops between series once the time
// budget is spent; the series not reached count as remaining.
func TestDownloadTimeBudget(t *testing.T) {
	s, rec := newService(t, map[string]anime.MissingEpisodes{
		"a": {"1": {1, 2}}, "b": {"1": {1}}, "c": {"1": {1, 2, 3}}, "d": {"1": {1}},
	})
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	s.budget = 25 * time.Second
	add := s.add
	s.add = func(ctx context.Context, req queue.AddRequest) ([]string, []queue.FailedItem, error) {
		now = now.Add(10 * time.Second) // each series' title lookup takes 10 s
		return add(ctx, req)
	}
	res, err := s.Download(context.Background(), DownloadRequest{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if res != (QueueResult{Queued: 6, Series: 3, Remaining: 1}) || len(rec.calls) != 3 {
		t.Errorf("result %+v after %d adds; want a, b and c queued and d remaining", res, len(rec.calls))
	}
	res, err = s.Download(context.Background(), DownloadRequest{All: true})
	if err != nil || res.Queued != 1 || res.Remaining != 0 {
		t.Errorf("asking again: %+v, %v; want d queued", res, err)
	}
}
