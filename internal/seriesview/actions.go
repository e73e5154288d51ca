package seriesview

import (
	"context"
	"fmt"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/queue"
)

// Refresh re-reads the series from its site, bypassing the page cache,
// rescans its folder (so the missing list follows the site) and answers
// the new view.
func (s *Service) Refresh(ctx context.Context, key string) (View, error) {
	if _, err := s.o.Store.SeriesByKey(ctx, key); err != nil {
		return View{}, err
	}
	fresh := provider.WithFreshData(ctx)
	if s.o.Rescan != nil {
		if err := s.o.Rescan(fresh, key); err != nil {
			return View{}, err
		}
	}
	return s.View(fresh, key)
}

// DownloadRequest queues episodes of a series from the series page.
type DownloadRequest struct {
	Key      string
	Episodes []anime.EpisodeRef
	// Language, when valid, is the one language these episodes are
	// fetched in (the resolver tries no other); unknown: the configured
	// order.
	Language anime.Language
	Priority anime.Priority
}

// Download records the language choice per episode and queues them.
func (s *Service) Download(ctx context.Context, r DownloadRequest) (added []string, failed []queue.FailedItem, err error) {
	if s.o.Queue == nil {
		return nil, nil, fmt.Errorf("%w: the download queue is not running", anime.ErrUnavailable)
	}
	if len(r.Episodes) == 0 {
		return nil, nil, fmt.Errorf("%w: no episodes given", anime.ErrInvalid)
	}
	if r.Language != anime.LangUnknown && !r.Language.Valid() {
		return nil, nil, fmt.Errorf("%w: unknown language %d", anime.ErrInvalid, int(r.Language))
	}
	rec, err := s.o.Store.SeriesByKey(ctx, r.Key)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now
	if s.o.Now != nil {
		now = s.o.Now
	}
	for _, ep := range r.Episodes {
		if r.Language.Valid() {
			err = s.o.Store.SetEpisodeLanguage(ctx, r.Key, ep, r.Language, now().UTC())
		} else {
			err = s.o.Store.ClearEpisodeLanguage(ctx, r.Key, ep)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	sr := rec.Series
	return s.o.Queue.Add(ctx, queue.AddRequest{SerieID: sr.Key, SerieFolder: sr.Folder, SerieName: sr.Name,
		Episodes: r.Episodes, Priority: r.Priority})
}

// WantedLanguage answers the language chosen for an episode on the
// series page, if any; the stream resolver asks it first.
func (s *Service) WantedLanguage(ctx context.Context, key string, ep anime.EpisodeRef) []anime.Language {
	l, ok, err := s.o.Store.EpisodeLanguage(ctx, key, ep)
	if err != nil || !ok || !l.Valid() {
		return nil
	}
	return []anime.Language{l}
}

// Remove takes a series out of the library: its queue items that are not
// completed are removed first (a running download is cancelled and its
// partial data deleted), then the library entry; the folder and its files
// stay unless deleteFiles.
func (s *Service) Remove(ctx context.Context, key string, deleteFiles bool) error {
	if _, err := s.o.Store.SeriesByKey(ctx, key); err != nil {
		return err
	}
	if s.o.Remove == nil {
		return fmt.Errorf("%w: removing series is not supported", anime.ErrUnavailable)
	}
	if s.o.Queue != nil {
		items, err := s.o.Queue.SeriesItems(ctx, key)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(items))
		for _, it := range items {
			ids = append(ids, it.ID)
		}
		if len(ids) > 0 {
			if err := s.o.Queue.RemoveMany(ctx, ids); err != nil {
				return err
			}
		}
	}
	return s.o.Remove(ctx, key, deleteFiles)
}
