package sonarr

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/store"
)

// episodeID is a stable integer id for an episode of a series (Sonarr
// gives every episode one): series id, season (0-200) and episode
// (1-9999) packed in decimal, so it reads back by eye.
func episodeID(seriesID int64, season, episode int) int64 {
	return seriesID*10_000_000 + int64(season)*10_000 + int64(episode)
}

// splitEpisodeID reverses episodeID.
func splitEpisodeID(id int64) (seriesID int64, season, episode int) {
	return id / 10_000_000, int(id % 10_000_000 / 10_000), int(id % 10_000)
}

// seasonCounts is what the library knows of one season: the episodes the
// site lists (on disk or missing) and those on disk with their size.
type seasonCounts struct {
	total  map[int]bool
	onDisk map[int]bool
	size   int64
}

// libraryCounts reads a series' files and missing episodes from the store.
func (s *Service) libraryCounts(ctx context.Context, key string) (map[int]*seasonCounts, error) {
	rec, err := s.o.Store.SeriesByKey(ctx, key)
	if err != nil {
		return nil, err
	}
	files, err := s.o.Store.SeriesEpisodes(ctx, key)
	if err != nil {
		return nil, err
	}
	out := map[int]*seasonCounts{}
	at := func(season int) *seasonCounts {
		c := out[season]
		if c == nil {
			c = &seasonCounts{total: map[int]bool{}, onDisk: map[int]bool{}}
			out[season] = c
		}
		return c
	}
	sized := map[string]bool{}
	for _, f := range files {
		c := at(f.Season)
		c.total[f.Episode], c.onDisk[f.Episode] = true, true
		if !sized[f.Path] { // a multi-episode file counts once
			sized[f.Path] = true
			c.size += f.Size
		}
	}
	for _, ref := range rec.Missing.Refs() {
		at(ref.Season).total[ref.Episode] = true
	}
	return out, nil
}

// resource builds the SeriesResource of a mapped library series.
func (s *Service) resource(ctx context.Context, m store.SonarrSeries) (Series, error) {
	sr, dir, err := s.o.Library.SeriesDir(ctx, m.Key)
	if err != nil {
		return Series{}, err
	}
	counts, err := s.libraryCounts(ctx, m.Key)
	if err != nil {
		return Series{}, err
	}
	for n := range m.Seasons { // seasons Seerr named stay listed
		if counts[n] == nil {
			counts[n] = &seasonCounts{total: map[int]bool{}, onDisk: map[int]bool{}}
		}
	}
	res := baseResource(sr)
	res.ID = int(m.ID)
	res.TVDBID = m.TVDBID
	res.Path = dir
	res.RootFolderPath = s.o.Library.Directory()
	res.QualityProfileID, res.LanguageProfileID = m.QualityProfileID, m.QualityProfileID
	res.SeriesType, res.SeasonFolder, res.Monitored, res.MonitorNewItems = m.SeriesType, m.SeasonFolder, m.Monitored, m.MonitorNewItems
	res.Tags = m.Tags
	res.Added = m.AddedAt.UTC().Format("2006-01-02T15:04:05Z")
	stats := &SeriesStatistics{ReleaseGroups: []string{}}
	for _, n := range sortedSeasons(counts) {
		c := counts[n]
		ss := &SeasonStatistics{EpisodeFileCount: len(c.onDisk), TotalEpisodeCount: len(c.total), SizeOnDisk: c.size}
		mon := seasonMonitored(m, n)
		// Sonarr's episodeCount counts the monitored episodes (and those
		// with a file); an unmonitored season only its files.
		ss.EpisodeCount = len(c.onDisk)
		if mon {
			ss.EpisodeCount = len(c.total)
		}
		ss.PercentOfEpisodes = percent(ss.EpisodeFileCount, ss.EpisodeCount)
		res.Seasons = append(res.Seasons, Season{SeasonNumber: n, Monitored: mon, Statistics: ss})
		stats.EpisodeFileCount += ss.EpisodeFileCount
		stats.EpisodeCount += ss.EpisodeCount
		stats.TotalEpisodeCount += ss.TotalEpisodeCount
		stats.SizeOnDisk += ss.SizeOnDisk
		if n > 0 {
			stats.SeasonCount++
		}
	}
	stats.PercentOfEpisodes = percent(stats.EpisodeFileCount, stats.EpisodeCount)
	res.SeasonCount = stats.SeasonCount
	res.Statistics = stats
	res.EpisodeCount, res.EpisodeFileCount, res.TotalEpisodeCount, res.SizeOnDisk =
		stats.EpisodeCount, stats.EpisodeFileCount, stats.TotalEpisodeCount, stats.SizeOnDisk
	return res, nil
}

