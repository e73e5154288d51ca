package auth

import (
	"fmt"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// LockoutPolicy says when a client is locked out of login: after
// MaxFailures failed logins within Window, for Duration.
type LockoutPolicy struct {
	MaxFailures int
	Window      time.Duration
	Duration    time.Duration
}

// DefaultLockoutPolicy is 5 failures within 60 s lock the client for 5 min.
func DefaultLockoutPolicy() LockoutPolicy {
	return LockoutPolicy{MaxFailures: 5, Window: 60 * time.Second, Duration: 5 * time.Minute}
}

// LockedError is returned by Login while a client is locked out. It wraps
// anime.ErrRateLimited; RetryAfter feeds the Retry-After header.
type LockedError struct {
	RetryAfter time.Duration
}

// Error says the client is locked out and for how long.
func (e *LockedError) Error() string {
	return fmt.Sprintf("too many failed login attempts; try again in %s", e.RetryAfter.Round(time.Second))
}

// Unwrap makes errors.Is(err, anime.ErrRateLimited) true.
func (e *LockedError) Unwrap() error { return anime.ErrRateLimited }

// lockout tracks failed logins per client. Memory is bounded: at most
// maxClients clients, least recently seen forgotten first.
type lockout struct {
	pol LockoutPolicy

	mu      sync.Mutex
	clients *lru[lockState]
}

type lockState struct {
	failures    []time.Time // within the window, oldest first, at most MaxFailures
	inflight    int         // attempts whose password check is running
	lockedUntil time.Time
}

func newLockout(pol LockoutPolicy, maxClients int) *lockout {
	return &lockout{pol: pol, clients: newLRU[lockState](maxClients)}
}

// begin reserves an attempt for client or refuses it with *LockedError.
// Attempts in flight count like failures, so a parallel burst cannot slip
// more than MaxFailures guesses past the lock. Every successful begin must
// be followed by exactly one of succeed, fail or abort.
func (l *lockout) begin(client string, now time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	st, ok := l.clients.get(client)
	if !ok {
		st = l.clients.add(client, lockState{})
	}
	if now.Before(st.lockedUntil) {
		return &LockedError{RetryAfter: st.lockedUntil.Sub(now)}
	}
	st.prune(now, l.pol.Window)
	if len(st.failures)+st.inflight >= l.pol.MaxFailures {
		retry := time.Second
		if len(st.failures) > 0 {
			retry = max(st.failures[0].Add(l.pol.Window).Sub(now), time.Second)
		}
		return &LockedError{RetryAfter: retry}
	}
	st.inflight++
	return nil
}

// succeed clears client's failures after a correct password.
func (l *lockout) succeed(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clients.remove(client)
}

// abort releases a reservation without counting a failure.
func (l *lockout) abort(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if st, ok := l.clients.peek(client); ok && st.inflight > 0 {
		st.inflight--
	}
}

// fail records a wrong password and locks the client once MaxFailures
// failures fall within the window.
func (l *lockout) fail(client string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st, ok := l.clients.get(client)
	if !ok { // forgotten while in flight: start afresh
		st = l.clients.add(client, lockState{inflight: 1})
	}
	if st.inflight > 0 {
		st.inflight--
	}
	st.prune(now, l.pol.Window)
	st.failures = append(st.failures, now)
	if len(st.failures) >= l.pol.MaxFailures {
		st.lockedUntil = now.Add(l.pol.Duration)
		st.failures = st.failures[:0]
	}
}

// prune drops failures older than window.
func (st *lockState) prune(now time.Time, window time.Duration) {
	i := 0
	for i < len(st.failures) && now.Sub(st.failures[i]) >= window {
		i++
	}
	if i > 0 {
		st.failures = append(st.failures[:0], st.failures[i:]...)
	}
}
