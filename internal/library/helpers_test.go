package library

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/store"
)

// fakeCatalog is an in-memory Catalog. block, when set, makes Episodes wait
// for it to close (or ctx to end) after signalling entered.
type fakeCatalog struct {
	mu         sync.Mutex
	series     map[string]Candidate     // key -> details
	episodes   map[string]map[int][]int // key -> season -> episodes
	searches   map[string][]Candidate   // query -> results
	searchErr  map[string]error
	episodeErr map[string]error
	calls      map[string]int
	block      chan struct{}
	blockKey   string // when set, only this key's Episodes blocks
	entered    chan struct{}
	enterOnce  sync.Once
	// titlesDE and titlesEN are EpisodeList's titles by "<key> <season>x<episode>".
	titlesDE, titlesEN map[string]string
}

func newFakeCatalog() *fakeCatalog {
	return &fakeCatalog{series: map[string]Candidate{}, episodes: map[string]map[int][]int{},
		searches: map[string][]Candidate{}, searchErr: map[string]error{}, episodeErr: map[string]error{}, calls: map[string]int{},
		titlesDE: map[string]string{}, titlesEN: map[string]string{}}
}

func (c *fakeCatalog) add(key, name string, year int, eps map[int][]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.series[key] = Candidate{Key: key, Name: name, Site: SiteAniworld, Link: "https://aniworld.to/anime/stream/" + key, Year: year,
		Description: "About " + name}
	c.episodes[key] = eps
}

func (c *fakeCatalog) Search(ctx context.Context, q string) ([]Candidate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls["search:"+q]++
	if err := c.searchErr[q]; err != nil {
		return nil, err
	}
	return slices.Clone(c.searches[q]), nil
}

func (c *fakeCatalog) Series(ctx context.Context, site, key string) (Candidate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.series[key]
	if !ok {
		return Candidate{}, fmt.Errorf("series %s: not on the site", key)
	}
	return s, nil
}

func (c *fakeCatalog) Episodes(ctx context.Context, site, key string) (map[int][]int, error) {
	if c.block != nil && (c.blockKey == "" || c.blockKey == key) {
		c.enterOnce.Do(func() { close(c.entered) })
		select {
		case <-c.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls["episodes:"+key]++
	if err := c.episodeErr[key]; err != nil {
		return nil, err
	}
	eps, ok := c.episodes[key]
	if !ok {
		return nil, fmt.Errorf("series %s: not on the site", key)
	}
	return eps, nil
}

// EpisodeList is Episodes with titles: "<key> <season>x<episode>" in
// German, plus English titles set with titleEN.
func (c *fakeCatalog) EpisodeList(ctx context.Context, site, key string) ([]EpisodeInfo, error) {
	eps, err := c.Episodes(ctx, site, key)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []EpisodeInfo
	for season, nums := range eps {
		for _, n := range nums {
			out = append(out, EpisodeInfo{Season: season, Episode: n, TitleDE: c.titlesDE[fmt.Sprintf("%s %dx%d", key, season, n)],
				TitleEN: c.titlesEN[fmt.Sprintf("%s %dx%d", key, season, n)]})
		}
	}
	return out, nil
}

type testEnv struct {
	svc *Service
	db  *store.DB
	cat *fakeCatalog
	rec *event.Recorder
	dir string
}

func newEnv(t *testing.T, mod func(*Options)) *testEnv {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	env := &testEnv{db: db, cat: newFakeCatalog(), rec: &event.Recorder{}, dir: t.TempDir()}
	opts := Options{AnimeDir: env.dir, Catalog: env.cat, Publisher: env.rec, Store: db, Workers: 4}
	if mod != nil {
		mod(&opts)
	}
	svc, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	env.svc = svc
	return env
}

// touch creates an empty file (and its folders) under the library.
func (e *testEnv) touch(t *testing.T, rel string) {
	t.Helper()
	p := filepath.Join(e.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (e *testEnv) marker(t *testing.T, folder, key, name string, year int) {
	t.Helper()
	dir := filepath.Join(e.dir, folder)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarker(dir, Marker{Key: key, Site: SiteAniworld, Name: name, Year: year}); err != nil {
		t.Fatal(err)
	}
}

func (e *testEnv) scan(t *testing.T) ScanSummary {
	t.Helper()
	sum, err := e.svc.Scan(context.Background(), nil)
	if err != nil {
		t.Fatalf("scan: %v (%+v)", err, sum)
	}
	return sum
}

// checkConsistent verifies the denormalised columns agree with the rows.
func checkConsistent(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	var bad int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM series s WHERE episode_count <>
		(SELECT COUNT(*) FROM (SELECT DISTINCT season, episode FROM series_episodes e WHERE e.series_id = s.id))`).Scan(&bad)
	if err != nil || bad != 0 {
		t.Fatalf("series with wrong episode_count: %d, %v", bad, err)
	}
	recs, _, err := db.ListSeries(ctx, store.SeriesQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Missing.Count() != r.MissingCount {
			t.Fatalf("%s: missing_count %d but map has %d", r.Series.Key, r.MissingCount, r.Missing.Count())
		}
	}
}
