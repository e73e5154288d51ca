package queue

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/store"
)

// fakeResolver answers every episode with a stream from hoster "VOE"
// unless fn says otherwise; it records every request.
type fakeResolver struct {
	mu   sync.Mutex
	reqs []ResolveRequest
	fn   func(req ResolveRequest, call int) (anime.Stream, []Attempt, error)
}

func (r *fakeResolver) Resolve(ctx context.Context, req ResolveRequest) (anime.Stream, []Attempt, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	n := len(r.reqs)
	fn := r.fn
	r.mu.Unlock()
	if fn != nil {
		return fn(req, n)
	}
	return stream("VOE", req), []Attempt{{Hoster: "VOE", Language: anime.LangGermanDub, OK: true}}, nil
}

func (r *fakeResolver) requests() []ResolveRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ResolveRequest(nil), r.reqs...)
}

func stream(hoster string, req ResolveRequest) anime.Stream {
	return anime.Stream{URL: fmt.Sprintf("http://media.test/%s/%s/%s", hoster, req.SerieID, req.Episode),
		Kind: anime.StreamMP4, Hoster: hoster, Lang: anime.LangGermanDub}
}

// content is the deterministic body of a stream URL.
func content(url string, size int) []byte {
	return bytes.Repeat([]byte(url+"|"), size/(len(url)+1)+1)[:size]
}

// fakeDownloader writes content(url) to <target>.part in two halves,
// resuming an existing .part, then renames it into place. gate, when set,
// holds every download after its first half until the gate closes or the
// download is cancelled. fail decides a download's error.
type fakeDownloader struct {
	size    int
	gate    chan struct{}
	started chan string // receives each target once its first half is written
	fail    func(s anime.Stream, call int) error
	// during runs inside Download after the first half (tests advance a clock)
	during func()
	// warnings are reported with every successful download.
	warnings []string
	// media is what the finished files hold (for the final name).
	media anime.MediaInfo

	mu       sync.Mutex
	calls    int
	order    []string // stream URLs in start order
	cleanups []string
	resumed  map[string]int64 // target -> bytes found in .part at start
}

// Download runs fetch, renames the file to the name name gives it for
// the configured media, and reports the configured warnings on success.
func (d *fakeDownloader) Download(ctx context.Context, s anime.Stream, target string, progress ProgressFunc, name NameFunc) (Downloaded, error) {
	path, err := d.fetch(ctx, s, target, progress)
	if err != nil {
		return Downloaded{}, err
	}
	d.mu.Lock()
	media, warnings := d.media, d.warnings
	d.mu.Unlock()
	if name != nil {
		final, err := name(media, filepath.Ext(path))
		if err != nil {
			return Downloaded{}, err
		}
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			return Downloaded{}, err
		}
		if err := os.Rename(path, final); err != nil {
			return Downloaded{}, err
		}
		path = final
	}
	return Downloaded{Path: path, Warnings: warnings}, nil
}

func (d *fakeDownloader) fetch(ctx context.Context, s anime.Stream, target string, progress ProgressFunc) (string, error) {
	d.mu.Lock()
	d.calls++
	call := d.calls
	d.order = append(d.order, s.URL)
	if d.resumed == nil {
		d.resumed = map[string]int64{}
	}
	fail, during, gate, started := d.fail, d.during, d.gate, d.started
	d.mu.Unlock()
	body := content(s.URL, d.size)
	part := target + ".part"
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return "", err
	}
	have := int64(0)
	if st, err := os.Stat(part); err == nil {
		have = st.Size()
		d.mu.Lock()
		d.resumed[target] = have
		d.mu.Unlock()
	}
	f, err := os.OpenFile(part, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return "", err
	}
	defer f.Close()
	half := int64(len(body) / 2)
	if have < half {
		if _, err := f.Write(body[have:half]); err != nil {
			return "", err
		}
		have = half
	}
	progress(have, int64(len(body)))
	if during != nil {
		during()
	}
	if started != nil {
		started <- target
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return "", fmt.Errorf("transfer: %w", ctx.Err())
		}
	}
	if fail != nil {
		if err := fail(s, call); err != nil {
			return "", err
		}
	}
	if _, err := f.Write(body[have:]); err != nil {
		return "", err
	}
	progress(int64(len(body)), int64(len(body)))
	if err := f.Close(); err != nil {
		return "", err
	}
	return target, os.Rename(part, target)
}

func (d *fakeDownloader) Cleanup(target string) error {
	d.mu.Lock()
	d.cleanups = append(d.cleanups, target)
	d.mu.Unlock()
	if err := os.Remove(target + ".part"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// set changes the downloader's behaviour between downloads.
func (d *fakeDownloader) set(fn func(d *fakeDownloader)) {
	d.mu.Lock()
	fn(d)
	d.mu.Unlock()
}

func (d *fakeDownloader) callCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls
}

func (d *fakeDownloader) resumedFrom(target string) int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.resumed[target]
}

func (d *fakeDownloader) snapshot() (order, cleanups []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.order...), append([]string(nil), d.cleanups...)
}

// notifier is a Publisher that records events and signals every one.
type notifier struct {
	event.Recorder
	ch chan struct{}
}

func newNotifier() *notifier { return &notifier{ch: make(chan struct{}, 1)} }

func (n *notifier) Publish(e event.Event) {
	n.Recorder.Publish(e)
	select {
	case n.ch <- struct{}{}:
	default:
	}
}

