package download

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/aniworld/aniworld/internal/anime"
)

// slot is one segment travelling through the pipeline. A worker fills in
// length (and buf in buffered mode) and closes ready; the writer assigns
// the file offset in segment order. In streaming mode the worker then writes
// the body straight to that offset and closes done; in buffered mode the
// writer writes buf and closes done itself.
type slot struct {
	idx    int
	stream bool
	length int64
	buf    *bytes.Buffer
	err    error // set before ready closes: the fetch failed
	werr   error // set before done closes (streaming): the write failed
	ready  chan struct{}
	off    chan int64
	done   chan struct{}
}

// runSegments fetches segs[st.Done:] with bounded parallelism into f.
// Offsets are assigned strictly in segment order, so the file is the
// in-order concatenation; st advances over the contiguous prefix of
// segments fully written, and written is called for each.
//
// Clear segments with a Content-Length are streamed to their offset as
// they arrive (no buffering); encrypted segments, init sections, byte
// ranges and bodies of unknown length are buffered whole first.
func (j *job) runSegments(ctx context.Context, segs []Segment, keys map[string][]byte, st *state, f File, written func(int)) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(wctx)
	conc := j.e.concurrency
	slots := make(chan *slot, 2*conc) // bounds read-ahead and buffered memory
	jobs := make(chan *slot)
	free := make(chan *bytes.Buffer, 2*conc+1) // recycled segment buffers

	g.Go(func() error { // dispatcher: slots reach the writer and the workers in order
		defer close(jobs)
		defer close(slots)
		for i := st.Done; i < len(segs); i++ {
			s := &slot{idx: i, ready: make(chan struct{}), off: make(chan int64, 1), done: make(chan struct{})}
			select {
			case slots <- s:
			case <-gctx.Done():
				return nil
			}
			select {
			case jobs <- s:
			case <-gctx.Done():
				return nil
			}
		}
		return nil
	})
	for range conc {
		g.Go(func() error {
			chunk := make([]byte, copyBufferSize)
			for s := range jobs {
				if err := j.runSlot(gctx, segs, s, keys, f, free, chunk); err != nil {
					return err
				}
			}
			return nil
		})
	}

	werr := j.writeSlots(gctx, cancel, slots, st, f, free, written)
	gerr := g.Wait()
	switch {
	case werr != nil && !errors.Is(werr, context.Canceled):
		return werr
	case gerr != nil:
		return gerr
	case ctx.Err() != nil:
		return ctx.Err()
	}
	return werr
}

// writeSlots is the writer: it assigns offsets in order, writes buffered
// slots and advances the done prefix as slots complete.
func (j *job) writeSlots(gctx context.Context, cancel context.CancelFunc, slots <-chan *slot, st *state, f File, free chan *bytes.Buffer, written func(int)) error {
	w := &slotWriter{j: j, ctx: gctx, st: st, f: f, free: free, written: written,
		name: filepath.Base(j.part), cursor: st.Offset, lastCheckpoint: j.e.now()}
	var werr error
	for s := range slots {
		if werr != nil {
			continue // drain so the dispatcher can finish
		}
		if werr = w.take(s); werr != nil {
			cancel()
		}
	}
	if werr == nil {
		if werr = w.advance(true); werr != nil {
			cancel()
		}
	}
	return werr
}

// slotWriter is writeSlots' state: the next free offset and the slots
// placed but not yet retired into the done prefix, oldest first.
type slotWriter struct {
	j              *job
	ctx            context.Context
	st             *state
	f              File
	free           chan *bytes.Buffer
	written        func(int)
	name           string
	cursor         int64
	inflight       []placedSlot
	lastCheckpoint time.Time
}

// placedSlot is a slot with the end offset of its bytes.
type placedSlot struct {
	s   *slot
	end int64
}

// take waits until s knows its length, places it at the cursor (a
// streaming slot writes itself there, a buffered one is written now) and
// retires the slots that finished.
func (w *slotWriter) take(s *slot) error {
	if err := w.waitReady(s); err != nil {
		return err
	}
	if s.err != nil {
		return s.err
	}
	if s.stream {
		s.off <- w.cursor
	} else if err := w.writeBuffered(s); err != nil {
		return err
	}
	w.cursor += s.length
	w.inflight = append(w.inflight, placedSlot{s, w.cursor})
	return w.advance(false)
}

// waitReady waits for s, meanwhile retiring streamed slots that finish.
func (w *slotWriter) waitReady(s *slot) error {
	for {
		var headDone <-chan struct{}
		if len(w.inflight) > 0 {
			headDone = w.inflight[0].s.done
		}
		select {
		case <-s.ready:
			return nil
		case <-headDone:
			if err := w.advance(false); err != nil {
				return err
			}
		case <-w.ctx.Done():
			return context.Cause(w.ctx)
		}
	}
}

