package httpclient

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// send runs one attempt under a stall timer: the attempt is cancelled when
// connecting, waiting for headers or reading the body makes no progress
// for Timeout.
func (c *Client) send(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	timer := time.AfterFunc(c.opts.Timeout, cancel)
	resp, err := c.hc.Do(req.WithContext(ctx))
	if err != nil {
		timer.Stop()
		cancel()
		if req.Context().Err() == nil && ctx.Err() != nil {
			err = fmt.Errorf("no progress for %v: %w", c.opts.Timeout, err)
		}
		return nil, err
	}
	timer.Reset(c.opts.Timeout)
	resp.Body = &stallBody{rc: resp.Body, timer: timer, cancel: cancel, d: c.opts.Timeout}
	return resp, nil
}

// stallBody re-arms the stall timer on every read that makes progress and
// releases it on Close.
type stallBody struct {
	rc     io.ReadCloser
	timer  *time.Timer
	cancel context.CancelFunc
	d      time.Duration
}

func (b *stallBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.timer.Reset(b.d)
	}
	return n, err
}

func (b *stallBody) Close() error {
	b.timer.Stop()
	err := b.rc.Close()
	b.cancel()
	return err
}

// backoff is BackoffBase·2^attempt with ±20% jitter.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.opts.BackoffBase << min(attempt, 20)
	if d <= 0 || d > c.opts.BackoffMax {
		d = c.opts.BackoffMax
	}
	jitter := 0.8 + 0.4*rand.Float64()
	return time.Duration(float64(d) * jitter)
}

// retryAfter parses a Retry-After header (seconds or an HTTP date).
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func isIdempotent(m string) bool {
	switch m {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete, http.MethodTrace:
		return true
	}
	return false
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
