package queue

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/event"
)

func TestRetryBackoffThenFailed(t *testing.T) {
	ctx := context.Background()
	notFound := fmt.Errorf("http 404 from media.test: %w", anime.ErrNotFound)
	tests := []struct {
		name       string
		retries    int
		err        error
		wantTries  int
		wantPrefix string
	}{
		{"transient retried then failed", 2, errors.New("connection reset"), 3, "failed after 3 tries: download from VOE: connection reset"},
		{"no retries", -1, errors.New("connection reset"), 1, "download from VOE: connection reset"},
		{"expired media url retried", 1, notFound, 2, "failed after 2 tries: download from VOE: http 404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, "", func(o *Options) { o.MaxRetries = tt.retries })
			e.dl.fail = func(anime.Stream, int) error { return tt.err }
			id := e.add("aot", "", "S01E01")[0]
			if err := e.q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			e.run()
			e.waitFailed(t, id)
			it := e.item(id)
			if it.Error == nil || !strings.HasPrefix(*it.Error, tt.wantPrefix) {
				t.Fatalf("error = %v, want prefix %q", it.Error, tt.wantPrefix)
			}
			if it.RetryCount != tt.wantTries {
				t.Fatalf("retry_count = %d, want %d", it.RetryCount, tt.wantTries)
			}
			var downloads int
			for _, a := range it.Attempts {
				if a.Stage == StageDownload {
					downloads++
					if a.OK || a.Error == "" || a.Hoster != "VOE" {
						t.Fatalf("attempt %+v", a)
					}
				}
			}
			if downloads != tt.wantTries || e.dl.callCount() != tt.wantTries {
				t.Fatalf("download attempts logged %d, made %d, want %d", downloads, e.dl.callCount(), tt.wantTries)
			}
			fails := e.pub.OfType(event.DownloadFailed)
			if len(fails) != 1 || fails[0].Data.(event.DownloadData).Error != *it.Error {
				t.Fatalf("download_failed events %+v", fails)
			}
			st := e.status()
			if st.Statistics.FailedCount != 1 || len(st.Status.FailedDownloads) != 1 {
				t.Fatalf("status %+v", st.Statistics)
			}

			// Retry moves it back with a fresh budget; now it completes.
			e.dl.set(func(d *fakeDownloader) { d.fail = nil })
			got, err := e.q.Retry(ctx, nil)
			if err != nil || !slices.Equal(got, []string{id}) {
				t.Fatalf("retried %v, %v", got, err)
			}
			e.pub.waitFor(t, "completed", func() bool { return e.statusOf(id) == anime.StatusCompleted })
			if it := e.item(id); it.Error != nil || it.FilePath == "" {
				t.Fatalf("completed item %+v", it)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		err       error
		wantTries int
	}{
		{"episode does not exist", fmt.Errorf("episode page: %w", anime.ErrNotFound), 1},
		{"invalid request", fmt.Errorf("%w: bad key", anime.ErrInvalid), 1},
		{"no hoster worked", errors.Join(anime.ErrUnavailable, anime.ErrNotFound), 3},
		{"challenge page", fmt.Errorf("site: %w", anime.ErrChallenge), 3},
		{"every link a removed video", fmt.Errorf("resolve: %w", decidedErr{permanent: true}), 1},
		{"some links removed, others failing", fmt.Errorf("resolve: %w", decidedErr{permanent: false}), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, "", func(o *Options) { o.MaxRetries = 2 })
			e.res.fn = func(ResolveRequest, int) (anime.Stream, []Attempt, error) {
				return anime.Stream{}, []Attempt{{Hoster: "VOE", Error: "gone"}}, tt.err
			}
			id := e.add("aot", "", "S01E01")[0]
			if err := e.q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			e.run()
			e.pub.waitFor(t, "failed", func() bool { return e.statusOf(id) == anime.StatusFailed })
			it := e.item(id)
			if it.RetryCount != tt.wantTries || len(e.res.requests()) != tt.wantTries {
				t.Fatalf("tries %d (resolver asked %d times), want %d", it.RetryCount, len(e.res.requests()), tt.wantTries)
			}
			if len(it.Attempts) != tt.wantTries || it.Attempts[0].Stage != StageResolve || it.Error == nil ||
				!strings.Contains(*it.Error, "no stream") {
				t.Fatalf("item %+v / %v", it.Attempts, it.Error)
			}
			if e.dl.callCount() != 0 {
				t.Fatal("downloader called without a stream")
			}
		})
	}
}

