package site

import (
	"fmt"

	"github.com/aniworld/aniworld/internal/anime"
)

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
