package app

import (
	"sync"

	"github.com/aniworld/aniworld/internal/event"
)

// fanout is the app's one Publisher: services publish to it, and it hands
// each event to every subscriber (the WebSocket hub, metrics, ...).
type fanout struct {
	mu   sync.RWMutex
	subs []event.Publisher
}

// Publish forwards e to every subscriber.
func (f *fanout) Publish(e event.Event) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	for _, s := range f.subs {
		s.Publish(e)
	}
}

func (f *fanout) add(p event.Publisher) {
	f.mu.Lock()
	f.subs = append(f.subs, p)
	f.mu.Unlock()
}
