package notify

import (
	"fmt"
	"sync"
	"time"
)

// HealthWatch turns check results into problem and recovery messages: a
// check that starts failing sends one problem, one that passes again
// sends one recovery; repeats send nothing.
type HealthWatch struct {
	notify func(Message)
	now    func() time.Time
	mu     sync.Mutex
	failed map[string]string
}

// NewHealthWatch builds a watch that sends through notify.
func NewHealthWatch(notify func(Message), now func() time.Time) *HealthWatch {
	if now == nil {
		now = time.Now
	}
	return &HealthWatch{notify: notify, now: now, failed: map[string]string{}}
}

// Observe records the result of a check ("provider aniworld.to",
// "disk"); err nil means it passed.
func (h *HealthWatch) Observe(check string, err error) {
	h.mu.Lock()
	_, was := h.failed[check]
	switch {
	case err != nil && !was:
		h.failed[check] = err.Error()
	case err == nil && was:
		delete(h.failed, check)
	default:
		h.mu.Unlock()
		return
	}
	h.mu.Unlock()
	m := Message{Event: Health, Check: check, Time: h.now().UTC()}
	if err != nil {
		m.Title = "Problem: " + check
		m.Message, m.Error = err.Error(), err.Error()
	} else {
		m.Title, m.Message, m.Recovered = "Recovered: "+check, fmt.Sprintf("%s works again", check), true
	}
	h.notify(m)
}

// Failing answers the checks that fail now, with their errors.
func (h *HealthWatch) Failing() map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]string, len(h.failed))
	for k, v := range h.failed {
		out[k] = v
	}
	return out
}
