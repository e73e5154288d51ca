package site

import (
	"fmt"
	"strconv"
)

// assignLinks gives every link of an episode without an id the next free
// one and indexes it. The caller holds s.cat (or owns s exclusively).
func (s *Site) assignLinks(slug string, season, ep int, e *Episode) {
	for k := range e.Links {
		l := &e.Links[k]
		if l.ID == "" {
			for {
				s.nextID++
				if _, taken := s.links[strconv.Itoa(s.nextID)]; !taken {
					break
				}
			}
			l.ID = strconv.Itoa(s.nextID)
		}
		s.links[l.ID] = LinkInfo{Link: *l, Slug: slug, Season: season, Episode: ep}
	}
}

// AddEpisode publishes a new episode while the site runs, as the real
// site does when an ongoing show airs: season 0 adds a movie, a season
// one past the last opens a new season. It answers the new episode's
// number.
func (s *Site) AddEpisode(slug string, season int, e Episode) (int, error) {
	s.cat.Lock()
	defer s.cat.Unlock()
	sr, ok := s.bySlug[slug]
	if !ok {
		return 0, fmt.Errorf("fake site: no series %q", slug)
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
	return 0, fmt.Errorf("fake site: %q has %d seasons, cannot add to season %d", slug, len(sr.Seasons), season)
}
