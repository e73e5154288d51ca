package download

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// tsStream is a real H.264/AAC stream cut into HLS segments, served from
// memory with per-segment hit counts and an optional gate before a
// segment is answered.
type tsStream struct {
	playlist []byte
	segs     [][]byte
	gate     func(i int, r *http.Request) // runs before segment i is served

	mu   sync.Mutex
	hits []int
}

// newTSStream encodes seconds of test video with audio and cuts it into
// segments of about segSec seconds.
func newTSStream(t *testing.T, ffmpeg string, seconds, segSec float64) *tsStream {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin",
		"-f", "lavfi", "-i", "testsrc=duration="+strconv.FormatFloat(seconds, 'f', -1, 64)+":size=320x240:rate=25",
		"-f", "lavfi", "-i", "sine=frequency=440:duration="+strconv.FormatFloat(seconds, 'f', -1, 64),
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "12", "-c:a", "aac", "-shortest",
		"-f", "hls", "-hls_time", strconv.FormatFloat(segSec, 'f', -1, 64), "-hls_list_size", "0",
		"-hls_segment_filename", filepath.Join(dir, "seg%03d.ts"), filepath.Join(dir, "index.m3u8"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generate test stream: %v\n%s", err, out)
	}
	s := &tsStream{}
	var err error
	if s.playlist, err = os.ReadFile(filepath.Join(dir, "index.m3u8")); err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "seg*.ts"))
	sort.Strings(names)
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		s.segs = append(s.segs, b)
	}
	if len(s.segs) < 6 {
		t.Fatalf("only %d segments", len(s.segs))
	}
	s.hits = make([]int, len(s.segs))
	return s
}

func (s *tsStream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/index.m3u8" {
		w.Write(s.playlist)
		return
	}
	i, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/seg"), ".ts"))
	if err != nil || i < 0 || i >= len(s.segs) {
		http.NotFound(w, r)
		return
	}
	if s.gate != nil {
		s.gate(i, r)
	}
	s.mu.Lock()
	s.hits[i]++
	s.mu.Unlock()
	w.Header().Set("Content-Length", strconv.Itoa(len(s.segs[i])))
	w.Write(s.segs[i])
}

func (s *tsStream) hitCounts() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.hits...)
}

// prefixLen is the byte length of segments 0..n-1.
func (s *tsStream) prefixLen(n int) int64 {
	var l int64
	for _, b := range s.segs[:n] {
		l += int64(len(b))
	}
	return l
}

func (s *tsStream) concat() []byte { return bytes.Join(s.segs, nil) }

// countingRemuxer wraps FFmpeg and reports how many source bytes reached
// the remuxer's pipe while the download ran.
type countingRemuxer struct {
	*FFmpeg
	fed     atomic.Int64
	starts  atomic.Int32
	onBytes func(total int64)
}

func (c *countingRemuxer) StartRemux(ctx context.Context, srcFormat, dst string, spec RemuxSpec) (io.WriteCloser, func() error, error) {
	c.starts.Add(1)
	c.fed.Store(0)
	in, wait, err := c.FFmpeg.StartRemux(ctx, srcFormat, dst, spec)
	if err != nil {
		return nil, nil, err
	}
	return &countingWriter{WriteCloser: in, c: c}, wait, nil
}

type countingWriter struct {
	io.WriteCloser
	c *countingRemuxer
}

func (w *countingWriter) Write(p []byte) (int, error) {
	n, err := w.WriteCloser.Write(p)
	total := w.c.fed.Add(int64(n))
	if w.c.onBytes != nil {
		w.c.onBytes(total)
	}
	return n, err
}

// postFetchOnly hides StartRemux: the engine remuxes after the fetch.
type postFetchOnly struct{ Remuxer }

// streamHashes is ffmpeg's per-stream hash of every packet's data, plus
// ffprobe's stream summary (codec, size, rate, channels, packet count,
// language): two files with equal hashes hold the same streams.
func streamHashes(t *testing.T, ffmpeg, ffprobe, path string) string {
	t.Helper()
	h, err := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-i", path,
		"-map", "0", "-c", "copy", "-f", "streamhash", "-hash", "sha256", "-").Output()
	if err != nil {
		t.Fatalf("streamhash %s: %v", path, err)
	}
	p, err := exec.Command(ffprobe, "-v", "error", "-count_packets", "-show_entries",
		"stream=index,codec_name,width,height,sample_rate,channels,nb_read_packets:stream_tags=language",
		"-of", "compact", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	return string(h) + string(p)
}

