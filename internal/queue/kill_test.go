package queue

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/download"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/store"
)

// The kill test re-executes this test binary as a child that runs the
// queue; the parent kills it with SIGKILL mid-transfer and restarts it.
const (
	envChild = "QUEUE_KILL_CHILD"
	envDir   = "QUEUE_KILL_DIR"
	envURL   = "QUEUE_KILL_URL"
)

func TestMain(m *testing.M) {
	if os.Getenv(envChild) == "1" {
		os.Exit(killChild())
	}
	// Every goroutine the queue starts must be stopped by its owner.
	goleak.VerifyTestMain(m)
}

const (
	killEpisodes = 8
	killFileSize = 384 << 10
	killChunk    = 16 << 10
	killRounds   = 10
)

// killBody is the known content of episode n, served by the parent.
func killBody(n int) []byte {
	r := rand.New(rand.NewPCG(uint64(n), 42))
	b := make([]byte, killFileSize)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

// slowWriter delivers a response in small flushed chunks, so that a
// transfer spans many moments at which the child can be killed.
type slowWriter struct {
	http.ResponseWriter
}

func (w slowWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		c := min(len(p), killChunk)
		m, err := w.ResponseWriter.Write(p[:c])
		n += m
		if err != nil {
			return n, err
		}
		w.ResponseWriter.(http.Flusher).Flush()
		p = p[c:]
		time.Sleep(2 * time.Millisecond) // bandwidth limit of the fake hoster
	}
	return n, nil
}

func TestKillRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	var ranged atomic.Int64 // requests that resumed a partial file
	bodies := map[string][]byte{}
	for n := 1; n <= killEpisodes; n++ {
		bodies[strconv.Itoa(n)] = killBody(n)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/media/")
		b, ok := bodies[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if rg := r.Header.Get("Range"); rg != "" && rg != "bytes=0-" {
			ranged.Add(1)
		}
		w.Header().Set("ETag", `"episode-`+name+`"`)
		http.ServeContent(slowWriter{w}, r, "episode.mp4", time.Unix(0, 0), strings.NewReader(string(b)))
	}))
	defer srv.Close()

	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	q, err := New(ctx, Options{Store: db, Resolver: &fakeResolver{}, Downloader: &fakeDownloader{}, Library: &fakeLibrary{root: dir}})
	if err != nil {
		t.Fatal(err)
	}
	eps := make([]anime.EpisodeRef, killEpisodes)
	for i := range eps {
		eps[i] = anime.EpisodeRef{Season: 1, Episode: i + 1}
	}
	if _, failed, err := q.Add(ctx, AddRequest{SerieID: "kill", SerieName: "Kill", Episodes: eps}); err != nil || len(failed) > 0 {
		t.Fatalf("add: %v %v", failed, err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	midTransfer := 0
	for round := 0; round < killRounds; round++ {
		delay := time.Duration(rng.IntN(60)) * time.Millisecond
		if runChild(t, dir, srv.URL, &delay) {
			midTransfer++
		}
	}
	// The last run goes to the end.
	if runChild(t, dir, srv.URL, nil) {
		t.Fatal("final run was killed")
	}
	t.Logf("%d of %d kills landed while a transfer was running; %d requests resumed a partial file",
		midTransfer, killRounds, ranged.Load())
	if midTransfer > 0 && ranged.Load() == 0 {
		t.Fatal("no download resumed its partial data")
	}

	db, err = store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	items, err := db.QueueList(ctx, anime.StatusCompleted, 1000)
	if err != nil {
		t.Fatal(err)
	}
	agg, err := db.QueueStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, a := range agg {
		total += a.Items
	}
	if len(items) != killEpisodes || total != killEpisodes {
		t.Fatalf("%d completed of %d items, want %d", len(items), total, killEpisodes)
	}
	seen := map[int]bool{}
	for _, it := range items {
		if seen[it.Episode] {
			t.Fatalf("episode %d duplicated", it.Episode)
		}
		seen[it.Episode] = true
		got, err := os.ReadFile(it.FilePath)
		if err != nil {
			t.Fatal(err)
		}
		want := bodies[strconv.Itoa(it.Episode)]
		if sha256.Sum256(got) != sha256.Sum256(want) {
			t.Fatalf("episode %d: sha256 mismatch (%d bytes, want %d)", it.Episode, len(got), len(want))
		}
	}
	// Nothing but the finished files is left behind.
	var stray []string
	filepath.WalkDir(filepath.Join(dir, "Kill"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".mp4") {
			stray = append(stray, p)
		}
		return nil
	})
	if len(stray) > 0 {
		t.Fatalf("stray files: %v", stray)
	}
}

