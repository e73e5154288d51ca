package site

import (
	"fmt"

	"github.com/aniworld/aniworld/internal/anime"
)

// AddEpisode publishes a new episode at runtime, as the real site does
// when an episode airs: season 0 appends a movie, season n appends to
// season n (n may be one past the last season, which opens it). It answers
// the new episode's number; links without ids get them.
func (s *Site) AddEpisode(slug string, season int, e Episode) (int, error) {
	s.cat.Lock()
	defer s.cat.Unlock()
	sr, ok := s.bySlug[slug]
	if !ok {
		return 0, fmt.Errorf("fake site: unknown series %q", slug)
	}
	e.Links = append([]Link(nil), e.Links...)
	switch {
	case season == 0:
		sr.Movies = append(sr.Movies, e)
		n := len(sr.Movies)
		s.assignLinks(slug, 0, n, &sr.Movies[n-1])
		return n, nil
	case season >= 1 && season <= len(sr.Seasons)+1:
		if season == len(sr.Seasons)+1 {
			sr.Seasons = append(sr.Seasons, nil)
		}
		sr.Seasons[season-1] = append(sr.Seasons[season-1], e)
		n := len(sr.Seasons[season-1])
		s.assignLinks(slug, season, n, &sr.Seasons[season-1][n-1])
		return n, nil
	}
	return 0, fmt.Errorf("fake site: %s has %d seasons, cannot add to season %d", slug, len(sr.Seasons), season)
}

// AddLinks makes an existing episode available in more languages or at
// more hosters (a dub that arrives later).
func (s *Site) AddLinks(slug string, season, episode int, links ...Link) error {
	s.cat.Lock()
	defer s.cat.Unlock()
	sr, ok := s.bySlug[slug]
	if !ok {
		return fmt.Errorf("fake site: unknown series %q", slug)
	}
	var e *Episode
	switch {
	case season == 0 && episode >= 1 && episode <= len(sr.Movies):
		e = &sr.Movies[episode-1]
	case season >= 1 && season <= len(sr.Seasons) && episode >= 1 && episode <= len(sr.Seasons[season-1]):
		e = &sr.Seasons[season-1][episode-1]
	default:
		return fmt.Errorf("fake site: %s has no episode %d of season %d", slug, episode, season)
	}
	e.Links = append(e.Links, links...)
	s.assignLinks(slug, season, episode, e)
	return nil
}

// Languages answers the languages an episode is offered in.
func (s *Site) Languages(slug string, season, episode int) []anime.Language {
	s.cat.RLock()
	defer s.cat.RUnlock()
	var out []anime.Language
	for _, l := range s.links {
		if l.Slug == slug && l.Season == season && l.Episode == episode {
			dup := false
			for _, o := range out {
				dup = dup || o == l.Lang
			}
			if !dup {
				out = append(out, l.Lang)
			}
		}
	}
	return out
}
