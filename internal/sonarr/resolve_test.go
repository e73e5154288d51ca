package sonarr

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/metadata/tmdb"
	"github.com/aniworld/aniworld/internal/monitor"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/store"
)

// sitesLib is a Library whose search answers from a fixed list by
// substring, like the sites do.
type sitesLib struct {
	series   []library.Candidate
	searches []string
}

func (l *sitesLib) Search(_ context.Context, q string) ([]library.Candidate, error) {
	l.searches = append(l.searches, q)
	var out []library.Candidate
	for _, c := range l.series {
		if strings.Contains(strings.ToLower(c.Name), strings.ToLower(q)) {
			out = append(out, c)
		}
	}
	return out, nil
}
func (l *sitesLib) Episodes(context.Context, string, string) (map[int][]int, error) {
	return map[int][]int{1: {1, 2}}, nil
}
func (l *sitesLib) Add(context.Context, string, string) (library.AddResult, error) {
	return library.AddResult{}, errors.New("not in this test")
}
func (l *sitesLib) SeriesDir(_ context.Context, key string) (anime.Series, string, error) {
	return anime.Series{}, "", fmt.Errorf("%s: %w", key, anime.ErrNotFound)
}
func (l *sitesLib) Directory() string                    { return "/anime" }
func (l *sitesLib) Remove(context.Context, string) error { return nil }

type noMonitor struct{}

func (noMonitor) Get(context.Context, string) (monitor.Settings, monitor.RefreshState, error) {
	return monitor.Default(), monitor.RefreshState{}, nil
}
func (noMonitor) Set(_ context.Context, _ string, s monitor.Settings) (monitor.Settings, monitor.RefreshState, error) {
	return s, monitor.RefreshState{}, nil
}
func (noMonitor) Refresh(context.Context, string) (monitor.RefreshResult, error) {
	return monitor.RefreshResult{}, nil
}

type idleQueue struct{}

func (idleQueue) Status(context.Context) (queue.QueueStatus, error) { return queue.QueueStatus{}, nil }
func (idleQueue) State() (bool, bool)                               { return true, false }
func (idleQueue) Start(context.Context) error                       { return nil }
func (idleQueue) Remove(context.Context, string) error              { return nil }

type fixedKey string

func (k fixedKey) Get() (string, error)    { return string(k), nil }
func (k fixedKey) Rotate() (string, error) { return string(k), nil }
func (k fixedKey) Check(s string) bool     { return s == string(k) }

func newTestService(t *testing.T, lib Library, find Finder) *Service {
	t.Helper()
	db, err := store.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := New(Options{Store: db, Library: lib, Monitor: noMonitor{}, Queue: idleQueue{}, Keys: fixedKey("k"), Find: find})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestResolveTVDB(t *testing.T) {
	frieren := library.Candidate{Key: "frieren", Name: "Frieren: Nach dem Ende der Reise", Site: "aniworld.to", Link: "/anime/stream/frieren"}
	show := tmdb.SearchResult{ID: 1, Name: "Frieren: Nach dem Ende der Reise", OriginalName: "Sousou no Frieren", FirstAirDate: "2023-09-29"}
	finds := func(r ...tmdb.SearchResult) Finder {
		return func(context.Context, int) ([]tmdb.SearchResult, error) { return r, nil }
	}
	noKey := func(context.Context, int) ([]tmdb.SearchResult, error) {
		return nil, fmt.Errorf("%w: no TMDB key", anime.ErrUnavailable)
	}
	for _, tc := range []struct {
		name    string
		sites   []library.Candidate
		find    Finder
		hint    string
		wantKey string
		wantErr string
	}{
		{name: "german title", sites: []library.Candidate{frieren}, find: finds(show), wantKey: "frieren"},
		{name: "original title only", sites: []library.Candidate{{Key: "sousou", Name: "Sousou no Frieren", Site: "s.to"}}, find: finds(show), wantKey: "sousou"},
		{name: "two sites agree", sites: []library.Candidate{frieren, {Key: "frieren", Name: "Sousou no Frieren", Site: "aniworld.to"}}, find: finds(show), wantKey: "frieren"},
		{name: "titles disagree", sites: []library.Candidate{frieren, {Key: "other", Name: "Sousou no Frieren", Site: "s.to"}}, find: finds(show), wantErr: "ambiguous"},
		{name: "same title twice", sites: []library.Candidate{frieren, {Key: "frieren-2", Name: frieren.Name, Site: "s.to"}}, find: finds(show), wantErr: "ambiguous"},
		{name: "the year decides", sites: []library.Candidate{{Key: "old", Name: "Hunter x Hunter", Year: 1999}, {Key: "new", Name: "Hunter x Hunter", Year: 2011}},
			find: finds(tmdb.SearchResult{Name: "Hunter x Hunter", FirstAirDate: "2011-10-02"}), wantKey: "new"},
		{name: "only a longer title on the site", sites: []library.Candidate{{Key: "f2", Name: "Frieren: Nach dem Ende der Reise 2"}}, find: finds(show), wantErr: "no search result has this title"},
		{name: "nothing on the sites", find: finds(show), wantErr: "no search results"},
		{name: "tmdb does not know the id", sites: []library.Candidate{frieren}, find: finds(), wantErr: "tmdb knows no show"},
		{name: "no tmdb key, no title", sites: []library.Candidate{frieren}, find: noKey, wantErr: "no TMDB key"},
		{name: "no tmdb key, Seerr's title", sites: []library.Candidate{frieren}, find: noKey, hint: "Frieren: Nach dem Ende der Reise", wantKey: "frieren"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestService(t, &sitesLib{series: tc.sites}, tc.find)
			m, err := s.resolveTVDB(t.Context(), 424536, tc.hint)
			if tc.wantErr != "" {
				if !errors.Is(err, errNoMatch) || !errors.Is(err, anime.ErrNotFound) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want errNoMatch with %q (match %+v)", err, tc.wantErr, m)
				}
				return
			}
			if err != nil || m.Candidate.Key != tc.wantKey || m.TVDBID != 424536 {
				t.Fatalf("match = %+v, %v; want %s", m, err, tc.wantKey)
			}
		})
	}
}

// TestLookupRecordsUnmatched: a TVDB lookup nothing fits answers [] and
// is listed for a person, with TMDB's title and year.
func TestLookupRecordsUnmatched(t *testing.T) {
	s := newTestService(t, &sitesLib{}, func(context.Context, int) ([]tmdb.SearchResult, error) {
		return []tmdb.SearchResult{{Name: "Nirgendwo", FirstAirDate: "2021-01-01"}}, nil
	})
	got, err := s.Lookup(t.Context(), Term{Kind: TermTVDB, ID: 42})
	if err != nil || len(got) != 0 {
		t.Fatalf("lookup = %+v, %v", got, err)
	}
	ov, err := s.Overview(t.Context())
	if err != nil || len(ov.Unmatched) != 1 || ov.Unmatched[0].TVDBID != 42 || ov.Unmatched[0].Title != "Nirgendwo" ||
		ov.Unmatched[0].Year != 2021 || ov.Unmatched[0].Requested || ov.APIKeyMasked != "•" {
		t.Fatalf("overview = %+v, %v", ov, err)
	}
}