// runChild runs the queue in a child process. With a delay it kills the
// child that long after the child reports its first progress in this run
// and answers whether a transfer was running at that moment; without one it
// waits for the child to finish the queue.
func runChild(t *testing.T, dir, url string, delay *time.Duration) (killedMidTransfer bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChild+"=1", envDir+"="+dir, envURL+"="+url)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	transferring := false
	progress := make(chan struct{})
	var once sync.Once
	lines := make(chan struct{})
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			switch strings.Fields(sc.Text())[0] {
			case string(event.DownloadProgress):
				mu.Lock()
				transferring = true
				mu.Unlock()
				once.Do(func() { close(progress) })
			case "idle":
				mu.Lock()
				transferring = false
				mu.Unlock()
			}
		}
	}()
	killed := false
	if delay != nil {
		select {
		case <-progress:
			time.Sleep(*delay) // a random moment into the transfer
			mu.Lock()
			killedMidTransfer = transferring
			mu.Unlock()
			if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
				t.Fatal(err)
			}
			killed = true
		case <-lines: // the child finished everything on its own
		}
	}
	<-lines
	err = cmd.Wait()
	if ctx.Err() != nil {
		t.Fatal("child did not finish in time")
	}
	if !killed && err != nil {
		t.Fatalf("child: %v", err)
	}
	return killedMidTransfer
}

// killChild is the child process: it runs the queue in the directory the
// parent named until nothing is left to do, printing every event type.
func killChild() int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, base := os.Getenv(envDir), os.Getenv(envURL)
	db, err := store.Open(ctx, dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	defer db.Close()
	pub := &linePublisher{w: os.Stdout, ch: make(chan struct{}, 1)}
	res := &fakeResolver{fn: func(req ResolveRequest, _ int) (anime.Stream, []Attempt, error) {
		return anime.Stream{URL: fmt.Sprintf("%s/media/%d", base, req.Episode.Episode), Kind: anime.StreamMP4,
			Hoster: "fake", Lang: anime.LangGermanDub}, nil, nil
	}}
	dl := engine{download.New(download.Options{DisableRemux: true, RetryBase: time.Millisecond,
		ProgressInterval: time.Millisecond})}
	q, err := New(ctx, Options{Store: db, Resolver: res, Downloader: dl,
		Library:   &fakeLibrary{root: dir},
		Publisher: pub, MaxConcurrent: 3, RetryBackoff: time.Millisecond})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx) }()
	for {
		st, err := q.Status(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			return 2
		}
		if st.Statistics.PendingCount+st.Statistics.ActiveCount == 0 {
			break
		}
		<-pub.ch
	}
	cancel()
	if err := <-done; err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	return 0
}

// linePublisher prints each event's type (and "idle" when no transfer
// runs) and signals the child's loop.
type linePublisher struct {
	mu     sync.Mutex
	w      io.Writer
	active int
	ch     chan struct{}
}

func (p *linePublisher) Publish(e event.Event) {
	p.mu.Lock()
	switch e.Type {
	case event.DownloadStarted:
		p.active++
	case event.DownloadComplete, event.DownloadFailed:
		p.active--
	}
	fmt.Fprintln(p.w, e.Type)
	if p.active == 0 {
		fmt.Fprintln(p.w, "idle")
	}
	p.mu.Unlock()
	select {
	case p.ch <- struct{}{}:
	default:
	}
}

// engine adapts the real download engine (resumable ranged MP4 into
// <target>.part, atomic rename) to the queue's Downloader, as the
// composition root does.
type engine struct{ e *download.Engine }

func (d engine) Download(ctx context.Context, s anime.Stream, target string, progress ProgressFunc, name NameFunc) (Downloaded, error) {
	res, err := d.e.Download(ctx, s, target, download.Request{Name: name, Progress: func(p download.Progress) {
		progress(p.BytesDone, p.BytesTotal)
	}})
	return Downloaded{Path: res.Path, Warnings: res.Warnings}, err
}

func (d engine) Cleanup(target string) error { return d.e.Cleanup(target) }