// waitFor re-checks cond after every published event until it holds.
func (n *notifier) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(15 * time.Second)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-n.ch:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// env is one queue over one data directory.
type env struct {
	t   *testing.T
	dir string
	db  *store.DB
	q   *Service
	res *fakeResolver
	dl  *fakeDownloader
	pub *notifier
	lib *fakeLibrary
}

// fakeLibrary names targets "<key>/<key> - S01E01 (German Dub).mp4" under
// root (with " v<n>" once rename was called n times: a template change)
// and records what it named and marked.
type fakeLibrary struct {
	root string
	// final, when set, names finished files; else the target keeps its
	// name with the file's extension.
	final   func(key string, ep anime.EpisodeRef, lang anime.Language, t anime.Target, m anime.MediaInfo, ext string) anime.Target
	markErr error
	// marking, when set, receives each file being marked; the call then
	// holds until release is closed.
	marking chan anime.Target
	release chan struct{}

	mu      sync.Mutex
	version int
	named   []anime.Target
	marked  []anime.Target
}

func (l *fakeLibrary) DownloadTarget(ctx context.Context, key string, ep anime.EpisodeRef, lang anime.Language) (anime.Target, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	suffix := ""
	if l.version > 0 {
		suffix = fmt.Sprintf(" v%d", l.version)
	}
	rel := fmt.Sprintf("%s/%s - %s (%s)%s.mp4", key, key, ep, lang, suffix)
	t := anime.Target{Rel: rel, Abs: filepath.Join(l.root, filepath.FromSlash(rel))}
	l.named = append(l.named, t)
	return t, nil
}

func (l *fakeLibrary) FinalTarget(ctx context.Context, key string, ep anime.EpisodeRef, lang anime.Language, t anime.Target, m anime.MediaInfo, ext string) (anime.Target, error) {
	if l.final != nil {
		return l.final(key, ep, lang, t, m, ext), nil
	}
	rel := strings.TrimSuffix(t.Rel, filepath.Ext(t.Rel)) + ext
	return anime.Target{Rel: rel, Abs: filepath.Join(l.root, filepath.FromSlash(rel))}, nil
}

func (l *fakeLibrary) MarkDownloaded(ctx context.Context, key string, ep anime.EpisodeRef, lang anime.Language, file anime.Target) error {
	if l.marking != nil {
		l.marking <- file
		<-l.release
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.marked = append(l.marked, file)
	return l.markErr
}

// rename changes the names new targets get (as a template change would).
func (l *fakeLibrary) rename() {
	l.mu.Lock()
	l.version++
	l.mu.Unlock()
}

func (l *fakeLibrary) calls() (named, marked []anime.Target) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]anime.Target(nil), l.named...), append([]anime.Target(nil), l.marked...)
}

// newEnv opens a queue in dir (a fresh temp dir when empty); mod adjusts
// the options.
func newEnv(t *testing.T, dir string, mod func(*Options)) *env {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, dir: dir, db: db, res: &fakeResolver{}, dl: &fakeDownloader{size: 4096},
		pub: newNotifier(), lib: &fakeLibrary{root: filepath.Join(dir, "library")}}
	o := Options{Store: db, Resolver: e.res, Downloader: e.dl, Library: e.lib,
		Publisher: e.pub, MaxConcurrent: 1, MaxRetries: 2, RetryBackoff: time.Millisecond,
		PersistInterval: time.Nanosecond}
	if mod != nil {
		mod(&o)
	}
	q, err := New(context.Background(), o)
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	e.q = q
	t.Cleanup(func() { db.Close() })
	return e
}

// run starts Run and returns a stop func that cancels it and waits.
func (e *env) run() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.q.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				e.t.Errorf("Run: %v", err)
			}
		})
	}
	e.t.Cleanup(stop)
	return stop
}

func (e *env) add(serie string, prio anime.Priority, eps ...string) []string {
	e.t.Helper()
	refs := make([]anime.EpisodeRef, len(eps))
	for i, c := range eps {
		ref, err := ParseEpisodeCode(c)
		if err != nil {
			e.t.Fatal(err)
		}
		refs[i] = ref
	}
	ids, failed, err := e.q.Add(context.Background(), AddRequest{SerieID: serie, SerieFolder: serie + " (2020)",
		SerieName: serie, Episodes: refs, Priority: prio})
	if err != nil || len(failed) > 0 {
		e.t.Fatalf("add %v: %v %v", eps, failed, err)
	}
	return ids
}

func (e *env) status() QueueStatus {
	e.t.Helper()
	st, err := e.q.Status(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

func (e *env) item(id string) Item {
	e.t.Helper()
	it, err := e.q.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return it
}

// waitFailed waits for id's download_failed event, published after the
// row says failed.
func (e *env) waitFailed(t *testing.T, id string) {
	t.Helper()
	e.waitEvent(t, event.DownloadFailed, id)
}

// waitEvent waits until an event of type typ about download id is published.
func (e *env) waitEvent(t *testing.T, typ event.Type, id string) {
	t.Helper()
	e.pub.waitFor(t, id+" "+string(typ), func() bool {
		for _, ev := range e.pub.OfType(typ) {
			if ev.Data.(event.DownloadData).DownloadID == id {
				return true
			}
		}
		return false
	})
}

// waitCompleted waits for id's download_complete event, the last step of a
// completion (after the row, the library record and the hooks), so a test
// can check all of them without racing the work done outside the lock.
func (e *env) waitCompleted(t *testing.T, id string) {
	t.Helper()
	e.waitEvent(t, event.DownloadComplete, id)
}

func (e *env) statusOf(id string) anime.Status {
	it, err := e.q.Get(context.Background(), id)
	if err != nil {
		return ""
	}
	return it.Status
}

func ids(items []Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}
