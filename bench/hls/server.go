package main

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// benchServer serves the synthetic HLS stream and the big MP4.
type benchServer struct {
	tmpl     *tsTemplate
	segments int
	latency  time.Duration
	mp4Size  int64
	block    []byte // 1 MiB of random bytes the MP4 repeats
	pool     sync.Pool
}

func (s *benchServer) playlist() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:%d\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n", int(s.tmpl.duration+0.999))
	for i := range s.segments {
		fmt.Fprintf(&b, "#EXTINF:%.3f,\nseg/%d.ts\n", s.tmpl.duration, i)
	}
	b.WriteString("#EXT-X-ENDLIST\n")
	return b.String()
}

func (s *benchServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(s.latency)
	switch p := r.URL.Path; {
	case p == "/hls/index.m3u8":
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		io.WriteString(w, s.playlist())
	case strings.HasPrefix(p, "/hls/seg/"):
		serveSegment(w, r, s.tmpl, s.segments, &s.pool, func(b []byte) { w.Write(b) })
	case p == "/big.mp4":
		w.Header().Set("Content-Type", "video/mp4")
		http.ServeContent(w, r, "big.mp4", time.Unix(1700000000, 0), &virtualFile{block: s.block, size: s.mp4Size})
	default:
		http.NotFound(w, r)
	}
}

// virtualFile is a deterministic io.ReadSeeker of size bytes.
type virtualFile struct {
	block []byte
	size  int64
	pos   int64
}

func (v *virtualFile) Read(p []byte) (int, error) {
	if v.pos >= v.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && v.pos < v.size {
		off := int(v.pos % int64(len(v.block)))
		c := copy(p[n:], v.block[off:min(len(v.block), off+int(v.size-v.pos))])
		n += c
		v.pos += int64(c)
	}
	return n, nil
}

func (v *virtualFile) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += v.pos
	case io.SeekEnd:
		offset += v.size
	}
	if offset < 0 {
		return 0, errors.New("negative seek")
	}
	v.pos = offset
	return offset, nil
}

// runServe is the "serve" subcommand: it prints "LISTEN <base url>" and
// serves until SIGTERM/SIGINT.
func runServe(args []string) error {
	fs := flagSet("serve")
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	latency := fs.Duration("latency", 2*time.Millisecond, "added latency per request")
	segments := fs.Int("segments", 500, "HLS segments")
	total := fs.Int64("hls-bytes", 1<<30, "approximate HLS stream size")
	mp4 := fs.Int64("mp4-bytes", 2<<30, "MP4 size")
	ffmpeg := fs.String("ffmpeg", "ffmpeg", "ffmpeg binary (used once to make the TS template)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tmpl, err := makeTemplate(*ffmpeg, 2, int(*total/int64(*segments)))
	if err != nil {
		return err
	}
	block := randomBlock()
	srv := &benchServer{tmpl: tmpl, segments: *segments, latency: *latency, mp4Size: *mp4, block: block}
	return serveUntilSignal(*addr, srv, tmpl)
}

// randomBlock is the 1 MiB of seeded random bytes the big MP4 repeats.
func randomBlock() []byte {
	r := rand.New(rand.NewPCG(1, 2))
	block := make([]byte, 1<<20)
	for i := range block {
		block[i] = byte(r.Uint32())
	}
	return block
}

// serveSegment answers /hls/seg/<i>.ts with segment i of tmpl, built in a
// buffer from pool; write sends the body (at once or paced). Anything
// else below /hls/seg/ is a 404.
func serveSegment(w http.ResponseWriter, r *http.Request, tmpl *tsTemplate, segments int, pool *sync.Pool, write func([]byte)) {
	i, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/hls/seg/"), ".ts"))
	if err != nil || i < 0 || i >= segments {
		http.NotFound(w, r)
		return
	}
	bp, _ := pool.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	*bp = tmpl.segment(i, *bp)
	w.Header().Set("Content-Type", "video/mp2t")
	w.Header().Set("Content-Length", strconv.Itoa(len(*bp)))
	write(*bp)
	pool.Put(bp)
}
