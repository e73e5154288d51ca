package attempt

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Policy is how a failed attempt is repeated: up to Retries more tries,
// waiting Base·2^n (±20% jitter) before try n+1, never longer than Max, or
// the server's Retry-After hint when it gave one (capped by Max too).
//
// Each request has exactly one owner of its retries. The HTTP client
// retries what it sends unless the request's context says the caller
// retries (CallerRetries): the download engine does, because only it can
// resume a body cut mid-way, so its requests are sent once by the client
// and repeated by the engine's own Policy.
type Policy struct {
	Retries int
	Base    time.Duration
	Max     time.Duration
}

// Delay is the wait before the try after attempt (0-based); hint is a
// server's Retry-After (0 when none).
func (p Policy) Delay(attempt int, hint time.Duration) time.Duration {
	if hint > 0 {
		return min(hint, p.Max)
	}
	d := p.Base << min(attempt, 20)
	if d <= 0 || d > p.Max {
		d = p.Max
	}
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// RetryAfter parses a Retry-After header value (seconds or an HTTP date);
// 0 when absent, malformed or in the past.
func RetryAfter(v string, now time.Time) time.Duration {
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

// Sleep waits d or until ctx is done (then it answers ctx's error).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// callerRetriesKey marks a context whose requests the caller retries.
type callerRetriesKey struct{}

// CallerRetries marks a request context: the caller repeats failed
// attempts itself, so the HTTP client sends the request once.
func CallerRetries(ctx context.Context) context.Context {
	return context.WithValue(ctx, callerRetriesKey{}, true)
}

// RetriedByCaller reports whether ctx was marked by CallerRetries.
func RetriedByCaller(ctx context.Context) bool { return ctx.Value(callerRetriesKey{}) != nil }
