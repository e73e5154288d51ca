package auth

import (
	"math"
	"sync"
	"time"
)

// DefaultMaxKeys bounds a limiter's memory when the caller passes no bound.
const DefaultMaxKeys = 10000

// Decision is a limiter's answer for one request.
type Decision struct {
	Allowed bool
	// Limit is the number of requests allowed per window.
	Limit int
	// Remaining is how many more requests the key may make right now.
	Remaining int
	// RetryAfter is, for a refused request, how long until requests are
	// allowed again (any time after it has passed); zero when Allowed.
	RetryAfter time.Duration
}

// Limiter is a keyed sliding-window rate limiter: each key may make Limit
// requests per window, estimated from the current and previous fixed
// window (prev*(1-elapsed/window) + curr), so a burst cannot double up
// across a window boundary. At most maxKeys keys are tracked; when full the
// least recently used key is forgotten. Safe for concurrent use.
type Limiter struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	keys *lru[windowCount]
}

// windowCount is one key's state: request counts of the window starting at
// start and of the window before it. 40 bytes.
type windowCount struct {
	start      time.Time
	prev, curr int
}

// LimiterOption configures a Limiter.
type LimiterOption func(*Limiter)

// WithClock makes the limiter read time from now instead of time.Now.
func WithClock(now func() time.Time) LimiterOption {
	return func(l *Limiter) {
		if now != nil {
			l.now = now
		}
	}
}

// NewLimiter returns a limiter allowing limit requests per window for each
// key and tracking at most maxKeys keys (DefaultMaxKeys if maxKeys <= 0).
// A limit <= 0 or window <= 0 yields a limiter that allows everything.
func NewLimiter(limit int, window time.Duration, maxKeys int, opts ...LimiterOption) *Limiter {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	l := &Limiter{limit: limit, window: window, now: time.Now, keys: newLRU[windowCount](maxKeys)}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Limit is the number of requests allowed per window.
func (l *Limiter) Limit() int { return l.limit }

// Window is the limiter's window length.
func (l *Limiter) Window() time.Duration { return l.window }

// Len is the number of keys currently tracked (never above maxKeys).
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.keys.len()
}

// Allow records one request for key if it is within the limit and reports
// the decision. Refused requests are not counted.
func (l *Limiter) Allow(key string) Decision {
	if l.limit <= 0 || l.window <= 0 {
		return Decision{Allowed: true, Limit: l.limit, Remaining: math.MaxInt32}
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.keys.get(key)
	if !ok {
		c = l.keys.add(key, windowCount{start: now})
	}
	elapsed := now.Sub(c.start)
	if elapsed < 0 { // clock stepped back: restart the window here
		c.start, elapsed = now, 0
	}
	if elapsed >= l.window {
		n := elapsed / l.window
		if n == 1 {
			c.prev = c.curr
		} else {
			c.prev = 0
		}
		c.curr = 0
		c.start = c.start.Add(n * l.window)
		elapsed -= n * l.window
	}
	frac := float64(elapsed) / float64(l.window)
	est := float64(c.prev)*(1-frac) + float64(c.curr)
	if est < float64(l.limit) {
		c.curr++
		rem := l.limit - int(math.Ceil(est+1))
		return Decision{Allowed: true, Limit: l.limit, Remaining: max(rem, 0)}
	}
	return Decision{Limit: l.limit, RetryAfter: l.retryAfter(*c, elapsed)}
}

// retryAfter is the time from now after which a refused key's estimate is
// below the limit.
func (l *Limiter) retryAfter(c windowCount, elapsed time.Duration) time.Duration {
	w := float64(l.window)
	var d float64
	if c.curr < l.limit && c.prev > 0 {
		// Still inside this window once enough of prev has slid out.
		d = w*(1-float64(l.limit-c.curr)/float64(c.prev)) - float64(elapsed)
	} else {
		// Wait for the next window, where curr becomes prev.
		d = w - float64(elapsed)
		if c.curr > 0 {
			d += w * math.Max(0, 1-float64(l.limit)/float64(c.curr))
		}
	}
	return max(time.Duration(math.Ceil(d)), time.Nanosecond)
}
