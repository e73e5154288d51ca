package monitor

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/store"
)

// fakeCatalog is the site as the monitor sees it, changed by the test.
type fakeCatalog struct {
	mu      sync.Mutex
	seasons []provider.Season
	err     error
	calls   int
	active  []bool // active(1) per call
}

func (c *fakeCatalog) Seasons(_ context.Context, _, _ string, active func(int) bool) ([]provider.Season, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	c.active = append(c.active, active(1))
	if c.err != nil {
		return nil, c.err
	}
	out := make([]provider.Season, len(c.seasons))
	for i, s := range c.seasons {
		out[i] = provider.Season{Number: s.Number, Episodes: append([]provider.EpisodeInfo(nil), s.Episodes...)}
	}
	return out, nil
}

func (c *fakeCatalog) set(eps ...provider.EpisodeInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seasons = []provider.Season{{Number: 1, Episodes: eps}}
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type enqueued struct {
	mu   sync.Mutex
	refs []anime.EpisodeRef
}

func (e *enqueued) add(_ context.Context, _ anime.Series, eps []anime.EpisodeRef) error {
	e.mu.Lock()
	e.refs = append(e.refs, eps...)
	e.mu.Unlock()
	return nil
}

func (e *enqueued) take() []anime.EpisodeRef {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.refs
	e.refs = nil
	return out
}

type env struct {
	svc    *Service
	db     *store.DB
	cat    *fakeCatalog
	clk    *clock
	q      *enqueued
	events []Event
	slept  []time.Duration
}

func newEnv(t *testing.T, keys ...string) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, k := range keys {
		if _, err := db.InsertSeries(ctx, anime.Series{Key: k, Name: "Show " + k, Site: "aniworld.to", Folder: k}); err != nil {
			t.Fatal(err)
		}
	}
	e := &env{db: db, cat: &fakeCatalog{}, clk: &clock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}, q: &enqueued{}}
	e.svc, err = New(Options{Store: db, Catalog: e.cat, Enqueue: e.q.add, Now: e.clk.Now,
		Languages: func() []anime.Language { return []anime.Language{anime.LangGermanDub, anime.LangGermanSub} },
		Interval:  func() time.Duration { return time.Hour }, HostGap: func() time.Duration { return 3 * time.Second },
		Sleep:   func(_ context.Context, d time.Duration) error { e.slept = append(e.slept, d); e.clk.Add(d); return nil },
		OnEvent: func(_ context.Context, ev Event) { e.events = append(e.events, ev) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func info(n int, title string, ls ...anime.Language) provider.EpisodeInfo {
	return provider.EpisodeInfo{Number: n, TitleDE: title, Languages: ls}
}

// TestDubToSubFallback: an episode only in German Sub waits 14 days for the
// Dub (per the series' list and fallback), then is queued in Sub; the
// resolver is told Dub or Sub. A Dub appearing later is an upgrade only
// when the series opts in.
func TestDubToSubFallback(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "show")
	sub, dub := anime.LangGermanSub, anime.LangGermanDub
	e.cat.set(info(1, "Eins", dub))
	if _, _, err := e.svc.Set(ctx, "show", Settings{Mode: ModeFuture, Languages: []string{"German Dub", "German Sub"}, FallbackDays: 14}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Refresh(ctx, "show"); err != nil { // baseline
		t.Fatal(err)
	}
	if got := e.q.take(); len(got) != 0 {
		t.Fatalf("future mode queued baseline episodes: %v", got)
	}
	e.clk.Add(time.Hour)
	e.cat.set(info(1, "Eins", dub), info(2, "Zwei", sub))
	res, err := e.svc.Refresh(ctx, "show")
	if err != nil || len(res.NewEpisodes) != 1 || res.NewEpisodes[0].Episode != 2 || len(res.Queued) != 0 {
		t.Fatalf("refresh = %+v, %v; want episode 2 found, nothing queued", res, err)
	}
	found := e.clk.Now()
	e.clk.Add(13*24*time.Hour + 23*time.Hour)
	if res, _ := e.svc.Refresh(ctx, "show"); len(res.Queued) != 0 {
		t.Fatalf("queued before 14 days: %+v", res.Queued)
	}
	e.clk.Add(found.Add(14 * 24 * time.Hour).Sub(e.clk.Now()))
	res, err = e.svc.Refresh(ctx, "show")
	if err != nil || len(res.Queued) != 1 || res.Queued[0].Language != sub || res.Queued[0].Episode != 2 {
		t.Fatalf("after 14 days: %+v, %v; want episode 2 in German Sub", res, err)
	}
	if got := e.q.take(); len(got) != 1 || got[0].Episode != 2 {
		t.Fatalf("enqueued %v", got)
	}
	if w := e.svc.WantedLanguages(ctx, "show", anime.EpisodeRef{Season: 1, Episode: 2}); len(w) != 2 || w[0] != dub || w[1] != sub {
		t.Fatalf("WantedLanguages = %v", w)
	}
	// Queued once: the next refresh does not queue it again.
	if res, _ := e.svc.Refresh(ctx, "show"); len(res.Queued) != 0 {
		t.Fatalf("queued twice: %+v", res.Queued)
	}
	var kinds []EventKind
	for _, ev := range e.events {
		if ev.Kind == EventFound {
			kinds = append(kinds, ev.Kind)
			if ev.Episode.Title != "Zwei" || ev.Series.Name != "Show show" {
				t.Fatalf("found event %+v", ev)
			}
		}
	}
	if len(kinds) != 1 {
		t.Fatalf("found events: %d, want 1", len(kinds))
	}
}

// TestUpgradeKeepsOldUntilComplete: with upgrade on, a Dub that appears
// after the Sub was downloaded is queued; the Sub file stays until the Dub
// download reports completion, then it is removed.
func TestUpgradeKeepsOldUntilComplete(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "up")
	dir := t.TempDir()
	sub, dub := anime.LangGermanSub, anime.LangGermanDub
	old := filepath.Join(dir, "Season 01", "Up - S01E01 - (German Sub).mp4")
	os.MkdirAll(filepath.Dir(old), 0o755)
	os.WriteFile(old, []byte("sub"), 0o644)
	if err := e.db.AddEpisodeFile(ctx, "up", store.EpisodeFile{Path: "Season 01/Up - S01E01 - (German Sub).mp4", Season: 1, Episode: 1, Language: sub}, true); err != nil {
		t.Fatal(err)
	}
	e.cat.set(info(1, "Eins", sub))
	if _, _, err := e.svc.Set(ctx, "up", Settings{Mode: ModeAll, Upgrade: true}); err != nil {
		t.Fatal(err)
	}
	if res, _ := e.svc.Refresh(ctx, "up"); len(res.Queued) != 0 {
		t.Fatalf("queued although on disk: %+v", res.Queued)
	}
	e.clk.Add(time.Hour)
	e.cat.set(info(1, "Eins", sub, dub))
	res, err := e.svc.Refresh(ctx, "up")
	if err != nil || res.NewLanguages != 1 || len(res.Queued) != 1 || !res.Queued[0].Upgrade || res.Queued[0].Language != dub {
		t.Fatalf("refresh = %+v, %v; want an upgrade to German Dub", res, err)
	}
	if _, err := os.Stat(old); err != nil {
		t.Fatal("old file removed before the new one is complete")
	}
	newFile := filepath.Join(dir, "Season 01", "Up - S01E01 - (German Dub).mp4")
	os.WriteFile(newFile, []byte("dub"), 0o644)
	if err := e.svc.Downloaded(ctx, "up", dir, anime.EpisodeRef{Season: 1, Episode: 1}, dub, newFile); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Fatalf("old file still there: %v", err)
	}
	if _, err := os.Stat(newFile); err != nil {
		t.Fatal(err)
	}
	h, _ := e.svc.History(ctx, time.Time{})
	kinds := map[string]int{}
	for _, x := range h {
		kinds[x.Kind]++
	}
	if kinds["language"] != 1 || kinds["queued"] != 1 || kinds["downloaded"] != 1 {
		t.Fatalf("history kinds %v", kinds)
	}
}

// TestRunDueSpreadsAndGaps: due series on one host are refreshed with the
// host gap between them; series not due or not monitored are left alone;
// a failing site is reported and retried at the next interval.
func TestRunDueSpreadsAndGaps(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "a", "b", "c", "quiet")
	e.cat.set(info(1, "Eins", anime.LangGermanDub))
	for _, k := range []string{"a", "b", "c"} {
		if _, _, err := e.svc.Set(ctx, k, Settings{Mode: ModeFuture}); err != nil {
			t.Fatal(err)
		}
	}
	up, _ := e.svc.Upcoming(ctx)
	if len(up) != 3 {
		t.Fatalf("upcoming %v", up)
	}
	for _, u := range up {
		if d := u.At.Sub(e.clk.Now()); d < 0 || d >= 5*time.Minute {
			t.Fatalf("first refresh of %s in %v, want within 5 minutes", u.Key, d)
		}
	}
	if n, _ := e.svc.RunDue(ctx); n != 0 {
		t.Fatalf("refreshed %d before due", n)
	}
	e.clk.Add(5 * time.Minute)
	n, err := e.svc.RunDue(ctx)
	if err != nil || n != 3 || e.cat.calls != 3 {
		t.Fatalf("RunDue = %d, %v, calls %d", n, err, e.cat.calls)
	}
	if len(e.slept) != 2 {
		t.Fatalf("slept %v, want two host gaps", e.slept)
	}
	if n, _ := e.svc.RunDue(ctx); n != 0 {
		t.Fatalf("refreshed again at once: %d", n)
	}
	e.cat.err = errors.New("site down")
	e.clk.Add(3*time.Hour/2 + time.Minute) // the step onto each series' phase is at most 1.5 intervals
	e.events = nil
	if n, _ := e.svc.RunDue(ctx); n != 3 {
		t.Fatalf("second round %d", n)
	}
	failed := 0
	for _, ev := range e.events {
		if ev.Kind == EventRefreshFailed {
			failed++
		}
	}
	_, st, _ := e.svc.Get(ctx, "a")
	if failed != 3 || st.LastError == "" || st.NextRefresh == nil || !st.NextRefresh.After(e.clk.Now()) {
		t.Fatalf("failed events %d, status %+v", failed, st)
	}
}

