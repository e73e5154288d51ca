package queue

import (
	"context"
	"errors"
	"fmt"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/store"
)

// Bounds of an episode reference: anything beyond is a typo or a probe,
// refused at once rather than queued to fail later.
const (
	MaxSeason  = 200
	MaxEpisode = 9999
)

// Catalog is what Add asks about a series before queueing (Options.Catalog;
// optional).
type Catalog interface {
	// CheckSeries answers nil for a series the queue can download: an
	// error wrapping anime.ErrInvalid for a malformed key, anime.ErrNotFound
	// for a key that is no series of the library.
	CheckSeries(ctx context.Context, key string) error
	// EpisodeTitles answers the site's episode titles of the series (the
	// German title, else the English one), by season and episode. An
	// error (the site unreachable) only means no titles are filled in.
	EpisodeTitles(ctx context.Context, key string) (map[[2]int]string, error)
}

// checkSeries refuses a request for a series the catalog does not know,
// as invalid input (422): the key is the client's mistake, not a missing
// resource of the queue.
func (s *Service) checkSeries(ctx context.Context, key string) error {
	if s.catalog == nil {
		return nil
	}
	err := s.catalog.CheckSeries(ctx, key)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, anime.ErrInvalid):
		return fmt.Errorf("serie_id %q: %w", key, err)
	case errors.Is(err, anime.ErrNotFound):
		return fmt.Errorf("%w: serie_id %q is no series of the library (add it with POST /api/anime/add first)", anime.ErrInvalid, key)
	}
	return fmt.Errorf("check serie_id %q: %w", key, err)
}

// fillTitles gives episodes the client sent without a title the site's
// title. Without the site's list they stay untitled.
func (s *Service) fillTitles(ctx context.Context, key string, eps []anime.EpisodeRef) {
	if s.catalog == nil {
		return
	}
	need := false
	for _, e := range eps {
		need = need || e.Title == ""
	}
	if !need {
		return
	}
	titles, err := s.catalog.EpisodeTitles(ctx, key)
	if err != nil {
		s.log.Warn("queue: episode titles unavailable", "serie_id", key, "error", err)
		return
	}
	for i, e := range eps {
		if e.Title == "" {
			eps[i].Title = titles[[2]int{e.Season, e.Episode}]
		}
	}
}

// titleBeforeDownload gives a running item the site's episode title when
// it was queued without one (the site was unreachable at Add), so the
// title is there by the time the item completes.
func (s *Service) titleBeforeDownload(ctx context.Context, row *store.QueueItem) {
	if row.EpisodeTitle != "" || s.catalog == nil {
		return
	}
	titles, err := s.catalog.EpisodeTitles(ctx, row.SerieID)
	if err != nil {
		return
	}
	t := titles[[2]int{row.Season, row.Episode}]
	if t == "" {
		return
	}
	if err := s.db.QueueSetEpisodeTitle(ctx, row.ID, t); err != nil {
		s.log.Warn("queue: store episode title", "id", row.ID, "error", err)
		return
	}
	row.EpisodeTitle = t
}
