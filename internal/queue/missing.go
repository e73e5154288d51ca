package queue

import (
	"context"
	"fmt"

	"github.com/aniworld/aniworld/internal/anime"
)

// MissingLister lists the library's missing episodes, series by series
// (library.Service).
type MissingLister interface {
	EachMissing(ctx context.Context, fn func(s anime.Series, eps []anime.EpisodeRef) error) error
}

// AddMissing queues every missing episode the library lists, at normal
// priority, and answers how many items were added; episodes already in
// the queue are skipped (scheduler.auto_download_missing). It stops at
// the first series the queue refuses.
func (s *Service) AddMissing(ctx context.Context, lib MissingLister) (int, error) {
	added := 0
	err := lib.EachMissing(ctx, func(sr anime.Series, eps []anime.EpisodeRef) error {
		ids, _, err := s.Add(ctx, AddRequest{SerieID: sr.Key, SerieFolder: sr.Folder, SerieName: sr.Name,
			Episodes: eps, Priority: anime.PriorityNormal})
		if err != nil {
			return fmt.Errorf("queue %s: %w", sr.Key, err)
		}
		added += len(ids)
		return nil
	})
	return added, err
}
