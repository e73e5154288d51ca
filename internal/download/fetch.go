package download

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/attempt"
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

// retryable reports whether err is worth another attempt. A stall
// (attempt.ErrStalled: no byte for StallTimeout, from the engine's own
// timer or the HTTP client's) is; the caller's cancellation is not.
func retryable(err error) bool {
	var se *StatusError
	var pe *permanentError
	var we *writeError
	switch {
	case errors.Is(err, attempt.ErrStalled):
		return true
	case errors.As(err, &se):
		return se.transient()
	case errors.As(err, &pe), errors.As(err, &we):
		return false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	return true
}

// backoff waits before try+1 as the engine's retry policy says; it returns
// ctx's error if cancelled.
func (e *Engine) backoff(ctx context.Context, try int, err error) error {
	var hint time.Duration
	var ra *retryAfterError
	if errors.As(err, &ra) {
		hint = ra.after
	}
	return attempt.Sleep(ctx, e.policy.Delay(try, hint))
}

// retryAfterError carries a server's Retry-After hint.
type retryAfterError struct {
	*StatusError
	after time.Duration
}

func (r *retryAfterError) Unwrap() error { return r.StatusError }

// retry runs fn until it succeeds, fails permanently or exhausts the
// policy's retries. The engine is the only one retrying its requests (get
// marks them attempt.CallerRetries), so fn runs at most Retries+1 times.
func (e *Engine) retry(ctx context.Context, fn func() error) error {
	for try := 0; ; try++ {
		err := fn()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		if !retryable(err) || try >= e.policy.Retries {
			return err
		}
		if berr := e.backoff(ctx, try, err); berr != nil {
			return fmt.Errorf("%w (%w)", berr, err)
		}
	}
}

// response is an open response whose body is guarded by the stall timer.
type response struct {
	*http.Response
	body io.ReadCloser
}

// Read reads the body, re-arming the stall timer on progress.
func (r *response) Read(p []byte) (int, error) { return r.body.Read(p) }

// close releases the response and its stall timer.
func (r *response) close() { r.body.Close() }

// get sends one GET with the stream's headers plus extra ones, under the
// stall timer (attempt.Guard) and marked so the HTTP client does not retry
// it: the engine's retry policy repeats it. Non-2xx statuses are returned
// as *StatusError with the response closed.
func (j *job) get(ctx context.Context, rawURL string, extra http.Header) (*response, error) {
	rctx, guard := attempt.Watch(attempt.CallerRetries(ctx), j.e.stallTimeout)
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, rawURL, nil)
	if err != nil {
		guard.Stop()
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
		err = guard.Err(err)
		guard.Stop()
		return nil, fmt.Errorf("request %s: %w", req.URL.Host, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		guard.Stop()
		se := &StatusError{Code: resp.StatusCode, Host: req.URL.Host, Path: req.URL.Path}
		if after := attempt.RetryAfter(resp.Header.Get("Retry-After"), time.Now()); after > 0 {
			return nil, &retryAfterError{se, after}
		}
		return nil, se
	}
	return &response{Response: resp, body: guard.Body(resp.Body)}, nil
}

// finalURL is the URL a response came from after redirects.
func finalURL(r *http.Response, fallback string) *url.URL {
	if r.Request != nil && r.Request.URL != nil {
		return r.Request.URL
	}
	u, _ := url.Parse(fallback)
	return u
}
