package queue

import (
	"context"
	"fmt"

	"github.com/aniworld/aniworld/internal/event"
)

// StartIfStopped starts a stopped queue (persisted, like Start) and
// answers whether it did. A running or paused queue is left as it is:
// pausing is how a user holds downloads, including those automation
// adds. msg is the queue_started event's message.
func (s *Service) StartIfStopped(ctx context.Context, msg string) (bool, error) {
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return false, nil
	}
	err := s.db.SetQueueState(ctx, true, false, s.now())
	if err == nil {
		s.running, s.paused = true, false
	}
	s.mu.Unlock()
	if err != nil {
		return false, fmt.Errorf("queue: %w", err)
	}
	s.poke()
	s.publishQueue(ctx, event.QueueStarted, msg)
	return true, nil
}
