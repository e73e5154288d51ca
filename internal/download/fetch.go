package download

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// StatusError is an unexpected HTTP status. It unwraps to the matching
// sentinel (403 -> anime.ErrForbidden, 404 -> anime.ErrNotFound, 429 ->
// anime.ErrRateLimited, otherwise anime.ErrProvider).
type StatusError struct {
	Code int
	Host string // the host asked; the full URL may carry tokens and is never shown
	Path string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("http %d from %s", e.Code, e.Host)
}

// Unwrap maps the status to a sentinel error.
func (e *StatusError) Unwrap() error {
	switch e.Code {
	case http.StatusUnauthorized, http.StatusForbidden:
		return anime.ErrForbidden
	case http.StatusNotFound, http.StatusGone:
		return anime.ErrNotFound
	case http.StatusTooManyRequests:
		return anime.ErrRateLimited
	}
	return anime.ErrProvider
}

func (e *StatusError) transient() bool {
	return e.Code == http.StatusRequestTimeout || e.Code == http.StatusTooManyRequests || e.Code >= 500
}

// permanentError marks a failure that retrying cannot fix (bad data).
type permanentError struct{ err error }

func (p *permanentError) Error() string { return p.err.Error() }
func (p *permanentError) Unwrap() error { return p.err }

func permanent(err error) error { return &permanentError{err} }

var errStalled = errors.New("no data received within the stall timeout")

// retryable reports whether err is worth another attempt.
func retryable(err error) bool {
	var se *StatusError
	var pe *permanentError
	var we *writeError
	switch {
	case errors.As(err, &se):
		return se.transient()
	case errors.As(err, &pe), errors.As(err, &we):
		return false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return errors.Is(err, errStalled)
	}
	return true
}

// backoff waits before attempt+1; it returns ctx's error if cancelled.
func (e *Engine) backoff(ctx context.Context, attempt int, err error) error {
	d := e.retryBase << min(attempt, 20)
	if d > e.retryMax || d <= 0 {
		d = e.retryMax
	}
	// Full jitter in [d/2, d].
	d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	var ra *retryAfterError
	if errors.As(err, &ra) && ra.after > d {
		d = min(ra.after, e.retryMax)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryAfterError carries a server's Retry-After hint.
type retryAfterError struct {
	*StatusError
	after time.Duration
}

func (r *retryAfterError) Unwrap() error { return r.StatusError }

// retry runs fn until it succeeds, fails permanently or exhausts retries.
func (e *Engine) retry(ctx context.Context, fn func() error) error {
	for attempt := 0; ; attempt++ {
		err := fn()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		if !retryable(err) || attempt >= e.retries {
			return err
		}
		if berr := e.backoff(ctx, attempt, err); berr != nil {
			return fmt.Errorf("%w (%w)", berr, err)
		}
	}
}

// response is an open response whose body is guarded by the stall timer.
type response struct {
	*http.Response
	body   io.Reader
	cancel context.CancelCauseFunc
	timer  *time.Timer
	once   sync.Once
}

// Read reads the body, re-arming the stall timer on progress.
func (r *response) Read(p []byte) (int, error) { return r.body.Read(p) }

// close releases the response.
func (r *response) close() {
	r.once.Do(func() {
		r.timer.Stop()
		r.Body.Close()
		r.cancel(nil)
	})
}

// stallReader re-arms a timer after every successful read.
type stallReader struct {
	r     io.Reader
	timer *time.Timer
	d     time.Duration
	ctx   context.Context
}

func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.timer.Reset(s.d)
	}
	if err != nil && err != io.EOF && errors.Is(context.Cause(s.ctx), errStalled) {
		err = fmt.Errorf("read body: %w", errStalled)
	}
	return n, err
}

// get sends a GET with the stream's headers plus extra ones. Non-2xx
// statuses are returned as *StatusError with the response closed.
func (j *job) get(ctx context.Context, rawURL string, extra http.Header) (*response, error) {
	rctx, cancel := context.WithCancelCause(ctx)
	timer := time.AfterFunc(j.e.stallTimeout, func() { cancel(errStalled) })
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, rawURL, nil)
	if err != nil {
		timer.Stop()
		cancel(nil)
		return nil, permanent(fmt.Errorf("%w: bad url: %v", anime.ErrInvalid, err))
	}
	for k, vs := range j.stream.Headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	for k, vs := range extra {
		req.Header[k] = vs
	}
	resp, err := j.e.client.Do(req)
	if err != nil {
		timer.Stop()
		cause := context.Cause(rctx)
		cancel(nil)
		if errors.Is(cause, errStalled) && ctx.Err() == nil {
			return nil, fmt.Errorf("request %s: %w", req.URL.Host, errStalled)
		}
		return nil, fmt.Errorf("request %s: %w", req.URL.Host, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		timer.Stop()
		cancel(nil)
		se := &StatusError{Code: resp.StatusCode, Host: req.URL.Host, Path: req.URL.Path}
		if s := resp.Header.Get("Retry-After"); s != "" {
			if n, err := strconv.Atoi(s); err == nil && n >= 0 {
				return nil, &retryAfterError{se, time.Duration(n) * time.Second}
			}
		}
		return nil, se
	}
	timer.Reset(j.e.stallTimeout)
	r := &response{Response: resp, cancel: cancel, timer: timer}
	r.body = &stallReader{r: resp.Body, timer: timer, d: j.e.stallTimeout, ctx: rctx}
	return r, nil
}

// finalURL is the URL a response came from after redirects.
func finalURL(r *http.Response, fallback string) *url.URL {
	if r.Request != nil && r.Request.URL != nil {
		return r.Request.URL
	}
	u, _ := url.Parse(fallback)
	return u
}
