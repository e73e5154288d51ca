package sonarr

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/metadata/tmdb"
	"github.com/aniworld/aniworld/internal/store"
)

// errNoMatch marks a request no site series could be chosen for; the
// reason is in the message.
var errNoMatch = errors.New("no site series matches")

// Match is a request resolved to a site series.
type Match struct {
	TVDBID    int
	TMDB      *tmdb.SearchResult // nil when resolved without TMDB
	Candidate library.Candidate
	// Mapped is the existing mapping when the series is already known.
	Mapped *store.SonarrSeries
}

// resolveTVDB finds the site series for a TVDB id: a known mapping first,
// then TMDB's /find and a search of the sites with the German and the
// original title and the year, matched with the library's title/year
// rule (library.MatchFolder). titleHint is the title Seerr sent, if any.
// errNoMatch (wrapping anime.ErrNotFound) with a reason when nothing or
// more than one series fits; the Match then still carries what TMDB said.
func (s *Service) resolveTVDB(ctx context.Context, tvdbID int, titleHint string) (Match, error) {
	if m, err := s.o.Store.SonarrSeriesByTVDB(ctx, tvdbID); err == nil {
		sr, _, err := s.o.Library.SeriesDir(ctx, m.Key)
		if err == nil {
			return Match{TVDBID: tvdbID, Mapped: &m, Candidate: library.Candidate{Key: sr.Key, Name: sr.Name, Site: sr.Site,
				Link: sr.Link, Year: sr.Year, Description: sr.Description}}, nil
		}
	} else if !errors.Is(err, anime.ErrNotFound) {
		return Match{}, err
	}
	var titles []string
	year := 0
	var show *tmdb.SearchResult
	if s.o.Find != nil {
		shows, err := s.o.Find(ctx, tvdbID)
		switch {
		case err == nil && len(shows) > 0:
			show = &shows[0]
			titles = append(titles, show.Name, show.OriginalName)
			year = show.Year()
		case err == nil:
			return Match{}, fmt.Errorf("%w: %w: tmdb knows no show with tvdb id %d", errNoMatch, anime.ErrNotFound, tvdbID)
		case !errors.Is(err, anime.ErrUnavailable):
			return Match{}, err
		}
	}
	if titleHint = strings.TrimSpace(titleHint); titleHint != "" {
		titles = append(titles, titleHint)
	}
	if len(titles) == 0 {
		return Match{}, fmt.Errorf("%w: %w: tvdb id %d is not known here and no TMDB key is set to look it up", errNoMatch, anime.ErrNotFound, tvdbID)
	}
	c, err := s.matchSites(ctx, titles, year)
	if err != nil {
		return Match{TVDBID: tvdbID, TMDB: show}, err // TMDB's title and year describe the unmatched request
	}
	out := Match{TVDBID: tvdbID, TMDB: show, Candidate: c}
	if m, err := s.o.Store.SonarrSeriesByKey(ctx, c.Key); err == nil {
		out.Mapped = &m
	}
	return out, nil
}

// matchSites searches the sites with every title and picks the one series
// that the library's folder-matching rule accepts for a title and year.
// Different titles agreeing on one series is a match; titles choosing
// different series is ambiguous.
func (s *Service) matchSites(ctx context.Context, titles []string, year int) (library.Candidate, error) {
	seen := map[string]bool{}
	var chosen *library.Candidate
	var reasons []string
	for _, t := range titles {
		t = strings.TrimSpace(t)
		if t == "" || seen[anime.NormalizeTitle(t)] {
			continue
		}
		seen[anime.NormalizeTitle(t)] = true
		cands, err := s.o.Library.Search(ctx, t)
		if err != nil {
			return library.Candidate{}, fmt.Errorf("search the sites for %q: %w", t, err)
		}
		want := t
		if year > 0 {
			want = t + " (" + strconv.Itoa(year) + ")"
		}
		c, ok, reason := library.MatchFolder(want, cands)
		if !ok {
			reasons = append(reasons, fmt.Sprintf("%q: %s", t, reason))
			if strings.HasPrefix(reason, "ambiguous") {
				return library.Candidate{}, fmt.Errorf("%w: %w: %s", errNoMatch, anime.ErrNotFound, strings.Join(reasons, "; "))
			}
			continue
		}
		if chosen != nil && (chosen.Key != c.Key || chosen.Site != c.Site) {
			return library.Candidate{}, fmt.Errorf("%w: %w: ambiguous: %q matches %s/%s, another title %s/%s",
				errNoMatch, anime.ErrNotFound, t, c.Site, c.Key, chosen.Site, chosen.Key)
		}
		chosen = &c
	}
	if chosen == nil {
		return library.Candidate{}, fmt.Errorf("%w: %w: %s", errNoMatch, anime.ErrNotFound, strings.Join(reasons, "; "))
	}
	return *chosen, nil
}

// recordUnmatched remembers a request no series was found for, so a
// person can assign one in the settings.
func (s *Service) recordUnmatched(ctx context.Context, tvdbID int, title string, year int, reason error, body []byte) {
	if tvdbID <= 0 {
		return
	}
	if err := s.o.Store.SaveSonarrRequest(ctx, store.SonarrRequest{TVDBID: tvdbID, Title: title, Year: year,
		Reason: reason.Error(), RequestJSON: string(body), RequestedAt: s.o.Now()}); err != nil {
		s.log.Warn("record unmatched request", "tvdb", tvdbID, "error", err)
	}
}
