package wanted

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/store"
)

// recorder is a queue Add that records each call, refuses unknown series
// (as the queue's catalog does) and reports repeats as failed.
type recorder struct {
	mu     sync.Mutex
	known  map[string]bool
	calls  []queue.AddRequest
	queued map[string]bool
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
	for _, e := range req.Episodes {
		k := req.SerieID + e.Code()
		if r.queued[k] {
			failed = append(failed, queue.FailedItem{Episode: e, Error: "already queued"})
			continue
		}
		r.queued[k] = true
		added = append(added, k)
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
	rec := &recorder{known: map[string]bool{}, queued: map[string]bool{}}
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
	for s := 1; s <= 6; s++ {
		for e := 1; e <= 2000; e++ {
			big[fmt.Sprint(s)] = append(big[fmt.Sprint(s)], e)
		}
	}
	s, rec := newService(t, map[string]anime.MissingEpisodes{"a": {"1": {1}}, "big": big, "sto-b": {"1": {1, 2}}})
	res, err := s.Download(context.Background(), DownloadRequest{All: true, Filter: Filter{Site: "s.to"}})
	if err != nil || res != (QueueResult{Queued: 2, Series: 1}) || len(rec.calls) != 1 {
		t.Fatalf("all of s.to: %+v, %v, %d adds", res, err, len(rec.calls))
	}
	res, err = s.Download(context.Background(), DownloadRequest{All: true})
	if err != nil {
		t.Fatal(err)
	}
	// 12,003 missing: 10,000 at most per request; a and the first 9,999
	// of big, the s.to ones skipped as already queued when reached.
	if res.Queued+res.Skipped != MaxDownload || res.Remaining != 12003-MaxDownload {
		t.Errorf("all: %+v; want %d handled and %d remaining", res, MaxDownload, 12003-MaxDownload)
	}
	if got := len(rec.calls); got > 4 {
		t.Errorf("%d queue adds for 3 series", got)
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
