package download

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// liveRemux feeds an HLS download's .part to a StreamRemuxer while the
// segments arrive. It reads only the done prefix — the bytes of segments
// 0..k-1, which never change again within a call — through its own file
// handle, so the fetch never waits for the remuxer: a slow remuxer only
// lags behind and catches up from the page cache.
//
// Nothing of it is durable. A call that ends early (error, cancellation,
// kill) loses the remux output; the next call resumes the fetch from the
// state file as always and feeds the remuxer the whole .part again from
// byte 0, which costs a read of what is on disk, not a re-download.
type liveRemux struct {
	in     io.WriteCloser
	wait   func() error
	src    File
	cancel context.CancelFunc

	mu    sync.Mutex
	cond  *sync.Cond
	avail int64 // bytes of .part that are final
	end   bool  // avail will not grow any more
	abort bool  // stop feeding at once

	fed     chan struct{} // closed when the feeder has returned
	feedErr error

	out     string // the remuxer's output, whose writeback the feeder starts
	fs      FS
	outFile File
	kicked  int64 // output bytes handed to writeback
}

// moovReserve is the space reserved for an MP4 index of a stream of
// duration seconds: 2 KiB per second (an index takes about 0.5 KiB per
// second for 24 fps video with AAC audio, under 1 KiB at 60 fps with two
// audio tracks) plus 64 KiB. A reserve that proves too small fails the
// remux, and the .part is remuxed after the fetch with +faststart.
var moovReserve = func(duration float64) int64 { return int64(duration*2048) + 64<<10 }

// writebackOutput starts the kernel's writeback of what the remuxer has
// written so far, every 8 MiB, so that committing the output does not
// wait for all of it.
func (l *liveRemux) writebackOutput() {
	if l.outFile == nil {
		f, err := l.fs.OpenFile(l.out, os.O_RDONLY, 0)
		if err != nil {
			return // not created yet
		}
		l.outFile = f
	}
	fi, err := l.outFile.Stat()
	if err != nil || fi.Size()-l.kicked < 8<<20 {
		return
	}
	startWriteback(l.outFile, l.kicked, fi.Size()-l.kicked)
	l.kicked = fi.Size()
}

// startLive starts the remuxer on a pipe when it can remux a stream while
// it downloads; nil otherwise (the .part is remuxed after the fetch). avail
// is the length of the .part prefix already final (a resume).
func (j *job) startLive(ctx context.Context, p remuxPlan, avail int64, duration float64) *liveRemux {
	sr, ok := j.e.remuxer.(StreamRemuxer)
	if !ok || j.e.noLive || !p.remux || p.srcFmt != "mpegts" {
		return nil
	}
	if p.spec.Format == "mp4" {
		// Written once, front to back: its writeback can start as it
		// grows, and the final fsync finds little left.
		p.spec.MoovReserve = moovReserve(duration)
	}
	src, err := j.e.fs.OpenFile(j.part, os.O_RDONLY, 0)
	if err != nil {
		return nil
	}
	tmp := remuxTempPath(j.target)
	_ = j.e.fs.Remove(tmp) // a killed earlier call's output
	lctx, cancel := context.WithCancel(ctx)
	in, wait, err := sr.StartRemux(lctx, p.srcFmt, tmp, p.spec)
	if err != nil {
		cancel()
		src.Close()
		return nil
	}
	l := &liveRemux{in: in, wait: wait, src: src, cancel: cancel, avail: avail, fed: make(chan struct{}),
		out: tmp, fs: j.e.fs}
	l.cond = sync.NewCond(&l.mu)
	go l.feed()
	return l
}

// feed copies .part's final prefix to the remuxer as it grows, then
// closes the remuxer's input.
func (l *liveRemux) feed() {
	defer close(l.fed)
	buf := make([]byte, copyBufferSize)
	var pos int64
	for {
		l.mu.Lock()
		for pos >= l.avail && !l.end && !l.abort {
			l.cond.Wait()
		}
		avail, end, abort := l.avail, l.end, l.abort
		l.mu.Unlock()
		if abort {
			l.feedErr = errors.New("remux aborted")
			l.in.Close()
			return
		}
		if pos >= avail && end {
			l.feedErr = l.in.Close()
			return
		}
		n := min(avail-pos, int64(len(buf)))
		if _, err := io.ReadFull(l.src, buf[:n]); err != nil {
			l.feedErr = fmt.Errorf("read .part for remux: %w", err)
			l.in.Close()
			return
		}
		if _, err := l.in.Write(buf[:n]); err != nil {
			l.feedErr = fmt.Errorf("feed remuxer: %w", err) // it exited; wait says why
			l.in.Close()
			return
		}
		pos += n
		l.writebackOutput()
	}
}

// advance makes .part's first n bytes available to the remuxer.
func (l *liveRemux) advance(n int64) {
	l.mu.Lock()
	if n > l.avail {
		l.avail = n
	}
	l.mu.Unlock()
	l.cond.Signal()
}

// complete says .part is whole at n bytes: the remuxer gets the rest and
// its input is closed.
func (l *liveRemux) complete(n int64) {
	l.mu.Lock()
	l.avail, l.end = max(l.avail, n), true
	l.mu.Unlock()
	l.cond.Signal()
}

// result (after complete) waits for the remuxer and reports whether its
// output is whole.
func (l *liveRemux) result() error {
	<-l.fed
	err := l.wait()
	l.cancel()
	l.src.Close()
	l.closeOut()
	if err != nil {
		return err
	}
	return l.feedErr
}

// stop ends the remux early (the fetch failed or was cancelled): the
// remuxer is killed and its partial output removed by the caller.
func (l *liveRemux) stop() {
	l.mu.Lock()
	l.abort = true
	l.mu.Unlock()
	l.cond.Signal()
	l.cancel()
	<-l.fed
	_ = l.wait()
	l.src.Close()
	l.closeOut()
}

func (l *liveRemux) closeOut() {
	if l.outFile != nil {
		l.outFile.Close()
	}
}
