package metadata

import (
	"context"
	"sync"
)

// Backlog runs metadata work (auto-created NFOs after an add or a
// download) one job at a time in the background, in the order it was
// asked for. Jobs are keyed: asking again for a key that still waits
// replaces its job instead of queueing it twice, so the backlog is
// bounded by the distinct series and episodes waiting, and no job is ever
// dropped, however many arrive while TMDB is slow.
type Backlog struct {
	mu    sync.Mutex
	order []string
	jobs  map[string]func(context.Context)
	wake  chan struct{}
}

// NewBacklog returns an empty backlog; Run works it off.
func NewBacklog() *Backlog {
	return &Backlog{jobs: map[string]func(context.Context){}, wake: make(chan struct{}, 1)}
}

// Add asks for job under key (e.g. "show/<key>", "episode/<key>/S01E02").
func (b *Backlog) Add(key string, job func(context.Context)) {
	b.mu.Lock()
	if _, waiting := b.jobs[key]; !waiting {
		b.order = append(b.order, key)
	}
	b.jobs[key] = job
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Len is how many jobs wait.
func (b *Backlog) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.order)
}

// Run works the backlog off until ctx ends; jobs still waiting then are
// left (the next scan or the UI catches up). It always returns nil.
func (b *Backlog) Run(ctx context.Context) error {
	for {
		for {
			job, ok := b.next()
			if !ok || ctx.Err() != nil {
				break
			}
			job(ctx)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-b.wake:
		}
	}
}

func (b *Backlog) next() (func(context.Context), bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.order) == 0 {
		return nil, false
	}
	key := b.order[0]
	b.order = b.order[1:]
	job := b.jobs[key]
	delete(b.jobs, key)
	return job, true
}
