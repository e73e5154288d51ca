package queue

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// TestRunItems: the named items run to their end while the queue is
// stopped; a failed try is retried after its backoff; other pending items
// and the stored queue state are left alone; done sees each final item.
func TestRunItems(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "", nil) // MaxRetries 2
	ids := e.add("aot", "", "S01E01", "S01E02", "S01E03")
	other := e.add("naruto", "", "S01E01")[0]
	e.res.fn = func(req ResolveRequest, _ int) (anime.Stream, []Attempt, error) {
		if req.Episode.Episode == 3 {
			return anime.Stream{}, nil, fmt.Errorf("episode page: %w", anime.ErrNotFound)
		}
		return stream("VOE", req), nil, nil
	}
	e.dl.fail = func(s anime.Stream, call int) error {
		if call == 1 {
			return errors.New("connection reset") // S01E01's first try
		}
		return nil
	}
	var done []Item
	if err := e.q.RunItems(ctx, []string{ids[0], ids[2], ids[1]}, func(it Item) { done = append(done, it) }); err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(done))
	for i, it := range done {
		got[i] = it.ID + "=" + string(it.Status)
	}
	want := []string{ids[0] + "=completed", ids[2] + "=failed", ids[1] + "=completed"}
	if !slices.Equal(got, want) {
		t.Fatalf("done %v, want %v", got, want)
	}
	if done[0].RetryCount != 1 || done[0].FilePath == "" || done[1].Error == nil {
		t.Fatalf("items %+v", done)
	}
	if e.statusOf(other) != anime.StatusPending {
		t.Fatalf("an item not asked for ran: %s", e.statusOf(other))
	}
	if running, _ := e.q.State(); running {
		t.Fatal("RunItems started the queue")
	}
	if _, marked := e.lib.calls(); len(marked) != 2 {
		t.Fatalf("library recorded %d files, want 2", len(marked))
	}
	// A finished item is handed back as it is; Run beside RunItems is refused.
	done = nil
	if err := e.q.RunItems(ctx, ids[:1], func(it Item) { done = append(done, it) }); err != nil || len(done) != 1 || done[0].Status != anime.StatusCompleted {
		t.Fatalf("again: %v %+v", err, done)
	}
	e.q.runGuard.Lock()
	err := e.q.RunItems(ctx, ids[:1], nil)
	e.q.runGuard.Unlock()
	if !errors.Is(err, anime.ErrConflict) {
		t.Fatalf("beside Run: %v", err)
	}
}

// TestRunItemsCancelled: when ctx ends mid-download, the item goes back
// to pending (resumable) and RunItems answers the context's error.
func TestRunItemsCancelled(t *testing.T) {
	e := newEnv(t, "", nil)
	e.dl.gate = make(chan struct{})
	e.dl.started = make(chan string, 1)
	id := e.add("aot", "", "S01E01")[0]
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- e.q.RunItems(ctx, []string{id}, nil) }()
	<-e.dl.started
	cancel()
	if err := <-res; !errors.Is(err, context.Canceled) {
		t.Fatalf("RunItems: %v", err)
	}
	if it := e.item(id); it.Status != anime.StatusPending || it.RetryCount != 0 {
		t.Fatalf("item %s after %d retries", it.Status, it.RetryCount)
	}
}

// missingList is a MissingLister over a fixed list.
type missingList []struct {
	series anime.Series
	eps    []anime.EpisodeRef
}

func (m missingList) EachMissing(ctx context.Context, fn func(anime.Series, []anime.EpisodeRef) error) error {
	for _, x := range m {
		if err := fn(x.series, x.eps); err != nil {
			return err
		}
	}
	return nil
}

func TestAddMissing(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "", nil)
	list := missingList{
		{anime.Series{Key: "aot", Name: "Attack on Titan", Folder: "Attack on Titan (2013)"}, []anime.EpisodeRef{{Season: 1, Episode: 1}, {Season: 2, Episode: 5}}},
		{anime.Series{Key: "naruto", Name: "Naruto", Folder: "Naruto"}, []anime.EpisodeRef{{Season: 0, Episode: 1}}},
	}
	n, err := e.q.AddMissing(ctx, list)
	if err != nil || n != 3 {
		t.Fatalf("added %d, %v", n, err)
	}
	st := e.status()
	if len(st.Status.PendingQueue) != 3 {
		t.Fatalf("pending %d", len(st.Status.PendingQueue))
	}
	first := st.Status.PendingQueue[0]
	if first.SerieID != "aot" || first.SerieFolder != "Attack on Titan (2013)" || first.SerieName != "Attack on Titan" ||
		first.Priority != anime.PriorityNormal || first.Episode.Season != 1 {
		t.Fatalf("first item %+v", first)
	}
	// Running again adds nothing: the queue refuses duplicates.
	if n, err := e.q.AddMissing(ctx, list); err != nil || n != 0 {
		t.Fatalf("second run added %d, %v", n, err)
	}
	// A series the queue refuses stops the run with its key in the error.
	bad := missingList{{anime.Series{Key: ""}, []anime.EpisodeRef{{Season: 1, Episode: 1}}}}
	if _, err := e.q.AddMissing(ctx, bad); !errors.Is(err, anime.ErrInvalid) {
		t.Fatalf("refused series: %v", err)
	}
}