// writeBuffered writes a buffered slot at the cursor and recycles its
// buffer.
func (w *slotWriter) writeBuffered(s *slot) error {
	if _, err := w.f.WriteAt(s.buf.Bytes(), w.cursor); err != nil {
		return wrapWrite(w.name, err)
	}
	startWriteback(w.f, w.cursor, s.length)
	select {
	case w.free <- s.buf:
	default:
	}
	s.buf = nil
	close(s.done)
	return nil
}

// advance retires finished slots at the head of inflight into the done
// prefix (waiting for each when block), checkpointing every
// checkpointEvery.
func (w *slotWriter) advance(block bool) error {
	for len(w.inflight) > 0 {
		p := w.inflight[0]
		if block {
			select {
			case <-p.s.done:
			case <-w.ctx.Done():
				return context.Cause(w.ctx)
			}
		} else {
			select {
			case <-p.s.done:
			default:
				return nil
			}
		}
		if p.s.werr != nil {
			return p.s.werr
		}
		w.inflight = w.inflight[1:]
		w.st.Done, w.st.Offset = p.s.idx+1, p.end
		w.written(p.s.idx)
		if err := w.checkpoint(); err != nil {
			return err
		}
	}
	return nil
}

// checkpoint fsyncs .part and saves the state when checkpointEvery has
// passed since the last one.
func (w *slotWriter) checkpoint() error {
	now := w.j.e.now()
	if now.Sub(w.lastCheckpoint) < checkpointEvery {
		return nil
	}
	w.lastCheckpoint = now
	if err := w.f.Sync(); err != nil {
		return wrapWrite(w.name, err)
	}
	return w.j.saveState(w.st)
}

// runSlot fetches one slot. It always closes s.ready (with s.err set on
// failure before the length is known) and, for streaming slots, s.done
// (with s.werr set when streaming the body failed).
func (j *job) runSlot(ctx context.Context, segs []Segment, s *slot, keys map[string][]byte, f File, free chan *bytes.Buffer, chunk []byte) (err error) {
	readyClosed := false
	defer func() {
		switch {
		case !readyClosed:
			s.err = err
			close(s.ready)
		case s.stream:
			s.werr = err
			close(s.done)
		}
	}()
	seg := segs[s.idx]
	needMap := seg.Map != nil && (s.idx == 0 || segs[s.idx-1].Map != seg.Map)
	if seg.Key == nil && !needMap && seg.Range == nil {
		var resp *response
		err := j.e.retry(ctx, func() error {
			r, err := j.get(ctx, seg.URI, nil)
			resp = r
			return err
		})
		if err != nil {
			return fmt.Errorf("segment %d: %w", s.idx, err)
		}
		if n := resp.ContentLength; n >= 0 && n <= maxSegmentBytes {
			s.stream, s.length = true, n
			readyClosed = true
			close(s.ready)
			var off int64
			select {
			case off = <-s.off:
			case <-ctx.Done():
				resp.close()
				return ctx.Err()
			}
			if err := j.streamSegment(ctx, resp, seg.URI, f, off, n, chunk); err != nil {
				return fmt.Errorf("segment %d: %w", s.idx, err)
			}
			startWriteback(f, off, n)
			return nil
		}
		resp.close() // unknown length: fetch it again, buffered
	}
	var buf *bytes.Buffer
	select {
	case buf = <-free:
		buf.Reset()
	default:
		buf = new(bytes.Buffer)
	}
	if err := j.fetchSegment(ctx, segs, s.idx, keys, buf); err != nil {
		return err
	}
	s.buf, s.length = buf, int64(buf.Len())
	readyClosed = true
	close(s.ready)
	return nil
}

// streamSegment copies a segment body of exactly n bytes to f at off,
// retrying with a fresh request (which must announce the same length) when
// the transfer breaks.
func (j *job) streamSegment(ctx context.Context, first *response, uri string, f File, off, n int64, chunk []byte) error {
	name := filepath.Base(j.part)
	return j.e.retry(ctx, func() error {
		resp := first
		first = nil
		if resp == nil {
			r, err := j.get(ctx, uri, nil)
			if err != nil {
				return err
			}
			if r.ContentLength != n {
				r.close()
				return permanent(fmt.Errorf("%w: segment length changed from %d to %d between requests", anime.ErrProvider, n, r.ContentLength))
			}
			resp = r
		}
		defer resp.close()
		var done int64
		for done < n {
			m, rerr := resp.Read(chunk[:min(int64(len(chunk)), n-done)])
			if m > 0 {
				if _, err := f.WriteAt(chunk[:m], off+done); err != nil {
					return wrapWrite(name, err)
				}
				done += int64(m)
			}
			if rerr == io.EOF {
				break
			}
			if rerr != nil {
				return fmt.Errorf("read body: %w", rerr)
			}
		}
		if done != n {
			return fmt.Errorf("read body: %w after %d of %d bytes", io.ErrUnexpectedEOF, done, n)
		}
		return nil
	})
}