func TestSetValidatesAndBulk(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "a", "b")
	if _, _, err := e.svc.Set(ctx, "missing", Settings{Mode: ModeAll}); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("unknown series: %v", err)
	}
	if _, _, err := e.svc.Set(ctx, "a", Settings{Mode: "maybe"}); !errors.Is(err, anime.ErrInvalid) {
		t.Fatalf("bad mode: %v", err)
	}
	mode, langs := ModeAll, []string{"German Sub"}
	changed, failed, err := e.svc.Bulk(ctx, []string{"a", "b", "nope"}, Patch{Mode: &mode, Languages: &langs})
	if err != nil || len(changed) != 2 || failed["nope"] == "" {
		t.Fatalf("Bulk = %v %v %v", changed, failed, err)
	}
	s, _, _ := e.svc.Get(ctx, "b")
	if s.Mode != ModeAll || len(s.Languages) != 1 || s.Languages[0] != "German Sub" {
		t.Fatalf("b = %+v", s)
	}
	bad := []string{"Elvish"}
	if _, _, err := e.svc.Bulk(ctx, []string{"a"}, Patch{Languages: &bad}); !errors.Is(err, anime.ErrInvalid) {
		t.Fatalf("bad bulk: %v", err)
	}
}

// TestRunFollowsEnabled: the background loop refreshes nothing while
// switched off and picks due series up once switched on.
func TestRunFollowsEnabled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.InsertSeries(ctx, anime.Series{Key: "k", Name: "K", Site: "aniworld.to", Folder: "k"})
	cat := &fakeCatalog{}
	cat.set(info(1, "Eins", anime.LangGermanDub))
	var mu sync.Mutex
	on := false
	clk := &clock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	svc, _ := New(Options{Store: db, Catalog: cat, Enqueue: (&enqueued{}).add,
		Enabled: func() bool { mu.Lock(); defer mu.Unlock(); return on }, Now: clk.Now})
	svc.Set(ctx, "k", Settings{Mode: ModeAll})
	clk.Add(10 * time.Minute) // the first refresh is due
	done := make(chan error)
	go func() { done <- svc.Run(ctx, time.Millisecond) }()
	time.Sleep(30 * time.Millisecond)
	cat.mu.Lock()
	calls := cat.calls
	cat.mu.Unlock()
	if calls != 0 {
		t.Fatalf("refreshed %d times while switched off", calls)
	}
	mu.Lock()
	on = true
	mu.Unlock()
	svc.wake()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		cat.mu.Lock()
		calls = cat.calls
		cat.mu.Unlock()
		if calls > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("not refreshed after switching on")
		}
	}
	cancel()
	<-done
}

