package logging

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r io.ReaderAt
	n atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

func TestTailReadsOnlyTheEnd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Repeat("x", 90) + "\n"
	block := []byte(strings.Repeat(line, 10000))
	for f.Seek(0, io.SeekEnd); ; {
		st, _ := f.Stat()
		if st.Size() >= 50<<20 {
			break
		}
		f.Write(block)
	}
	fmt.Fprintf(f, "the last line\n")
	f.Close()
	rf, _ := os.Open(path)
	defer rf.Close()
	st, _ := rf.Stat()
	tests := []struct {
		name    string
		n       int
		maxRead int64
	}{
		{"one line", 1, tailBlock},
		{"hundred lines", 100, tailBlock},
		{"ten thousand lines", 10000, 10000*91 + 2*tailBlock},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cr := &countingReaderAt{r: rf}
			out, read, err := TailLines(cr, st.Size(), tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Count(out, []byte{'\n'}); got != tc.n || !bytes.HasSuffix(out, []byte("the last line\n")) {
				t.Fatalf("%d lines", got)
			}
			if read != cr.n.Load() || read > tc.maxRead {
				t.Fatalf("read %d bytes (counted %d) of %d", read, cr.n.Load(), st.Size())
			}
		})
	}
}

func TestTailLinesEdges(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"empty", "", 5, ""},
		{"no trailing newline", "a\nb\nc", 2, "b\nc"},
		{"trailing newline", "a\nb\nc\n", 2, "b\nc\n"},
		{"single line", "only", 3, "only"},
		{"blank lines", "a\n\n\n", 2, "\n\n"},
		{"all", "a\nb\n", 10, "a\nb\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := TailLines(strings.NewReader(tc.in), int64(len(tc.in)), tc.n)
			if err != nil || string(out) != tc.want {
				t.Fatalf("%q %v, want %q", out, err, tc.want)
			}
		})
	}
}

// naiveTail is the obvious whole-file implementation TailLines must match.
func naiveTail(s string, n int) string {
	if n <= 0 || s == "" {
		return ""
	}
	trailing := strings.HasSuffix(s, "\n")
	body := strings.TrimSuffix(s, "\n")
	lines := strings.Split(body, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	out := strings.Join(lines, "\n")
	if trailing {
		out += "\n"
	}
	return out
}

func FuzzTailLines(f *testing.F) {
	f.Add("a\nb\nc\n", 2)
	f.Add("no newline", 1)
	f.Add("\n\n\n", 2)
	f.Add(strings.Repeat("x", tailBlock+3)+"\nend", 1)
	f.Add(strings.Repeat("ab\n", tailBlock), 5000)
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = n % (10000 + 1) // the API caps a tail at 10000 lines
		got, _, err := TailLines(strings.NewReader(s), int64(len(s)), n)
		if err != nil {
			t.Fatal(err)
		}
		if want := naiveTail(s, n); string(got) != want {
			t.Fatalf("TailLines(%q, %d) = %q, want %q", s, n, got, want)
		}
	})
}
