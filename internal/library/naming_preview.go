package library

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/store"
)

// PreviewEpisode is a real library episode a naming template preview is
// rendered for.
type PreviewEpisode struct {
	Series   anime.Series
	Dir      string // the series folder, absolute
	Episode  anime.EpisodeRef
	Language anime.Language // the file's, when its name tells
	File     string         // the episode's file, absolute; "" when it is missing
}

// PickPreviewEpisode chooses the episode a naming preview shows: of the
// series key (the first series by title when key is empty), the first
// episode file on disk, else the first missing episode, else S01E01.
// ok is false when the library has no series (the caller shows sample
// values); an unknown key is anime.ErrNotFound.
func (s *Service) PickPreviewEpisode(ctx context.Context, key string) (PreviewEpisode, bool, error) {
	if key == "" {
		items, _, err := s.List(ctx, ListQuery{Page: 1, PerPage: 1})
		if err != nil || len(items) == 0 {
			return PreviewEpisode{}, false, err
		}
		key = items[0].Key
	}
	series, dir, err := s.SeriesDir(ctx, key)
	if err != nil {
		return PreviewEpisode{}, false, err
	}
	p := PreviewEpisode{Series: series, Dir: dir, Episode: anime.EpisodeRef{Season: 1, Episode: 1}}
	files, err := s.store.SeriesEpisodes(ctx, key)
	if err != nil {
		return PreviewEpisode{}, false, err
	}
	if len(files) > 0 {
		f := slices.MinFunc(files, func(a, b store.EpisodeFile) int {
			if a.Season != b.Season {
				return a.Season - b.Season
			}
			return a.Episode - b.Episode
		})
		p.Episode = anime.EpisodeRef{Season: f.Season, Episode: f.Episode}
		p.Language, p.File = f.Language, filepath.Join(dir, filepath.FromSlash(f.Path))
		return p, true, nil
	}
	rec, err := s.store.SeriesByKey(ctx, key)
	if err == nil {
		seasons := make([]int, 0, len(rec.Missing))
		for k := range rec.Missing {
			if n, err := strconv.Atoi(k); err == nil && len(rec.Missing[k]) > 0 {
				seasons = append(seasons, n)
			}
		}
		if len(seasons) > 0 {
			slices.Sort(seasons)
			season := seasons[0]
			if season == 0 && len(seasons) > 1 {
				season = seasons[1] // a regular episode shows more of a template
			}
			p.Episode = anime.EpisodeRef{Season: season, Episode: slices.Min(rec.Missing[strconv.Itoa(season)])}
		}
	}
	return p, true, nil
}