// TestActiveSeasons: a season is read fresh while one of its episodes is
// recent (ActiveWindow, or longer when the fallback waits longer).
func TestActiveSeasons(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "s")
	e.cat.set(info(1, "Eins", anime.LangGermanSub))
	e.svc.Set(ctx, "s", Settings{Mode: ModeAll, Languages: []string{"German Dub", "German Sub"}, FallbackDays: 40})
	steps := []struct {
		advance time.Duration
		want    bool
	}{
		{0, false},                  // nothing known yet: the adapter reads newest/movies fresh anyway
		{time.Hour, true},           // episode 1 was just seen
		{70 * 24 * time.Hour, true}, // 40 days × 2 languages = 80 days > ActiveWindow
		{11 * 24 * time.Hour, false},
	}
	for i, s := range steps {
		e.clk.Add(s.advance)
		if _, err := e.svc.Refresh(ctx, "s"); err != nil {
			t.Fatal(err)
		}
		if got := e.cat.active[len(e.cat.active)-1]; got != s.want {
			t.Fatalf("step %d: season 1 active = %v, want %v", i, got, s.want)
		}
	}
}

// TestFutureCountsFromMonitoringStart: episodes a manual refresh saw
// before the series became monitored are not "future" episodes.
func TestFutureCountsFromMonitoringStart(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "f")
	e.cat.set(info(1, "Eins", anime.LangGermanDub))
	e.svc.Refresh(ctx, "f") // not monitored: baseline
	e.clk.Add(time.Hour)
	e.cat.set(info(1, "Eins", anime.LangGermanDub), info(2, "Zwei", anime.LangGermanDub))
	if res, _ := e.svc.Refresh(ctx, "f"); len(res.NewEpisodes) != 1 || len(res.Queued) != 0 {
		t.Fatalf("unmonitored refresh: %+v", res)
	}
	e.clk.Add(time.Hour)
	e.svc.Set(ctx, "f", Settings{Mode: ModeFuture})
	e.clk.Add(time.Hour)
	e.cat.set(info(1, "Eins", anime.LangGermanDub), info(2, "Zwei", anime.LangGermanDub), info(3, "Drei", anime.LangGermanDub))
	res, err := e.svc.Refresh(ctx, "f")
	if err != nil || len(res.Queued) != 1 || res.Queued[0].Episode != 3 {
		t.Fatalf("future after monitoring began: %+v %v; want only episode 3", res, err)
	}
}

