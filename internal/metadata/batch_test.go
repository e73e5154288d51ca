package metadata

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	faketmdb "github.com/aniworld/aniworld/internal/fake/tmdb"
)

func addBatchSeries(t *testing.T, e *env, n int) []string {
	t.Helper()
	var ids []string
	for i := 1; i <= n; i++ {
		key := fmt.Sprintf("batch-series-%02d", i)
		e.lib.add(t, anime.Series{Key: key, Name: fmt.Sprintf("Batch Series %02d", i), Folder: fmt.Sprintf("Batch Series %02d", i)})
		ids = append(ids, key)
	}
	return ids
}

// TestBatchConcurrency runs 50 series with max_concurrent 3 and 1. The fake
// holds the first requests until three are in flight together, so reaching
// exactly 3 is guaranteed when (and only when) the batch really runs three
// at once; the gauge proves the limit is never exceeded.
func TestBatchConcurrency(t *testing.T) {
	const n = 50
	const delay = 2 * time.Millisecond
	for _, tc := range []struct {
		name          string
		maxConcurrent int
		rendezvous    int
	}{
		{"three at once", 3, 3},
		{"one at a time", 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOpts{shows: batchShows(n), fake: faketmdb.Options{Delay: delay, Rendezvous: tc.rendezvous, RendezvousTimeout: 30 * time.Second}})
			ids := addBatchSeries(t, e, n)
			start := time.Now()
			res, err := e.svc.BatchCreate(t.Context(), BatchOptions{SerieIDs: ids, DownloadMedia: true, SkipExisting: true, MaxConcurrent: tc.maxConcurrent})
			elapsed := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != n || res.Successful != n || res.Failed != 0 || res.Skipped != 0 {
				t.Fatalf("result = %+v", res)
			}
			for i, r := range res.Results {
				if r.SerieID != ids[i] || !r.Success || r.NFOPath == nil || r.Message != "NFO created successfully" {
					t.Fatalf("result %d = %+v", i, r)
				}
			}
			if got := e.fake.MaxInFlight(); got != tc.maxConcurrent {
				t.Errorf("max in flight = %d, want exactly %d", got, tc.maxConcurrent)
			}
			// Each series: search, details, poster, logo, fanart.
			requests := e.fake.Count("")
			if requests != 5*n {
				t.Errorf("%d requests, want %d", requests, 5*n)
			}
			if tc.maxConcurrent == 1 && elapsed < time.Duration(requests)*delay {
				t.Errorf("sequential batch took %v, less than %d requests x %v", elapsed, requests, delay)
			}
			t.Logf("max_concurrent %d: %d requests in %v", tc.maxConcurrent, requests, elapsed)
		})
	}
}

func TestBatchMixedResults(t *testing.T) {
	e := newEnv(t, envOpts{shows: batchShows(4)})
	ids := addBatchSeries(t, e, 4)
	ctx := t.Context()
	if _, err := e.svc.Create(ctx, ids[0], CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.fake.Inject(faketmdb.Fault{Path: "/3/tv/1002", Status: 500})
	req := []string{ids[0], ids[1], "unknown", "../evil", ids[2], ids[3], ids[3]}
	res, err := e.svc.BatchCreate(ctx, BatchOptions{SerieIDs: req, DownloadMedia: false, SkipExisting: true, MaxConcurrent: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 6 || res.Successful != 2 || res.Failed != 3 || res.Skipped != 1 {
		t.Errorf("counts = %+v", res)
	}
	want := []struct {
		id      string
		success bool
		msg     string
	}{
		{ids[0], false, "Skipped - NFO already exists"},
		{ids[1], false, "HTTP 500"},
		{"unknown", false, "not found"},
		{"../evil", false, "path characters"},
		{ids[2], true, "NFO created successfully"},
		{ids[3], true, "NFO created successfully"},
	}
	for i, w := range want {
		r := res.Results[i]
		if r.SerieID != w.id || r.Success != w.success || !strings.Contains(r.Message, w.msg) || (r.NFOPath != nil) != w.success {
			t.Errorf("result %d = %+v, want %+v", i, r, w)
		}
	}

	// skip_existing=false overwrites; nothing is searched for remembered ids.
	e.fake.ClearFaults()
	e.fake.Reset()
	res, err = e.svc.BatchCreate(ctx, BatchOptions{SerieIDs: ids, SkipExisting: false, MaxConcurrent: 4})
	if err != nil || res.Successful != 4 {
		t.Fatalf("overwrite batch = %+v, %v", res, err)
	}
	if n := e.fake.Count("/3/search/"); n != 1 {
		t.Errorf("%d searches, want 1 (only the series that failed before)", n)
	}
}

func TestBatchCancelled(t *testing.T) {
	e := newEnv(t, envOpts{shows: batchShows(3)})
	ids := addBatchSeries(t, e, 3)
	ctx, cancel := contextWithCancel(t)
	cancel()
	res, err := e.svc.BatchCreate(ctx, BatchOptions{SerieIDs: ids, MaxConcurrent: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 3 || res.Successful != 0 || res.Failed != 3 {
		t.Errorf("result = %+v", res)
	}
	for _, r := range res.Results {
		if r.Success || !strings.Contains(r.Message, "cancel") {
			t.Errorf("result = %+v, want a cancelled failure", r)
		}
	}
}