func TestRetryBackoffGrows(t *testing.T) {
	s := &Service{backoff: time.Second, maxBack: 5 * time.Second}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for i, w := range want {
		if got := s.backoffFor(i + 1); got != w {
			t.Errorf("backoff for retry %d = %v, want %v", i+1, got, w)
		}
	}
}

func TestRetrySelection(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "", func(o *Options) { o.MaxRetries = -1 })
	e.dl.fail = func(anime.Stream, int) error { return errors.New("boom") }
	failed := e.add("aot", "", "S01E01", "S01E02", "S01E03")
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	stop := e.run()
	e.pub.waitFor(t, "all failed", func() bool { return e.status().Statistics.FailedCount == 3 })
	stop()
	// S01E03 is queued again meanwhile: retrying the failed one would duplicate it.
	again := e.add("aot", "", "S01E03")

	tests := []struct {
		name string
		ids  []string
		want []string
	}{
		{"unknown and non-failed skipped", []string{"nope", again[0], failed[1]}, []string{failed[1]}},
		{"all failed, duplicate skipped", nil, []string{failed[0]}},
		{"nothing left", nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.q.Retry(ctx, tt.ids)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("retried %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	if st := e.status().Statistics; st.PendingCount != 3 || st.FailedCount != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestHosterFailover(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "", nil)
	// The resolver falls back from Doodstream to VOE; on later tries it
	// honours Avoid.
	e.res.fn = func(req ResolveRequest, call int) (anime.Stream, []Attempt, error) {
		atts := []Attempt{{Hoster: "Doodstream", Language: anime.LangGermanDub, Error: "403 Forbidden"}}
		if slices.Contains(req.Avoid, "VOE") {
			atts = append(atts, Attempt{Hoster: "Vidoza", Language: anime.LangGermanSub, OK: true})
			s := stream("Vidoza", req)
			s.Lang = anime.LangGermanSub
			return s, atts, nil
		}
		atts = append(atts, Attempt{Hoster: "VOE", Language: anime.LangGermanDub, OK: true})
		return stream("VOE", req), atts, nil
	}
	// VOE's stream dies mid-transfer.
	e.dl.fail = func(s anime.Stream, _ int) error {
		if s.Hoster == "VOE" {
			return errors.New("unexpected EOF")
		}
		return nil
	}
	id := e.add("aot", "", "S01E01")[0]
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.run()
	e.waitCompleted(t, id)

	it := e.item(id)
	type step struct {
		stage, hoster string
		ok            bool
	}
	var got []step
	for _, a := range it.Attempts {
		got = append(got, step{a.Stage, a.Hoster, a.OK})
	}
	want := []step{
		{StageResolve, "Doodstream", false}, {StageResolve, "VOE", true}, {StageDownload, "VOE", false},
		{StageResolve, "Doodstream", false}, {StageResolve, "Vidoza", true}, {StageDownload, "Vidoza", true},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("attempt log %v, want %v", got, want)
	}
	// Another language is another file (the name carries it).
	if it.Language != anime.LangGermanSub || !strings.Contains(it.FilePath, "(German Sub)") || it.RetryCount != 1 {
		t.Fatalf("item %+v", it)
	}
	if it.SourceURL == nil || !strings.Contains(*it.SourceURL, "Vidoza") {
		t.Fatalf("source_url %v", it.SourceURL)
	}
	// The VOE partial data was not spliced into the Vidoza file.
	_, cleanups := e.dl.snapshot()
	if len(cleanups) != 1 || !strings.Contains(cleanups[0], "(German Dub)") {
		t.Fatalf("cleanups %v, want the VOE partial file", cleanups)
	}
	body, err := os.ReadFile(it.FilePath)
	if err != nil || string(body) != string(content(*it.SourceURL, e.dl.size)) {
		t.Fatalf("file content wrong: %v", err)
	}
	complete := e.pub.OfType(event.DownloadComplete)
	if len(complete) != 1 || complete[0].Data.(event.DownloadData).FilePath != it.FilePath {
		t.Fatalf("download_complete events %+v", complete)
	}
}

func TestCrashRecoveryResumesPartialDownload(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e := newEnv(t, dir, nil)
	e.dl.gate = make(chan struct{})
	e.dl.started = make(chan string, 1)
	id := e.add("aot", "", "S01E01")[0]
	e.add("aot", "", "S01E02")
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// Claim the item and write half of it, then "crash": the process
	// vanishes with the row left downloading (no shutdown path runs).
	var wg sync.WaitGroup
	runCtx, cancel := context.WithCancel(ctx)
	e.q.dispatch(runCtx, &wg)
	target := <-e.dl.started
	part, err := os.ReadFile(target + ".part")
	if err != nil || len(part) != e.dl.size/2 {
		t.Fatalf("partial file: %d bytes, %v", len(part), err)
	}
	if got := e.statusOf(id); got != anime.StatusDownloading {
		t.Fatalf("status %s before crash", got)
	}
	e.db.Close()
	cancel()
	wg.Wait() // the old worker's writes fail against the closed database

	again := newEnv(t, dir, nil)
	it := again.item(id)
	if it.Status != anime.StatusPending {
		t.Fatalf("after restart %s, want pending", it.Status)
	}
	again.run()
	again.pub.waitFor(t, "both complete", func() bool { return again.status().Statistics.CompletedCount == 2 })
	if got := again.dl.resumedFrom(target); got != int64(e.dl.size/2) {
		t.Fatalf("resumed from %d bytes, want %d", got, e.dl.size/2)
	}
	it = again.item(id)
	body, err := os.ReadFile(it.FilePath)
	if err != nil || string(body) != string(content(*it.SourceURL, again.dl.size)) {
		t.Fatalf("resumed file wrong: %v", err)
	}
	if st := again.status().Statistics; st.TotalItems != 2 {
		t.Fatalf("items %d, want 2", st.TotalItems)
	}
}

func TestShutdownRequeuesActive(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e := newEnv(t, dir, nil)
	e.dl.gate = make(chan struct{})
	e.dl.started = make(chan string, 1)
	id := e.add("aot", "", "S01E01")[0]
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	stop := e.run()
	<-e.dl.started
	stop() // returns only after the worker stopped
	it := e.item(id)
	if it.Status != anime.StatusPending || it.Error != nil || it.RetryCount != 0 {
		t.Fatalf("after shutdown %+v", it)
	}
	if it.Progress == nil || it.Progress.Percent != 50 {
		t.Fatalf("partial progress not kept: %+v", it.Progress)
	}
	if len(e.pub.OfType(event.DownloadFailed)) != 0 {
		t.Fatal("shutdown reported as failure")
	}
}

func TestHooksAndConcurrency(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var hooked []string
	e := newEnv(t, "", func(o *Options) {
		o.OnComplete = []Hook{
			func(_ context.Context, it Item) error {
				mu.Lock()
				hooked = append(hooked, it.FilePath)
				if it.Language != anime.LangGermanDub {
					hooked = append(hooked, "hook saw language "+it.Language.String())
				}
				mu.Unlock()
				return nil
			},
			func(context.Context, Item) error { return errors.New("nfo: tmdb down") },
		}
	})
	e.dl.gate = make(chan struct{})
	e.dl.started = make(chan string, 3)
	e.add("aot", "", "S01E01", "S01E02", "S01E03")
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.run()
	<-e.dl.started
	if err := e.q.SetConcurrency(0); !errors.Is(err, anime.ErrInvalid) {
		t.Fatalf("SetConcurrency(0) = %v", err)
	}
	if err := e.q.SetConcurrency(3); err != nil {
		t.Fatal(err)
	}
	<-e.dl.started
	<-e.dl.started // three at once now
	if n := len(e.status().Status.ActiveDownloads); n != 3 {
		t.Fatalf("active %d, want 3", n)
	}
	close(e.dl.gate)
	e.pub.waitFor(t, "all complete", func() bool { return len(e.pub.OfType(event.DownloadComplete)) == 3 })
	mu.Lock()
	defer mu.Unlock()
	if len(hooked) != 3 {
		t.Fatalf("hook saw %v", hooked)
	}
	for _, p := range hooked {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("hook ran before file %s existed: %v", p, err)
		}
	}
	if e.status().Statistics.CompletedCount != 3 {
		t.Fatal("a failing hook changed the outcome")
	}
}

func TestRunOnlyOnce(t *testing.T) {
	e := newEnv(t, "", nil)
	e.q.runGuard.Lock() // as a running Run holds it
	defer e.q.runGuard.Unlock()
	if err := e.q.Run(context.Background()); !errors.Is(err, anime.ErrConflict) {
		t.Fatalf("second Run = %v, want ErrConflict", err)
	}
}

func TestEventsCarryKeyAndFolder(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "", nil)
	id := e.add("attack-on-titan", anime.PriorityHigh, "S02E03")[0]
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.run()
	e.pub.waitFor(t, "queue_status after completion", func() bool {
		st := e.pub.OfType(event.QueueStatus)
		return len(st) > 0 && st[len(st)-1].Data.(event.QueueData).CompletedCount == 1
	})
	seen := map[event.Type]int{}
	for _, ev := range e.pub.Events() {
		seen[ev.Type]++
		switch d := ev.Data.(type) {
		case event.DownloadData:
			if d.DownloadID != id || d.Key != "attack-on-titan" || d.Folder != "attack-on-titan (2020)" ||
				d.Episode != "S02E03" || d.Season != 2 || d.EpisodeNo != 3 {
				t.Errorf("%s payload %+v", ev.Type, d)
			}
			if ev.Type == event.DownloadComplete && (d.FilePath == "" || d.Percent != 100) {
				t.Errorf("complete payload %+v", d)
			}
		case event.QueueData:
			if !d.IsRunning && ev.Type != event.QueueStatus {
				t.Errorf("%s payload %+v", ev.Type, d)
			}
		default:
			t.Errorf("%s carries %T", ev.Type, ev.Data)
		}
		if ev.Time.IsZero() {
			t.Errorf("%s without time", ev.Type)
		}
	}
	for _, ty := range []event.Type{event.DownloadAdded, event.DownloadStarted, event.DownloadProgress,
		event.DownloadComplete, event.QueueStatus, event.QueueStarted} {
		if seen[ty] == 0 {
			t.Errorf("no %s event (saw %v)", ty, seen)
		}
	}
	last := e.pub.OfType(event.QueueStatus)
	if d := last[len(last)-1].Data.(event.QueueData); d.PendingCount != 0 || d.ActiveCount != 0 || !d.IsRunning {
		t.Errorf("final queue_status %+v", d)
	}
}

// decidedErr is an error that decides itself whether a retry can help,
// like the provider's ResolveError (every link removed: permanent).
type decidedErr struct{ permanent bool }

func (e decidedErr) Error() string   { return "no stream after 2 attempts" }
func (e decidedErr) Permanent() bool { return e.permanent }
func (e decidedErr) Unwrap() []error { return []error{anime.ErrUnavailable, anime.ErrNotFound} }
