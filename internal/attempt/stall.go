// Package attempt bounds and repeats outbound HTTP attempts. It is the one
// owner of two rules that the HTTP client (internal/httpclient) and the
// download engine (internal/download) both apply: the stall timer that ends
// an attempt making no progress, and the retry policy (how often, and how
// long to wait between tries).
package attempt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// ErrStalled is the cause of an attempt ended by its stall timer:
// errors.Is(err, ErrStalled) holds for every error a Guard reports as a stall.
var ErrStalled = errors.New("stalled")

// StallError is an attempt that made no progress for After. It unwraps to
// ErrStalled. The attempt's own error is dropped: it only says that the
// Guard cancelled the attempt.
type StallError struct {
	After time.Duration
}

func (e *StallError) Error() string { return fmt.Sprintf("no progress for %v", e.After) }

// Unwrap answers ErrStalled.
func (e *StallError) Unwrap() error { return ErrStalled }

// Guard is the stall timer of one attempt: it cancels the attempt's context
// when connecting, waiting for the response headers or reading the body
// makes no progress for its duration. Every read that returns bytes re-arms
// it. A Guard is released by Stop (or by closing the Body it wrapped).
type Guard struct {
	parent context.Context
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	d      time.Duration
	once   sync.Once
}

// Watch starts a Guard of d over parent. Send the attempt with the answered
// context.
func Watch(parent context.Context, d time.Duration) (context.Context, *Guard) {
	ctx, cancel := context.WithCancelCause(parent)
	g := &Guard{parent: parent, ctx: ctx, cancel: cancel, d: d}
	g.timer = time.AfterFunc(d, func() { cancel(ErrStalled) })
	return ctx, g
}

// Progress re-arms the timer: the attempt moved.
func (g *Guard) Progress() { g.timer.Reset(g.d) }

// Stalled reports whether the timer ended the attempt (and not the parent
// context, whose own cancellation is never a stall).
func (g *Guard) Stalled() bool {
	return g.parent.Err() == nil && errors.Is(context.Cause(g.ctx), ErrStalled)
}

// Err is err as the attempt should report it: a *StallError when the timer
// ended the attempt, otherwise err unchanged (a refused connection stays a
// dial error, a cancelled parent stays a cancellation). Call it before Stop.
func (g *Guard) Err(err error) error {
	if err == nil || !g.Stalled() {
		return err
	}
	return &StallError{After: g.d}
}

// Stop releases the timer and the attempt's context. It is safe to call
// more than once.
func (g *Guard) Stop() {
	g.once.Do(func() {
		g.timer.Stop()
		g.cancel(nil)
	})
}

// Body wraps a response body: reads that return bytes re-arm the timer, a
// read failing because the timer fired reports a *StallError, and Close
// closes rc and stops the Guard.
func (g *Guard) Body(rc io.ReadCloser) io.ReadCloser {
	g.Progress()
	return &guardedBody{rc: rc, g: g}
}

type guardedBody struct {
	rc io.ReadCloser
	g  *Guard
}

func (b *guardedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.g.Progress()
	}
	if err != nil && err != io.EOF {
		err = b.g.Err(err)
	}
	return n, err
}

func (b *guardedBody) Close() error {
	err := b.rc.Close()
	b.g.Stop()
	return err
}