// TestLiveRemuxFollowsTheFetch holds back the last segment until the
// remuxer has been fed every segment before it: the remux runs while the
// stream downloads, not after it. (Before remuxing while downloading, the
// remuxer saw nothing until the fetch had ended, so the gate never opened.)
func TestLiveRemuxFollowsTheFetch(t *testing.T) {
	ffmpeg, ffprobe := needFFmpeg(t)
	s := newTSStream(t, ffmpeg, 4, 0.5)
	n := len(s.segs)
	before := s.prefixLen(n - 1)
	reached := make(chan struct{})
	var once sync.Once
	rm := &countingRemuxer{FFmpeg: &FFmpeg{Path: ffmpeg}, onBytes: func(total int64) {
		if total >= before {
			once.Do(func() { close(reached) })
		}
	}}
	var gated atomic.Bool
	s.gate = func(i int, r *http.Request) {
		if i != n-1 {
			return
		}
		select {
		case <-reached:
			gated.Store(true)
		case <-r.Context().Done():
		case <-time.After(20 * time.Second): // fail, don't hang
		}
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	out := t.TempDir()
	e := testEngine(Options{Remuxer: rm})
	res, err := e.Download(context.Background(), anime.Stream{URL: ts.URL + "/index.m3u8", Kind: anime.StreamHLS, Lang: anime.LangGermanDub},
		filepath.Join(out, "ep.mkv"), Request{})
	if err != nil {
		t.Fatal(err)
	}
	if !gated.Load() {
		t.Fatalf("the remuxer had %d of the first %d segments' %d bytes when the last segment was asked for", rm.fed.Load(), n-1, before)
	}
	if !res.Remuxed || res.Path != filepath.Join(out, "ep.mkv") || rm.fed.Load() != s.prefixLen(n) {
		t.Fatalf("result %+v, fed %d of %d bytes", res, rm.fed.Load(), s.prefixLen(n))
	}
	if p := probe(t, ffprobe, res.Path); !strings.Contains(p.Format.FormatName, "matroska") || p.lang("audio") != "deu" {
		t.Errorf("probe = %+v", p)
	}
	onlyFile(t, out, "ep.mkv")
}

// TestLiveRemuxEqualsPostFetchRemux: the file remuxed while downloading
// holds the same streams, packet for packet, as the one remuxed after the
// fetch, for both containers.
func TestLiveRemuxEqualsPostFetchRemux(t *testing.T) {
	ffmpeg, ffprobe := needFFmpeg(t)
	s := newTSStream(t, ffmpeg, 3, 0.5)
	ts := httptest.NewServer(s)
	defer ts.Close()
	for _, tt := range []struct {
		target string
		lang   anime.Language
	}{{"ep.mkv", anime.LangGermanSub}, {"ep.mp4", anime.LangEnglishDub}} {
		t.Run(tt.target, func(t *testing.T) {
			stream := anime.Stream{URL: ts.URL + "/index.m3u8", Kind: anime.StreamHLS, Lang: tt.lang}
			live := &countingRemuxer{FFmpeg: &FFmpeg{Path: ffmpeg}}
			liveDir, postDir := t.TempDir(), t.TempDir()
			a, err := testEngine(Options{Remuxer: live}).Download(context.Background(), stream, filepath.Join(liveDir, tt.target), Request{})
			if err != nil {
				t.Fatal(err)
			}
			b, err := testEngine(Options{Remuxer: postFetchOnly{&FFmpeg{Path: ffmpeg}}}).Download(context.Background(), stream, filepath.Join(postDir, tt.target), Request{})
			if err != nil {
				t.Fatal(err)
			}
			if live.starts.Load() != 1 || !a.Remuxed || !b.Remuxed {
				t.Fatalf("live starts %d, results %+v %+v", live.starts.Load(), a, b)
			}
			ha, hb := streamHashes(t, ffmpeg, ffprobe, a.Path), streamHashes(t, ffmpeg, ffprobe, b.Path)
			if ha != hb {
				t.Fatalf("streams differ:\nlive: %s\npost: %s", ha, hb)
			}
			if !strings.Contains(ha, "codec_name=h264") || !strings.Contains(ha, "codec_name=aac") {
				t.Fatalf("missing streams: %s", ha)
			}
			if strings.HasSuffix(tt.target, ".mp4") {
				indexFirst(t, a.Path)
				indexFirst(t, b.Path)
			}
		})
	}
}

// TestLiveRemuxResumeAfterKill stops a download after half its segments
// (the context is cancelled, as a shutdown does) and then leaves what a
// kill -9 would: a torn remux output and bytes past the recorded prefix.
// The next call fetches only the missing segments, feeds the remuxer the
// whole stream again from disk, and the file equals one downloaded in a
// single go.
func TestLiveRemuxResumeAfterKill(t *testing.T) {
	ffmpeg, ffprobe := needFFmpeg(t)
	s := newTSStream(t, ffmpeg, 4, 0.5)
	n := len(s.segs)
	half := n / 2
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.gate = func(i int, r *http.Request) {
		if i >= half && ctx.Err() == nil {
			select { // the rest never arrives in the first call
			case <-r.Context().Done():
			case <-time.After(20 * time.Second): // fail, don't hang
			}
		}
	}
	rm := &countingRemuxer{FFmpeg: &FFmpeg{Path: ffmpeg}, onBytes: func(total int64) {
		if total >= s.prefixLen(half) {
			cancel() // the first half went through the remuxer: "kill"
		}
	}}
	ts := httptest.NewServer(s)
	defer ts.Close()
	out := t.TempDir()
	target := filepath.Join(out, "ep.mp4")
	stream := anime.Stream{URL: ts.URL + "/index.m3u8", Kind: anime.StreamHLS, Lang: anime.LangGermanDub}
	_, err := testEngine(Options{Remuxer: rm}).Download(ctx, stream, target, Request{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("first call: %v", err)
	}
	mustNotExist(t, remuxTempPath(target))
	st := (&job{e: testEngine(Options{}), state: StatePath(target)}).loadState()
	if st == nil || st.Done < half || st.Complete {
		t.Fatalf("state after the stop: %+v", st)
	}
	// What a kill leaves on top: a torn remux output, bytes beyond the prefix.
	if err := os.WriteFile(remuxTempPath(target), []byte("torn ffmpeg output"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(PartPath(target), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(bytes.Repeat([]byte{0x47, 0xff}, 5000))
	f.Close()

	hitsBefore := s.hitCounts()
	res, err := testEngine(Options{Remuxer: rm}).Download(context.Background(), stream, target, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resumed || !res.Remuxed || res.Path != target {
		t.Fatalf("second call: %+v", res)
	}
	if rm.fed.Load() != s.prefixLen(n) {
		t.Errorf("second call fed %d bytes, want the whole stream %d", rm.fed.Load(), s.prefixLen(n))
	}
	after := s.hitCounts()
	for i := range st.Done {
		if after[i] != hitsBefore[i] {
			t.Errorf("segment %d was fetched again (%d -> %d)", i, hitsBefore[i], after[i])
		}
	}
	onlyFile(t, out, "ep.mp4")

	refDir := t.TempDir()
	ref, err := testEngine(Options{Remuxer: postFetchOnly{&FFmpeg{Path: ffmpeg}}}).Download(context.Background(), stream, filepath.Join(refDir, "ep.mp4"), Request{})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := streamHashes(t, ffmpeg, ffprobe, res.Path), streamHashes(t, ffmpeg, ffprobe, ref.Path); a != b {
		t.Fatalf("resumed file differs from a single download:\n%s\n%s", a, b)
	}
}

// TestLiveRemuxWithoutFFmpegKeepsTS: an ffmpeg that cannot start (or none
// at all) leaves the stream as .ts, byte for byte, with a warning.
func TestLiveRemuxWithoutFFmpegKeepsTS(t *testing.T) {
	ffmpeg, _ := needFFmpeg(t)
	s := newTSStream(t, ffmpeg, 3, 0.5)
	ts := httptest.NewServer(s)
	defer ts.Close()
	for _, tt := range []struct {
		name string
		opts Options
	}{
		{"ffmpeg missing", Options{DisableRemux: true}},
		{"ffmpeg fails to start", Options{FFmpegPath: filepath.Join(t.TempDir(), "no-ffmpeg")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			res, err := testEngine(tt.opts).Download(context.Background(), anime.Stream{URL: ts.URL + "/index.m3u8", Kind: anime.StreamHLS, Lang: anime.LangGermanDub},
				filepath.Join(out, "ep.mkv"), Request{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Remuxed || res.Path != filepath.Join(out, "ep.ts") || len(res.Warnings) == 0 {
				t.Fatalf("result %+v", res)
			}
			if fileSHA(t, res.Path) != sha(s.concat()) {
				t.Error(".ts differs from the segments")
			}
			onlyFile(t, out, "ep.ts")
		})
	}
}

// onlyFile fails unless dir holds exactly name.
func onlyFile(t *testing.T, dir, name string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != name {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files in %s: %v, want only %s", dir, names, name)
	}
}

// brokenLive remuxes after the fetch with ffmpeg but its remux while
// downloading always fails (ffmpeg dies mid-stream, say).
type brokenLive struct {
	*FFmpeg
	posts int
}

func (b *brokenLive) StartRemux(context.Context, string, string, RemuxSpec) (io.WriteCloser, func() error, error) {
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() { io.Copy(io.Discard, pr); close(done) }()
	return pw, func() error { <-done; return errors.New("ffmpeg remux: exit status 1: broken pipe") }, nil
}

func (b *brokenLive) Remux(ctx context.Context, src, dst string, spec RemuxSpec) error {
	b.posts++
	return b.FFmpeg.Remux(ctx, src, dst, spec)
}

// TestLiveRemuxFailureFallsBack: when the remux alongside the fetch fails,
// the complete .part is remuxed after the fetch, as before.
func TestLiveRemuxFailureFallsBack(t *testing.T) {
	ffmpeg, ffprobe := needFFmpeg(t)
	s := newTSStream(t, ffmpeg, 3, 0.5)
	ts := httptest.NewServer(s)
	defer ts.Close()
	out := t.TempDir()
	rm := &brokenLive{FFmpeg: &FFmpeg{Path: ffmpeg}}
	res, err := testEngine(Options{Remuxer: rm}).Download(context.Background(), anime.Stream{URL: ts.URL + "/index.m3u8", Kind: anime.StreamHLS, Lang: anime.LangEnglishSub},
		filepath.Join(out, "ep.mkv"), Request{})
	if err != nil {
		t.Fatal(err)
	}
	if rm.posts != 1 || !res.Remuxed || res.Path != filepath.Join(out, "ep.mkv") || len(res.Warnings) != 0 {
		t.Fatalf("result %+v, post-fetch remuxes %d", res, rm.posts)
	}
	if p := probe(t, ffprobe, res.Path); p.lang("audio") != "jpn" || p.lang("video") != "eng" {
		t.Errorf("probe %+v", p)
	}
	onlyFile(t, out, "ep.mkv")
}

// indexFirst fails unless the MP4's index (moov) precedes its media data,
// so players can start before the whole file is read.
func indexFirst(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var atoms []string
	for off := int64(0); len(atoms) < 16; {
		var h [16]byte
		if _, err := f.ReadAt(h[:8], off); err != nil {
			break
		}
		size := int64(binary.BigEndian.Uint32(h[:4]))
		if size == 1 {
			if _, err := f.ReadAt(h[8:16], off+8); err != nil {
				break
			}
			size = int64(binary.BigEndian.Uint64(h[8:16]))
		}
		atoms = append(atoms, string(h[4:8]))
		if size < 8 {
			break
		}
		off += size
	}
	moov, mdat := slices.Index(atoms, "moov"), slices.Index(atoms, "mdat")
	if moov < 0 || mdat < 0 || moov > mdat {
		t.Fatalf("%s: top-level atoms %v; want moov before mdat", filepath.Base(path), atoms)
	}
}

// TestLiveRemuxMoovReserveTooSmall: when the index outgrows the space
// reserved for it, the remux alongside the fetch fails and the .part is
// remuxed after the fetch (with +faststart): same streams, index first.
func TestLiveRemuxMoovReserveTooSmall(t *testing.T) {
	ffmpeg, ffprobe := needFFmpeg(t)
	s := newTSStream(t, ffmpeg, 3, 0.5)
	ts := httptest.NewServer(s)
	defer ts.Close()
	orig := moovReserve
	moovReserve = func(float64) int64 { return 64 }
	defer func() { moovReserve = orig }()
	out := t.TempDir()
	rm := &brokenLiveCounter{countingRemuxer: &countingRemuxer{FFmpeg: &FFmpeg{Path: ffmpeg}}}
	stream := anime.Stream{URL: ts.URL + "/index.m3u8", Kind: anime.StreamHLS, Lang: anime.LangGermanDub}
	res, err := testEngine(Options{Remuxer: rm}).Download(context.Background(), stream, filepath.Join(out, "ep.mp4"), Request{})
	if err != nil {
		t.Fatal(err)
	}
	if rm.starts.Load() != 1 || rm.posts != 1 || !res.Remuxed || res.Path != filepath.Join(out, "ep.mp4") {
		t.Fatalf("result %+v, live starts %d, post-fetch remuxes %d", res, rm.starts.Load(), rm.posts)
	}
	indexFirst(t, res.Path)
	ref, err := testEngine(Options{Remuxer: postFetchOnly{&FFmpeg{Path: ffmpeg}}}).Download(context.Background(), stream, filepath.Join(t.TempDir(), "ep.mp4"), Request{})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := streamHashes(t, ffmpeg, ffprobe, res.Path), streamHashes(t, ffmpeg, ffprobe, ref.Path); a != b {
		t.Fatalf("streams differ:\n%s\n%s", a, b)
	}
	onlyFile(t, out, "ep.mp4")
}

// brokenLiveCounter counts post-fetch remuxes of a countingRemuxer.
type brokenLiveCounter struct {
	*countingRemuxer
	posts int
}

func (b *brokenLiveCounter) Remux(ctx context.Context, src, dst string, spec RemuxSpec) error {
	b.posts++
	return b.countingRemuxer.Remux(ctx, src, dst, spec)
}
