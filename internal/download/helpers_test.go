package download

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// randomBytes is deterministic pseudo-random data.
func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n+8)
	for i := 0; i < n; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], r.Uint64())
	}
	return b[:n:n]
}

func sha(b []byte) string { return fmt.Sprintf("%x", sha256.Sum256(b)) }

func fileSHA(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return sha(b)
}

func mustNotExist(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		t.Fatalf("%s exists, want it absent", path)
	}
}

// mp4Server serves one file with optional Range support, a required
// Referer and a connection cut once at cutAt bytes.
type mp4Server struct {
	data           []byte
	requireReferer string
	ignoreRange    bool
	cutAt          int64
	hangAt         int64 // the first response stalls after this many bytes until the client gives up
	etag           string

	mu     sync.Mutex
	cut    bool
	ranges []string
	served []int64 // bytes written per request, index-aligned with ranges
	reqs   int
}

// snapshot returns the Range headers seen and bytes served per request.
func (m *mp4Server) snapshot() ([]string, []int64, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.ranges...), append([]int64(nil), m.served...), m.reqs
}

func sum(xs []int64) int64 {
	var s int64
	for _, x := range xs {
		s += x
	}
	return s
}

func (m *mp4Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	m.reqs++
	m.mu.Unlock()
	if m.requireReferer != "" && r.Header.Get("Referer") != m.requireReferer {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	m.mu.Lock()
	m.ranges = append(m.ranges, r.Header.Get("Range"))
	m.served = append(m.served, 0)
	idx := len(m.served) - 1
	doCut := (m.cutAt > 0 || m.hangAt > 0) && !m.cut
	m.cut = m.cut || doCut
	m.mu.Unlock()

	size := int64(len(m.data))
	start := int64(0)
	status := http.StatusOK
	if m.etag != "" {
		w.Header().Set("ETag", m.etag)
	}
	if rh := r.Header.Get("Range"); rh != "" && !m.ignoreRange {
		s, ok := strings.CutPrefix(rh, "bytes=")
		s, _, _ = strings.Cut(s, "-")
		n, err := strconv.ParseInt(s, 10, 64)
		if !ok || err != nil {
			http.Error(w, "bad range", http.StatusBadRequest)
			return
		}
		if ir := r.Header.Get("If-Range"); ir == "" || ir == m.etag {
			if n >= size {
				w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", size))
				w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
				return
			}
			start, status = n, http.StatusPartialContent
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", n, size-1, size))
		}
	}
	w.Header().Set("Accept-Ranges", "bytes")
	w.Header().Set("Content-Length", strconv.FormatInt(size-start, 10))
	w.WriteHeader(status)
	body := m.data[start:]
	if doCut && m.hangAt > start {
		part := body[:min(int64(len(body)), m.hangAt-start)]
		w.Write(part)
		m.addServed(idx, int64(len(part)))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		return
	}
	if doCut && m.cutAt > start {
		part := body[:min(int64(len(body)), m.cutAt-start)]
		w.Write(part)
		m.addServed(idx, int64(len(part)))
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
	n, _ := w.Write(body)
	m.addServed(idx, int64(n))
}

func (m *mp4Server) addServed(idx int, n int64) {
	m.mu.Lock()
	m.served[idx] += n
	m.mu.Unlock()
}

// hlsServer serves a master playlist with two variants, the chosen one
// AES-128 encrypted with an init section.
type hlsServer struct {
	t              *testing.T
	segs           [][]byte // plaintext of the high variant
	init           []byte
	key            []byte
	explicitIV     []byte
	encryptFrom    int // segments before this index are clear
	mediaSeq       int64
	requireReferer string
	// onSegment, when set, runs before a segment is served; returning
	// false answers 503.
	onSegment func(i int, r *http.Request) bool
	// cutOnce lists segments whose first response is cut after half the body.
	cutOnce map[int]bool

	mu   sync.Mutex
	hits map[string]int
}

func newHLSServer(t *testing.T, n, segSize int) *hlsServer {
	h := &hlsServer{
		t:           t,
		init:        randomBytes(999, 700),
		key:         randomBytes(1234, 16),
		explicitIV:  randomBytes(4321, 16),
		encryptFrom: 1,
		mediaSeq:    7,
		hits:        map[string]int{},
	}
	for i := range n {
		h.segs = append(h.segs, randomBytes(uint64(i+1), segSize+i*13))
	}
	return h
}

// clear makes the stream unencrypted and without an init section, so
// the engine streams segments straight to their offsets.
func (h *hlsServer) clear() *hlsServer {
	h.encryptFrom, h.init = len(h.segs), nil
	return h
}

// expected is what the downloaded .ts/.mp4 must contain.
func (h *hlsServer) expected() []byte {
	var b bytes.Buffer
	b.Write(h.init)
	for _, s := range h.segs {
		b.Write(s)
	}
	return b.Bytes()
}

func (h *hlsServer) hit(p string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hits[p]
}

func (h *hlsServer) ivFor(i int) []byte {
	if i < len(h.segs)/2 {
		return h.explicitIV
	}
	iv := make([]byte, 16)
	seq := h.mediaSeq + int64(i)
	for k := 15; k >= 8; k-- {
		iv[k] = byte(seq)
		seq >>= 8
	}
	return iv
}

func (h *hlsServer) mediaPlaylist() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:%d\n", h.mediaSeq)
	if h.init != nil {
		b.WriteString("#EXT-X-MAP:URI=\"init.mp4\"\n")
	}
	for i := range h.segs {
		switch {
		case i == h.encryptFrom:
			fmt.Fprintf(&b, "#EXT-X-KEY:METHOD=AES-128,URI=\"/keys/k1\",IV=0x%x\n", h.explicitIV)
		case i == len(h.segs)/2 && i > h.encryptFrom:
			b.WriteString("#EXT-X-KEY:METHOD=AES-128,URI=\"/keys/k1\"\n")
		}
		fmt.Fprintf(&b, "#EXTINF:%.3f,\nseg%d.ts\n", 4.0-float64(i%3)*0.5, i)
	}
	b.WriteString("#EXT-X-ENDLIST\n")
	return b.String()
}

func (h *hlsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.requireReferer != "" && r.Header.Get("Referer") != h.requireReferer {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	h.mu.Lock()
	h.hits[r.URL.Path]++
	h.mu.Unlock()
	switch p := r.URL.Path; {
	case p == "/master.m3u8":
		w.Write([]byte("#EXTM3U\n" +
			"#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=640x360\nlow/index.m3u8\n" +
			"#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720,CODECS=\"avc1.64001f,mp4a.40.2\"\nhi/index.m3u8\n" +
			"#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=854x480\nmid/index.m3u8\n"))
	case p == "/low/index.m3u8" || p == "/mid/index.m3u8":
		w.Write([]byte("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nwrong.ts\n#EXT-X-ENDLIST\n"))
	case p == "/hi/index.m3u8":
		w.Write([]byte(h.mediaPlaylist()))
	case p == "/hi/init.mp4":
		w.Write(h.init)
	case p == "/keys/k1":
		w.Write(h.key)
	case strings.HasPrefix(p, "/hi/seg"):
		i, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(p, "/hi/seg"), ".ts"))
		if err != nil || i < 0 || i >= len(h.segs) {
			http.NotFound(w, r)
			return
		}
		if h.onSegment != nil && !h.onSegment(i, r) {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		data := h.segs[i]
		if i >= h.encryptFrom {
			data = encryptAES128(h.t, data, h.key, h.ivFor(i))
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		h.mu.Lock()
		cut := h.cutOnce[i]
		delete(h.cutOnce, i)
		h.mu.Unlock()
		if cut {
			w.Write(data[:len(data)/2])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}
		w.Write(data)
	default:
		http.NotFound(w, r)
	}
}

func encryptAES128(t *testing.T, plain, key, iv []byte) []byte {
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	out := append(bytes.Clone(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out, out)
	return out
}

// faultFS wraps OSFS: writes to files ending in failSuffix fail with
// ENOSPC once failAfter bytes were written; afterWrite runs after each
// successful write to such a file.
type faultFS struct {
	OSFS
	failSuffix string
	failAfter  int64
	afterWrite func(calls int)

	mu      sync.Mutex
	written int64
	calls   int
}

func (f *faultFS) OpenFile(name string, flag int, perm fs.FileMode) (File, error) {
	file, err := f.OSFS.OpenFile(name, flag, perm)
	if err != nil || !strings.HasSuffix(name, f.failSuffix) {
		return file, err
	}
	return &faultFile{File: file, fs: f}, nil
}

type faultFile struct {
	File
	fs *faultFS
}

func (f *faultFile) Write(p []byte) (int, error) {
	return f.write(p, func(b []byte) (int, error) { return f.File.Write(b) })
}

func (f *faultFile) WriteAt(p []byte, off int64) (int, error) {
	return f.write(p, func(b []byte) (int, error) { return f.File.WriteAt(b, off) })
}

func (f *faultFile) write(p []byte, do func([]byte) (int, error)) (int, error) {
	f.fs.mu.Lock()
	if f.fs.failAfter >= 0 && f.fs.written+int64(len(p)) > f.fs.failAfter {
		allowed := max(f.fs.failAfter-f.fs.written, 0)
		f.fs.written += allowed
		f.fs.mu.Unlock()
		n, _ := do(p[:allowed])
		return n, &fs.PathError{Op: "write", Path: "part", Err: syscall.ENOSPC}
	}
	f.fs.written += int64(len(p))
	f.fs.calls++
	calls := f.fs.calls
	f.fs.mu.Unlock()
	n, err := do(p)
	if err == nil && f.fs.afterWrite != nil {
		f.fs.afterWrite(calls)
	}
	return n, err
}

// fakeClock advances by step on every Now call.
type fakeClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

func (c *fakeClock) peek() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// testEngine is an engine with tiny backoffs and no remuxing unless asked.
func testEngine(o Options) *Engine {
	if o.RetryBase == 0 {
		o.RetryBase = time.Millisecond
	}
	if o.RetryMax == 0 {
		o.RetryMax = 5 * time.Millisecond
	}
	if o.Remuxer == nil && o.FFmpegPath == "" {
		o.DisableRemux = true
	}
	return New(o)
}
