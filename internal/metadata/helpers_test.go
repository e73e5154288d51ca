package metadata

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	faketmdb "github.com/aniworld/aniworld/internal/fake/tmdb"
	"github.com/aniworld/aniworld/internal/metadata/tmdb"
)

// library is an in-memory SeriesLookup + TMDBIDs over folders in a temp dir.
type library struct {
	root string
	mu   sync.Mutex
	byID map[string]anime.Series
	dirs map[string]string
	set  map[string]int
}

func newLibrary(t *testing.T) *library {
	return &library{root: t.TempDir(), byID: map[string]anime.Series{}, dirs: map[string]string{}, set: map[string]int{}}
}

func (l *library) add(t *testing.T, s anime.Series) string {
	t.Helper()
	dir := filepath.Join(l.root, s.Folder)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byID[s.Key], l.dirs[s.Key] = s, dir
	return dir
}

func (l *library) Series(_ context.Context, key string) (anime.Series, string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.byID[key]
	if !ok {
		return anime.Series{}, "", fmt.Errorf("%w: no series %q", anime.ErrNotFound, key)
	}
	return s, l.dirs[key], nil
}

func (l *library) List(context.Context) ([]Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	keys := make([]string, 0, len(l.byID))
	for k := range l.byID {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []Entry
	for _, k := range keys {
		out = append(out, Entry{Series: l.byID[k], Dir: l.dirs[k]})
	}
	return out, nil
}

func (l *library) SetTMDBID(_ context.Context, key string, id int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.byID[key]
	s.TMDBID = id
	l.byID[key] = s
	l.set[key] = id
	return nil
}

func (l *library) forget(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.byID[key]
	s.TMDBID = 0
	l.byID[key] = s
}

func (l *library) remembered(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.set[key]
}

type env struct {
	fake *faketmdb.Server
	lib  *library
	svc  *Service
}

type envOpts struct {
	fake  faketmdb.Options
	shows []faketmdb.Show
	svc   Options
}

func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	o.fake.APIKey = "key"
	fake := faketmdb.New(o.fake, o.shows...)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	c, err := tmdb.New(tmdb.Options{APIURL: srv.URL + "/3", ImageURL: srv.URL + "/t/p", APIKey: "key",
		Language: "de-DE", HTTP: srv.Client(), RetryBase: time.Millisecond,
		Wait: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	lib := newLibrary(t)
	o.svc.TMDB, o.svc.Series, o.svc.IDs, o.svc.Language = c, lib, lib, "de-DE"
	svc, err := New(o.svc)
	if err != nil {
		t.Fatal(err)
	}
	return &env{fake: fake, lib: lib, svc: svc}
}

// files lists every entry of dir by name (temp files included).
func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func showSeries() anime.Series {
	return anime.Series{Key: "show", Name: "Show", Folder: "Show (2019)", Site: "aniworld.to"}
}

func batchShows(n int) []faketmdb.Show {
	var out []faketmdb.Show
	for i := 1; i <= n; i++ {
		s := faketmdb.DefaultShow()
		s.ID = 1000 + i
		s.Name = fmt.Sprintf("Batch Series %02d", i)
		s.OriginalName = s.Name
		out = append(out, s)
	}
	return out
}

func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithCancel(t.Context())
}
