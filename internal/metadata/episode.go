package metadata

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/metadata/nfo"
	"github.com/aniworld/aniworld/internal/metadata/tmdb"
)

// maxCachedSeasons bounds the season cache.
const maxCachedSeasons = 64

// WriteEpisodeNFO writes <video basename>.nfo beside videoPath for one
// episode, from TMDB's season data. It is the queue's after-download hook.
// videoPath must be an existing file inside the series folder. A series
// without a known TMDB id (no tvshow.nfo yet) or an episode TMDB does not
// list is anime.ErrNotFound. It returns the NFO's path.
func (s *Service) WriteEpisodeNFO(ctx context.Context, key string, ep anime.EpisodeRef, videoPath string) (string, error) {
	if err := s.requireEnabled(); err != nil {
		return "", err
	}
	if ep.Season < 0 || ep.Episode < 1 {
		return "", fmt.Errorf("%w: bad episode %s", anime.ErrInvalid, ep)
	}
	sr, f, err := s.resolve(ctx, key)
	if err != nil {
		return "", err
	}
	video, err := f.contain(videoPath)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(video); errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w: video file does not exist", anime.ErrNotFound)
	} else if err != nil {
		return "", fmt.Errorf("stat video: %w", err)
	} else if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%w: video path is not a regular file", anime.ErrInvalid)
	}
	if _, err := f.contain(nfo.EpisodePath(video)); err != nil {
		return "", err
	}
	id, err := s.knownID(sr, f)
	if err != nil {
		return "", err
	}
	season, err := s.season(ctx, id, ep.Season)
	if err != nil {
		return "", fmt.Errorf("fetch tmdb season %d of %d: %w", ep.Season, id, err)
	}
	e, ok := season.Episode(ep.Episode)
	if !ok {
		return "", fmt.Errorf("%w: tmdb show %d has no episode %s", anime.ErrNotFound, id, ep)
	}
	if e.SeasonNumber == 0 && ep.Season != 0 {
		e.SeasonNumber = ep.Season
	}
	title := sr.Name
	if in, err := f.readNFO(); err == nil && in.Title != "" {
		title = in.Title
	}
	return nfo.WriteEpisodes(video, nfo.FromEpisode(title, e, s.o.TMDB.ImageURL))
}

// season returns a season, from the cache when fresh.
func (s *Service) season(ctx context.Context, id, n int) (*tmdb.Season, error) {
	k := [2]int{id, n}
	now := s.o.Now()
	s.mu.Lock()
	if c, ok := s.seasons[k]; ok && now.Sub(c.at) < s.o.SeasonCacheTTL {
		s.mu.Unlock()
		return c.season, nil
	}
	s.mu.Unlock()
	se, err := s.o.TMDB.Season(ctx, id, n)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.seasons) >= maxCachedSeasons {
		var oldest [2]int
		first := true
		for ck, c := range s.seasons {
			if first || c.at.Before(s.seasons[oldest].at) {
				oldest, first = ck, false
			}
		}
		delete(s.seasons, oldest)
	}
	s.seasons[k] = cachedSeason{season: se, at: now}
	return se, nil
}