// TestEnqueueFailureIsNotRemembered: when the queue refuses, the episode
// is not marked queued, so the next refresh tries again; when it accepts,
// the queued language is stored before the queue sees the episode.
func TestEnqueueFailureIsNotRemembered(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "q")
	fail := true
	var wantedAtEnqueue []anime.Language
	e.svc.o.Enqueue = func(ctx context.Context, s anime.Series, eps []anime.EpisodeRef) error {
		if fail {
			return errors.New("queue closed")
		}
		wantedAtEnqueue = e.svc.WantedLanguages(ctx, s.Key, eps[0])
		return nil
	}
	e.cat.set(info(1, "Eins", anime.LangGermanSub))
	e.svc.Set(ctx, "q", Settings{Mode: ModeAll, Languages: []string{"German Dub", "German Sub", "English Sub"}})
	if _, err := e.svc.Refresh(ctx, "q"); err == nil {
		t.Fatal("enqueue error not reported")
	}
	fail = false
	res, err := e.svc.Refresh(ctx, "q")
	if err != nil || len(res.Queued) != 1 {
		t.Fatalf("second refresh: %+v %v", res, err)
	}
	if len(wantedAtEnqueue) != 2 || wantedAtEnqueue[1] != anime.LangGermanSub {
		t.Fatalf("resolver languages while queueing: %v", wantedAtEnqueue)
	}
}
