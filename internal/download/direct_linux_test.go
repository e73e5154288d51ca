package download

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/aniworld/aniworld/internal/anime"
)

// directSupported reports whether dir's file system accepts O_DIRECT
// writes of aligned blocks.
func directSupported(t *testing.T, dir string) bool {
	t.Helper()
	p := filepath.Join(dir, "probe")
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(p)
	defer f.Close()
	d := openDirect(f, p)
	if d == nil {
		return false
	}
	defer d.close()
	ok, err := d.writeAt(alignedBuffer(directAlign), 0)
	return ok && err == nil
}

// TestHLSDirectWrites downloads clear segments whose boundaries fall
// anywhere in a block (tiny ones, block-aligned ones, ones larger than the
// worker buffer) with the real file system and checks the file is the
// exact concatenation and that the aligned middles went through O_DIRECT.
func TestHLSDirectWrites(t *testing.T) {
	big := segmentBufferSize + 3*directAlign + 17
	tests := []struct {
		name  string
		sizes []int
		cut   map[int]bool // first response of these segments breaks mid-body
	}{
		{name: "unaligned sizes", sizes: []int{5000, 9000, 100, 4095, 4097, 70001, 3, 12288, 33333}},
		{name: "aligned sizes", sizes: []int{4096, 8192, 2 * segmentBufferSize, 4096}},
		{name: "segments larger than the buffer", sizes: []int{big, 1, big, big + 1, 777}},
		{name: "cut inside the direct middle is rewritten", sizes: []int{big, 4099, big, 10}, cut: map[int]bool{0: true, 2: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			h := newHLSServer(t, 0, 0).clear()
			for i, n := range tt.sizes {
				h.segs = append(h.segs, randomBytes(uint64(100+i), n))
			}
			h.encryptFrom = len(h.segs)
			h.cutOnce = tt.cut
			ts := httptest.NewServer(h)
			defer ts.Close()
			target := filepath.Join(dir, "ep.ts")
			e := testEngine(Options{Concurrency: 3})
			res, err := e.Download(context.Background(), anime.Stream{URL: ts.URL + "/master.m3u8", Kind: anime.StreamHLS}, target, Request{})
			if err != nil {
				t.Fatalf("Download: %v", err)
			}
			got, err := os.ReadFile(res.Path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, h.expected()) {
				t.Fatalf("output differs from the segments (%d vs %d bytes)", len(got), len(h.expected()))
			}
			if res.Size != int64(len(h.expected())) {
				t.Errorf("Result.Size = %d, want %d", res.Size, len(h.expected()))
			}
			for i := range tt.cut {
				if n := h.hit(fmt.Sprintf("/hi/seg%d.ts", i)); n != 2 {
					t.Errorf("cut segment %d fetched %d times, want 2", i, n)
				}
			}
			if directSupported(t, dir) {
				if e.directBytes.Load() == 0 {
					t.Error("no byte was written with O_DIRECT although the file system supports it")
				}
			} else {
				t.Logf("%s does not support O_DIRECT: only the buffered fallback was tested", dir)
			}
		})
	}
}

// TestDirectIOFallback checks the building blocks: files that are not
// *os.File get no direct I/O, a rejected (misaligned) direct write is
// reported as not done and switches direct I/O off, and buffers are
// aligned.
func TestDirectIOFallback(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.part")
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{name: "wrapped file gets no direct I/O", run: func(t *testing.T) {
			if d := openDirect(&faultFile{File: f}, p); d != nil {
				d.close()
				t.Fatal("openDirect returned a directIO for a wrapped file")
			}
			var d *directIO
			if d.enabled() {
				t.Error("nil directIO is enabled")
			}
			if err := d.reserve(0, 10); err != nil {
				t.Errorf("nil reserve: %v", err)
			}
		}},
		{name: "aligned buffers", run: func(t *testing.T) {
			for _, n := range []int{directAlign, segmentBufferSize} {
				b := alignedBuffer(n)
				if len(b) != n || cap(b) != n || uintptr(unsafe.Pointer(&b[0]))%directAlign != 0 {
					t.Errorf("alignedBuffer(%d): len %d cap %d addr %p", n, len(b), cap(b), &b[0])
				}
			}
		}},
		{name: "misaligned write falls back", run: func(t *testing.T) {
			if !directSupported(t, dir) {
				t.Skip("file system without O_DIRECT")
			}
			d := openDirect(f, p)
			if d == nil {
				t.Fatal("openDirect = nil on a file system that supports O_DIRECT")
			}
			defer d.close()
			if err := d.reserve(0, 3*directAlign); err != nil {
				t.Fatalf("reserve: %v", err)
			}
			buf := alignedBuffer(directAlign)
			copy(buf, bytes.Repeat([]byte("x"), directAlign))
			ok, err := d.writeAt(buf, 1) // offset not block-aligned: EINVAL
			if err != nil {
				t.Fatalf("misaligned writeAt: %v", err)
			}
			if ok {
				got := make([]byte, directAlign)
				if _, err := f.ReadAt(got, 1); err != nil || !bytes.Equal(got, buf) {
					t.Fatalf("file system took the misaligned write but the bytes differ (%v)", err)
				}
				return
			}
			if d.enabled() {
				t.Error("direct I/O still enabled after a rejected write")
			}
			if ok, _ := d.writeAt(buf, 0); ok {
				t.Error("a disabled directIO wrote")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.run)
	}
}
