package queue

import (
	"context"

	"github.com/aniworld/aniworld/internal/anime"
)

// SeriesItems answers the queue items of one series that are not
// completed (pending, downloading, paused, failed), by season and episode;
// running items carry their live progress, failed ones their attempt log.
func (s *Service) SeriesItems(ctx context.Context, key string) ([]Item, error) {
	rows, err := s.db.QueueBySeries(ctx, key)
	if err != nil {
		return nil, err
	}
	out := make([]Item, 0, len(rows))
	for _, r := range rows {
		if r.Status != anime.StatusFailed {
			r.Attempts = nil
		}
		out = append(out, s.toItem(r))
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range out {
		if j, ok := s.active[out[i].ID]; ok && out[i].Status == anime.StatusDownloading {
			out[i].Progress = j.progressSnapshot(now)
		}
	}
	return out, nil
}
