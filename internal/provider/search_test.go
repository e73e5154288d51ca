package provider

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// searchSite is a site whose search answers what its test says: results,
// an error, or, when silent, nothing until cancelled.
type searchSite struct {
	stubProvider
	name    string
	res     []string
	err     error
	silent  bool
	after   <-chan struct{} // when set, the answer waits for it
	stopped chan error      // a silent site's ctx.Err() once cancelled
}

func (s *searchSite) Site() string { return s.name }
func (s *searchSite) Search(ctx context.Context, q string) ([]SearchResult, error) {
	if s.silent {
		<-ctx.Done()
		s.stopped <- ctx.Err()
		return nil, ctx.Err()
	}
	if s.after != nil {
		<-s.after
	}
	var out []SearchResult
	for _, k := range s.res {
		out = append(out, SearchResult{Key: k, Site: s.name})
	}
	return out, s.err
}

// fired is a patience timer that has already run out.
func fired(time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	c <- time.Time{}
	return c
}

// never is a patience timer that does not run out.
func never(time.Duration) <-chan time.Time { return nil }

// TestRegistrySearch: results side by side in registration order; a
// failing site, or a silent one once another has results, is left out;
// with no result at all, the failures are the answer. The patience timer
// is injected: it fires at once where a site is silent, never elsewhere,
// so no case depends on timing.
func TestRegistrySearch(t *testing.T) {
	down := errors.New("challenge")
	tests := []struct {
		name    string
		a, b    searchSite
		want    []string
		wantErr error
	}{
		{"both answer", searchSite{res: []string{"a1", "a2"}}, searchSite{res: []string{"b1"}}, []string{"a1", "a2", "b1"}, nil},
		{"first fails", searchSite{err: down}, searchSite{res: []string{"b1"}}, []string{"b1"}, nil},
		{"both fail", searchSite{err: down}, searchSite{err: errors.New("timeout")}, nil, down},
		{"nothing found, no failure", searchSite{}, searchSite{}, []string{}, nil},
		{"second silent", searchSite{res: []string{"a1"}}, searchSite{silent: true}, []string{"a1"}, nil},
		{"first silent", searchSite{silent: true}, searchSite{res: []string{"b1"}}, []string{"b1"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := tc.a, tc.b
			a.name, b.name = "a.to", "b.to"
			a.stopped, b.stopped = make(chan error, 1), make(chan error, 1)
			r := NewRegistry(&a, &b)
			r.after = never // every site that answers is waited for
			if a.silent || b.silent {
				r.after = fired
			}
			res, err := r.Search(t.Context(), "q", nil)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || res != nil {
					t.Fatalf("%v, %v; want %v", res, err, tc.wantErr)
				}
				return
			}
			keys := []string{}
			for _, x := range res {
				keys = append(keys, x.Key)
			}
			if err != nil || !slices.Equal(keys, tc.want) {
				t.Fatalf("%v, %v; want %v", keys, err, tc.want)
			}
			for _, s := range []*searchSite{&a, &b} {
				if s.silent {
					if got := <-s.stopped; !errors.Is(got, context.Canceled) {
						t.Fatalf("the silent site was not stopped: %v", got)
					}
				}
			}
		})
	}
}

// TestRegistrySearchWaitsWithoutResults: patience starts only with
// results; a site that found nothing does not cut a slower one short.
func TestRegistrySearchWaitsWithoutResults(t *testing.T) {
	emptyDone := make(chan struct{})
	a := &searchSite{name: "a.to"}
	b := &searchSite{name: "b.to", res: []string{"b1"}, after: emptyDone}
	r := NewRegistry(&emptyFirst{a, emptyDone}, b)
	r.after = fired
	res, err := r.Search(t.Context(), "q", nil)
	if err != nil || len(res) != 1 || res[0].Key != "b1" {
		t.Fatalf("%v, %v; want b1", res, err)
	}
}

// emptyFirst answers its site's (empty) results, then lets the other go.
type emptyFirst struct {
	*searchSite
	done chan struct{}
}

func (e *emptyFirst) Search(ctx context.Context, q string) ([]SearchResult, error) {
	defer close(e.done)
	return e.searchSite.Search(ctx, q)
}
