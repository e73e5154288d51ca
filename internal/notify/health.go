package notify

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// HealthRule says when a failing check becomes a problem worth a message:
// after Failures failed results in a row, or once it has been failing
// without a success in between for at least For — whichever comes first.
// One success ends the streak (and sends a recovery if a problem was
// sent). The zero rule raises a problem on the first failure.
type HealthRule struct {
	Failures int
	For      time.Duration
}

// HealthWatch turns check results into problem and recovery messages: a
// check that keeps failing (its rule) sends one problem, one that passes
// again sends one recovery; repeats and single blips send nothing.
type HealthWatch struct {
	notify func(Message)
	now    func() time.Time
	mu     sync.Mutex
	rules  map[string]HealthRule // by check prefix
	checks map[string]*checkState
}

type checkState struct {
	streak int       // failures in a row
	since  time.Time // first failure of the streak
	err    string    // the latest failure
	raised bool      // a problem message was sent
}

// NewHealthWatch builds a watch that sends through notify.
func NewHealthWatch(notify func(Message), now func() time.Time) *HealthWatch {
	if now == nil {
		now = time.Now
	}
	return &HealthWatch{notify: notify, now: now, rules: map[string]HealthRule{}, checks: map[string]*checkState{}}
}

// SetRule sets the rule of every check whose name starts with prefix
// ("provider ", "hoster "); the longest matching prefix wins.
func (h *HealthWatch) SetRule(prefix string, r HealthRule) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.rules[prefix] = r
}

func (h *HealthWatch) rule(check string) HealthRule {
	best, r := -1, HealthRule{}
	for p, pr := range h.rules {
		if strings.HasPrefix(check, p) && len(p) > best {
			best, r = len(p), pr
		}
	}
	return r
}

// Observe records the result of a check ("provider aniworld.to",
// "hoster VOE", "disk"); err nil means it passed.
func (h *HealthWatch) Observe(check string, err error) {
	now := h.now().UTC()
	h.mu.Lock()
	st := h.checks[check]
	var m *Message
	switch {
	case err == nil && st == nil:
	case err == nil:
		delete(h.checks, check)
		if st.raised {
			m = &Message{Title: "Recovered: " + check, Message: fmt.Sprintf("%s works again", check), Recovered: true}
		}
	default:
		if st == nil {
			st = &checkState{since: now}
			h.checks[check] = st
		}
		st.streak++
		st.err = err.Error()
		r := h.rule(check)
		if !st.raised && (st.streak >= max(r.Failures, 1) || (r.For > 0 && now.Sub(st.since) >= r.For)) {
			st.raised = true
			m = &Message{Title: "Problem: " + check, Message: st.err, Error: st.err}
		}
	}
	h.mu.Unlock()
	if m != nil {
		m.Event, m.Check, m.Time = Health, check, now
		h.notify(*m)
	}
}

// Failing answers the checks that are a problem now (their rule was met
// and they have not passed since), with their latest errors.
func (h *HealthWatch) Failing() map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]string{}
	for k, st := range h.checks {
		if st.raised {
			out[k] = st.err
		}
	}
	return out
}

// Forget drops a check's state without a message (the check was turned
// off: neither a problem nor a recovery can be told any more).
func (h *HealthWatch) Forget(check string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.checks, check)
}
