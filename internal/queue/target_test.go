package queue

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/store"
)

// TestFinalNameFromTheFinishedFile: the finished file gets the name the
// library gives it for what the file holds, in the target's language; the
// item and the library record that file.
func TestFinalNameFromTheFinishedFile(t *testing.T) {
	type call struct {
		ep     anime.EpisodeRef
		lang   anime.Language
		target anime.Target
		media  anime.MediaInfo
	}
	var got []call
	var mu sync.Mutex
	e := newEnv(t, "", nil)
	e.dl.media = anime.MediaInfo{Width: 1280, Height: 720, VideoCodec: "hevc"}
	e.lib.final = func(key string, ep anime.EpisodeRef, lang anime.Language, tg anime.Target, m anime.MediaInfo, ext string) anime.Target {
		mu.Lock()
		got = append(got, call{ep, lang, tg, m})
		mu.Unlock()
		rel := "Demo/" + ep.String() + " " + m.VideoCodec + " " + lang.String() + ext
		return anime.Target{Rel: rel, Abs: filepath.Join(e.lib.root, filepath.FromSlash(rel))}
	}
	e.res.fn = func(req ResolveRequest, _ int) (anime.Stream, []Attempt, error) {
		s := stream("VOE", req)
		s.Lang = anime.LangGermanSub
		return s, nil, nil
	}
	id := e.add("demo", "", "S01E02")[0]
	if err := e.q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.run()
	e.waitCompleted(t, id)
	it := e.item(id)
	want := anime.Target{Rel: "Demo/S01E02 hevc German Sub.mp4", Abs: filepath.Join(e.lib.root, "Demo", "S01E02 hevc German Sub.mp4")}
	if it.FilePath != want.Abs {
		t.Fatalf("file path %q; want %q", it.FilePath, want.Abs)
	}
	if _, err := os.Stat(want.Abs); err != nil {
		t.Fatal(err)
	}
	named, marked := e.lib.calls()
	mu.Lock()
	defer mu.Unlock()
	if len(named) != 1 || len(got) != 1 || got[0].target != named[0] || got[0].lang != anime.LangGermanSub ||
		got[0].ep != (anime.EpisodeRef{Season: 1, Episode: 2}) || got[0].media != e.dl.media {
		t.Fatalf("FinalTarget saw %+v; targets named %v", got, named)
	}
	if len(marked) != 1 || marked[0] != want {
		t.Fatalf("library recorded %v, want %v", marked, want)
	}
}

// TestTargetStoredOnce: the target is named once and stored on the item.
// A naming change after the first try (a new template) does not move the
// download: the retry resumes the same .part at the stored target.
func TestTargetStoredOnce(t *testing.T) {
	e := newEnv(t, "", nil)
	e.dl.fail = func(_ anime.Stream, call int) error {
		if call == 1 {
			return errors.New("connection reset")
		}
		return nil
	}
	e.dl.during = func() {
		if e.dl.callCount() == 1 {
			e.lib.rename() // the template changes while the first try runs
		}
	}
	id := e.add("aot", "", "S01E01")[0]
	if err := e.q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.run()
	e.waitCompleted(t, id)
	named, marked := e.lib.calls()
	if len(named) != 1 {
		t.Fatalf("target named %d times: %v", len(named), named)
	}
	it := e.item(id)
	if it.FilePath != named[0].Abs || it.RetryCount != 1 {
		t.Fatalf("completed at %q after %d retries; want the stored target %q", it.FilePath, it.RetryCount, named[0].Abs)
	}
	if got := e.dl.resumedFrom(named[0].Abs); got != int64(e.dl.size/2) {
		t.Fatalf("second try resumed from %d bytes, want %d", got, e.dl.size/2)
	}
	if len(marked) != 1 || marked[0] != named[0] {
		t.Fatalf("library recorded %v", marked)
	}
	row, err := e.db.QueueGet(context.Background(), id)
	if err != nil || row.TargetRel != named[0].Rel || row.TargetPath != named[0].Abs {
		t.Fatalf("stored target %q %q, want %+v (%v)", row.TargetRel, row.TargetPath, named[0], err)
	}
}

// TestTargetForOldRows: an item stored before targets were (target_path
// set, no target_rel) gets its target named once more; its old partial
// data is dropped when the name moved.
func TestTargetForOldRows(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "", nil)
	id := e.add("aot", "", "S01E01")[0]
	old := filepath.Join(e.lib.root, "old name.mp4")
	os.MkdirAll(filepath.Dir(old), 0o755)
	os.WriteFile(old+".part", []byte("stale"), 0o644)
	now := e.q.now()
	if _, err := e.db.QueueClaimID(ctx, id, now); err != nil {
		t.Fatal(err)
	}
	if err := e.db.QueueSetStream(ctx, id, "VOE", anime.LangGermanDub, "http://x", old, "", now); err != nil {
		t.Fatal(err)
	}
	if err := e.db.QueueFinish(ctx, id, store.QueueFinish{Status: anime.StatusPending, BytesDownloaded: 5}, now); err != nil {
		t.Fatal(err)
	}
	if err := e.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.run()
	e.waitCompleted(t, id)
	named, _ := e.lib.calls()
	if len(named) != 1 || e.item(id).FilePath != named[0].Abs {
		t.Fatalf("named %v, file %q", named, e.item(id).FilePath)
	}
	if _, err := os.Stat(old + ".part"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stale partial data at the old name: %v", err)
	}
	if row, _ := e.db.QueueGet(ctx, id); row.TargetRel != named[0].Rel {
		t.Fatalf("target_rel %q", row.TargetRel)
	}
}

// TestMarkDownloadedFailureKeepsCompleted: the library refusing the file
// is logged; the item stays completed and the hooks still run.
func TestMarkDownloadedFailureKeepsCompleted(t *testing.T) {
	hooked := make(chan string, 1)
	e := newEnv(t, "", func(o *Options) {
		o.OnComplete = []Hook{func(_ context.Context, it Item) error { hooked <- it.ID; return nil }}
	})
	e.lib.markErr = errors.New("disk gone")
	id := e.add("aot", "", "S01E01")[0]
	e.q.Start(context.Background())
	e.run()
	e.pub.waitFor(t, "completed", func() bool { return e.statusOf(id) == anime.StatusCompleted })
	if got := <-hooked; got != id {
		t.Fatalf("hook saw %s", got)
	}
}

// TestLibraryToldBeforeCompleted: while the library records the file, the
// item is not yet completed, so a client that sees it completed (queue
// status, Seerr's /queue then /series) finds the episode in the library.
func TestLibraryToldBeforeCompleted(t *testing.T) {
	e := newEnv(t, "", nil)
	e.lib.marking, e.lib.release = make(chan anime.Target), make(chan struct{})
	id := e.add("aot", "", "S01E01")[0]
	e.q.Start(context.Background())
	e.run()
	released := sync.OnceFunc(func() { close(e.lib.release) })
	t.Cleanup(released)     // before the queue stops: a failing test must not leave the call held
	file := <-e.lib.marking // the call holds until release
	if got := e.statusOf(id); got == anime.StatusCompleted {
		t.Fatalf("item completed before the library was told about %s", file.Abs)
	}
	released()
	e.waitCompleted(t, id)
	if _, marked := e.lib.calls(); len(marked) != 1 || marked[0] != file || e.item(id).FilePath != file.Abs {
		t.Fatalf("marked %v, item file %q", marked, e.item(id).FilePath)
	}
}
