package httpclient

import (
	"io"
	"net/http"

	"github.com/aniworld/aniworld/internal/attempt"
)

// send runs one attempt under the stall timer (attempt.Guard): the attempt
// is cancelled when connecting, waiting for headers or reading the body
// makes no progress for Timeout, and only then reported as a stall; any
// other failure (a refused connection, a DNS error) is reported as itself.
func (c *Client) send(req *http.Request) (*http.Response, error) {
	ctx, guard := attempt.Watch(req.Context(), c.opts.Timeout)
	resp, err := c.hc.Do(req.WithContext(ctx))
	if err != nil {
		err = guard.Err(err)
		guard.Stop()
		return nil, err
	}
	resp.Body = guard.Body(resp.Body)
	return resp, nil
}

// policy is the client's retry policy (attempt.Policy) from its options.
func (c *Client) policy() attempt.Policy {
	return attempt.Policy{Retries: c.opts.Retries, Base: c.opts.BackoffBase, Max: c.opts.BackoffMax}
}

// retries is how often req may be repeated: the configured number for an
// idempotent request whose body can be replayed, none for a request whose
// caller repeats it itself (attempt.CallerRetries) or that cannot be sent
// twice.
func (c *Client) retries(req *http.Request) int {
	if attempt.RetriedByCaller(req.Context()) {
		return 0
	}
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	if (isIdempotent(req.Method) && replayable) || req.GetBody != nil {
		return c.opts.Retries
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
