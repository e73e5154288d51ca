package sonarr

import (
	"context"
	"errors"
	"sort"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/library"
)

// Lookup answers GET /series/lookup?term=. "tvdb:<id>" resolves to at most
// one series (an empty list when none fits, as Sonarr answers for a TVDB
// id it cannot find; the request is then listed for a person to assign);
// a title lists what the sites find. A series in the library carries its
// id, so Seerr updates it instead of adding it again.
func (s *Service) Lookup(ctx context.Context, term Term) ([]Series, error) {
	switch term.Kind {
	case TermTVDB:
		m, err := s.resolveTVDB(ctx, term.ID, "")
		if errors.Is(err, errNoMatch) {
			title, year := "", 0
			if m.TMDB != nil {
				title, year = m.TMDB.Name, m.TMDB.Year()
			}
			s.recordUnmatched(ctx, term.ID, title, year, err, nil)
			return []Series{}, nil
		}
		if err != nil {
			return nil, err
		}
		r, err := s.matchResource(ctx, m)
		if err != nil {
			return nil, err
		}
		return []Series{r}, nil
	case TermTMDB:
		// Seerr looks series up by TVDB id only; a TMDB id would need a
		// second TMDB call to learn the TVDB id the resource must carry.
		return []Series{}, nil
	}
	cands, err := s.o.Library.Search(ctx, term.Title)
	if err != nil {
		return nil, err
	}
	out := []Series{}
	for _, c := range cands {
		if mapped, err := s.o.Store.SonarrSeriesByKey(ctx, c.Key); err == nil {
			if r, err := s.resource(ctx, mapped); err == nil {
				out = append(out, r)
				continue
			}
		}
		out = append(out, candidateResource(c))
	}
	return out, nil
}

// matchResource is the lookup answer for a resolved request: the library
// series when it is mapped, else the site series with its seasons (none
// monitored), the TVDB id and TMDB's overview and year.
func (s *Service) matchResource(ctx context.Context, m Match) (Series, error) {
	if m.Mapped != nil {
		r, err := s.resource(ctx, *m.Mapped)
		if err == nil || !errors.Is(err, anime.ErrNotFound) {
			return r, err
		}
	}
	r := candidateResource(m.Candidate)
	r.TVDBID = m.TVDBID
	if m.TMDB != nil {
		r.TMDBID = m.TMDB.ID
		if r.Overview == "" {
			r.Overview = m.TMDB.Overview
		}
		if r.Year == 0 {
			r.Year = m.TMDB.Year()
		}
		r.FirstAired = m.TMDB.FirstAirDate
	}
	eps, err := s.o.Library.Episodes(ctx, m.Candidate.Site, m.Candidate.Key)
	if err != nil {
		return Series{}, err
	}
	nums := make([]int, 0, len(eps))
	for n := range eps {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		total := len(eps[n])
		r.Seasons = append(r.Seasons, Season{SeasonNumber: n, Statistics: &SeasonStatistics{TotalEpisodeCount: total}})
		if n > 0 {
			r.SeasonCount++
		}
		r.TotalEpisodeCount += total
	}
	return r, nil
}

// candidateResource is a site series not in Seerr's list yet.
func candidateResource(c library.Candidate) Series {
	r := baseResource(anime.Series{Key: c.Key, Name: c.Name, Site: c.Site, Year: c.Year, Description: c.Description})
	r.Network = c.Site
	return r
}
