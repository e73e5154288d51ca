package doctor

import "github.com/aniworld/aniworld/internal/provider"

// OnAttempt adds fn to what hears every attempt RecordAttempt counts
// (health watching); fn runs after the counting, outside the lock, and
// must not block.
func (s *Stats) OnAttempt(fn func(provider.Attempt)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.heard = append(s.heard, fn)
}

func (s *Stats) tell(a provider.Attempt) {
	s.mu.Lock()
	fns := s.heard
	s.mu.Unlock()
	for _, fn := range fns {
		fn(a)
	}
}