// baseResource fills the fields every series resource has from a library
// or site series.
func baseResource(sr anime.Series) Series {
	title := sr.Name
	return Series{
		Title: title, SortTitle: sortTitle(title), CleanTitle: cleanTitle(title), TitleSlug: sr.Key,
		Overview: sr.Description, Year: sr.Year, Status: "continuing", Network: sr.Site,
		AlternateTitles: []any{}, Images: []Image{}, Seasons: []Season{}, Genres: []string{}, Tags: []int{},
		SeriesType: "anime", SeasonFolder: true, MonitorNewItems: "all", QualityProfileID: 1, LanguageProfileID: 1,
	}
}

func sortedSeasons[V any](m map[int]V) []int {
	out := make([]int, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func percent(have, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(have) * 100 / float64(of)
}

// sortTitle is Sonarr's: lower case, a leading article dropped.
func sortTitle(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	for _, a := range []string{"the ", "a ", "an ", "der ", "die ", "das "} {
		if strings.HasPrefix(t, a) {
			return strings.TrimPrefix(t, a)
		}
	}
	return t
}

// cleanTitle is Sonarr's: letters and digits only, lower case.
func cleanTitle(t string) string {
	return strings.ReplaceAll(anime.NormalizeTitle(t), " ", "")
}

// List answers every series Seerr manages (and those assigned by hand).
// tvdbID > 0 filters (GET /series?tvdbId=).
func (s *Service) List(ctx context.Context, tvdbID int) ([]Series, error) {
	rows, err := s.o.Store.SonarrSeriesList(ctx)
	if err != nil {
		return nil, err
	}
	out := []Series{}
	for _, m := range rows {
		if tvdbID > 0 && m.TVDBID != tvdbID {
			continue
		}
		r, err := s.resource(ctx, m)
		if errors.Is(err, anime.ErrNotFound) {
			continue // the library series went away between two reads
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Get answers one series by its id; anime.ErrNotFound for an unknown id.
func (s *Service) Get(ctx context.Context, id int64) (Series, error) {
	if id <= 0 {
		return Series{}, fmt.Errorf("series %d: %w", id, anime.ErrNotFound)
	}
	m, err := s.o.Store.SonarrSeriesByID(ctx, id)
	if err != nil {
		return Series{}, err
	}
	return s.resource(ctx, m)
}

// Episodes answers GET /episode?seriesId=: every episode the library
// knows of the series.
func (s *Service) Episodes(ctx context.Context, seriesID int64) ([]Episode, error) {
	m, err := s.o.Store.SonarrSeriesByID(ctx, seriesID)
	if err != nil {
		return nil, err
	}
	counts, err := s.libraryCounts(ctx, m.Key)
	if err != nil {
		return nil, err
	}
	titles := map[[2]int]string{} // what the monitor's refreshes read on the site
	if seen, err := s.o.Store.MonitorEpisodes(ctx, m.Key); err == nil {
		for _, e := range seen {
			titles[[2]int{e.Season, e.Episode}] = e.Title
		}
	}
	out := []Episode{}
	for _, n := range sortedSeasons(counts) {
		c := counts[n]
		mon := seasonMonitored(m, n)
		for _, e := range sortedSeasons(c.total) {
			title := titles[[2]int{n, e}]
			if title == "" {
				title = fmt.Sprintf("Episode %d", e)
			}
			ep := Episode{ID: episodeID(m.ID, n, e), SeriesID: int(m.ID), SeasonNumber: n, EpisodeNumber: e,
				Title: title, HasFile: c.onDisk[e], Monitored: mon}
			if ep.HasFile {
				ep.EpisodeFileID = ep.ID
			}
			out = append(out, ep)
		}
	}
	return out, nil
}

// seriesFolder is the series' folder below the anime directory, for
// checks that a path stays inside it.
func insideDir(root, dir string) bool {
	rel, err := filepath.Rel(root, dir)
	return err == nil && rel != "." && !strings.HasPrefix(rel, "..") && !filepath.IsAbs(rel)
}
