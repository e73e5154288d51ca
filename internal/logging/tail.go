package logging

import (
	"bytes"
	"errors"
	"io"
)

const (
	tailBlock    = 64 << 10
	maxTailBytes = 16 << 20 // a tail never reads more than this
)

// TailLines answers the last n lines of the first size bytes of r,
// reading backwards in blocks, and how many bytes it read. It stops after
// maxTailBytes, so a file without newlines cannot make it read everything.
func TailLines(r io.ReaderAt, size int64, n int) ([]byte, int64, error) {
	if n <= 0 || size <= 0 {
		return []byte{}, 0, nil
	}
	var chunks [][]byte
	var read int64
	newlines := 0
	end := size
	// A final newline ends the last line; it does not start another.
	for end > 0 && read < maxTailBytes {
		start := max(0, end-tailBlock)
		buf := make([]byte, end-start)
		if _, err := r.ReadAt(buf, start); err != nil && !errors.Is(err, io.EOF) {
			return nil, read, err
		}
		read += int64(len(buf))
		chunks = append(chunks, buf)
		scan := buf
		if end == size && len(scan) > 0 && scan[len(scan)-1] == '\n' {
			scan = scan[:len(scan)-1]
		}
		newlines += bytes.Count(scan, []byte{'\n'})
		end = start
		if newlines >= n {
			break
		}
	}
	var all []byte
	for i := len(chunks) - 1; i >= 0; i-- {
		all = append(all, chunks[i]...)
	}
	body := all
	trailing := len(body) > 0 && body[len(body)-1] == '\n'
	if trailing {
		body = body[:len(body)-1]
	}
	// Keep the last n lines of what was read.
	cut := len(body)
	for i := 0; i < n; i++ {
		j := bytes.LastIndexByte(body[:cut], '\n')
		if j < 0 {
			cut = -1
			break
		}
		cut = j
	}
	if cut >= 0 {
		body = body[cut+1:]
	}
	if trailing {
		body = append(body, '\n')
	}
	return body, read, nil
}
