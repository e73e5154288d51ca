package sonarr

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/monitor"
	"github.com/aniworld/aniworld/internal/store"
)

// SeriesInput is what POST and PUT /series carry (Sonarr's
// SeriesResource, the fields we act on).
type SeriesInput struct {
	ID                int         `json:"id"`
	TVDBID            int         `json:"tvdbId"`
	Title             string      `json:"title"`
	QualityProfileID  int         `json:"qualityProfileId"`
	LanguageProfileID int         `json:"languageProfileId"`
	Seasons           []Season    `json:"seasons"`
	Tags              []int       `json:"tags"`
	SeasonFolder      *bool       `json:"seasonFolder"`
	Monitored         *bool       `json:"monitored"`
	MonitorNewItems   string      `json:"monitorNewItems"`
	RootFolderPath    string      `json:"rootFolderPath"`
	Path              string      `json:"path"`
	SeriesType        string      `json:"seriesType"`
	AddOptions        *AddOptions `json:"addOptions"`
}

// ValidationError is Sonarr's 400: a list of failed properties.
type ValidationError []ValidationFailure

func (v ValidationError) Error() string {
	msgs := make([]string, len(v))
	for i, f := range v {
		msgs[i] = f.PropertyName + ": " + f.ErrorMessage
	}
	return strings.Join(msgs, "; ")
}

func invalid(prop, msg string, value any) ValidationError {
	return ValidationError{{PropertyName: prop, ErrorMessage: msg, AttemptedValue: value, Severity: "error"}}
}

// check validates the fields both POST and PUT use and fills defaults.
func (s *Service) check(in *SeriesInput) error {
	var v ValidationError
	if in.QualityProfileID == 0 {
		in.QualityProfileID = in.LanguageProfileID
	}
	if in.QualityProfileID == 0 {
		in.QualityProfileID = Profiles[0].ID
	}
	if _, ok := ProfileByID(in.QualityProfileID); !ok {
		v = append(v, invalid("QualityProfileId", "Quality profile does not exist", in.QualityProfileID)...)
	}
	switch in.SeriesType {
	case "":
		in.SeriesType = "anime"
	case "standard", "daily", "anime":
	default:
		v = append(v, invalid("SeriesType", "Series type must be standard, daily or anime", in.SeriesType)...)
	}
	switch in.MonitorNewItems {
	case "":
		in.MonitorNewItems = "all"
	case "all", "none":
	default:
		v = append(v, invalid("MonitorNewItems", "Must be all or none", in.MonitorNewItems)...)
	}
	for _, se := range in.Seasons {
		if se.SeasonNumber < 0 || se.SeasonNumber > 200 {
			v = append(v, invalid("Seasons", "Season numbers must be 0 to 200", se.SeasonNumber)...)
			break
		}
	}
	if len(in.Tags) > 100 {
		v = append(v, invalid("Tags", "At most 100 tags", len(in.Tags))...)
	}
	if len(v) > 0 {
		return v
	}
	return nil
}

// Add answers POST /series: the requested series joins the library
// (folder, marker, scan), is monitored in the requested seasons and the
// profile's languages, and with addOptions.searchForMissingEpisodes what
// the site has is queued at once. body is kept with an unmatched request
// so assigning it later replays the request.
func (s *Service) Add(ctx context.Context, in SeriesInput, body []byte) (Series, error) {
	if in.TVDBID <= 0 {
		return Series{}, invalid("TvdbId", "'Tvdb Id' must be greater than '0'.", in.TVDBID)
	}
	if err := s.check(&in); err != nil {
		return Series{}, err
	}
	if root := strings.TrimSpace(in.RootFolderPath); root != "" && filepath.Clean(root) != filepath.Clean(s.o.Library.Directory()) {
		return Series{}, invalid("RootFolderPath", "Root folder must be the anime directory ("+s.o.Library.Directory()+")", root)
	}
	s.adding.Lock()
	defer s.adding.Unlock()
	m, err := s.resolveTVDB(ctx, in.TVDBID, in.Title)
	if errors.Is(err, errNoMatch) {
		year, title := 0, in.Title
		if m.TMDB != nil {
			year = m.TMDB.Year()
			if title == "" {
				title = m.TMDB.Name
			}
		}
		s.recordUnmatched(ctx, in.TVDBID, title, year, err, body)
		v := invalid("TvdbId", "A series with this ID was not found on the sites: "+err.Error(), in.TVDBID)
		v[0].ErrorCode = "SeriesNotFound"
		return Series{}, v
	}
	if err != nil {
		return Series{}, err
	}
	if m.Mapped != nil {
		v := invalid("TvdbId", "This series has already been added", in.TVDBID)
		v[0].ErrorCode = "SeriesExistsValidator"
		return Series{}, v
	}
	if _, err := s.o.Library.Add(ctx, m.Candidate.Link, m.Candidate.Name); err != nil && !errors.Is(err, anime.ErrConflict) {
		return Series{}, err
	}
	return s.adopt(ctx, m.Candidate.Key, in)
}

// adopt maps a library series to Seerr's request and applies it.
func (s *Service) adopt(ctx context.Context, key string, in SeriesInput) (Series, error) {
	row := store.SonarrSeries{Key: key, TVDBID: in.TVDBID, AddedAt: s.o.Now()}
	applyInput(&row, in)
	saved, err := s.o.Store.SaveSonarrSeries(ctx, row)
	if err != nil {
		return Series{}, err
	}
	if err := s.o.Store.DeleteSonarrRequest(ctx, in.TVDBID); err != nil {
		s.log.Warn("forget unmatched request", "tvdb", in.TVDBID, "error", err)
	}
	if err := s.applyMonitoring(ctx, saved); err != nil {
		return Series{}, err
	}
	if in.AddOptions != nil && in.AddOptions.SearchForMissingEpisodes {
		s.searchSoon(ctx, key)
	}
	return s.resource(ctx, saved)
}

// applyInput copies a request's Sonarr fields onto a mapping row.
func applyInput(row *store.SonarrSeries, in SeriesInput) {
	row.QualityProfileID, row.SeriesType, row.MonitorNewItems = in.QualityProfileID, in.SeriesType, in.MonitorNewItems
	row.SeasonFolder, row.Monitored = true, true
	if in.SeasonFolder != nil {
		row.SeasonFolder = *in.SeasonFolder
	}
	if in.Monitored != nil {
		row.Monitored = *in.Monitored
	}
	if in.Seasons != nil {
		row.Seasons = map[int]bool{}
		for _, se := range in.Seasons {
			row.Seasons[se.SeasonNumber] = se.Monitored
		}
	}
	if in.Tags != nil {
		row.Tags = append([]int{}, in.Tags...)
	}
}

// applyMonitoring hands the mapping to the monitor: all episodes of the
// followed seasons (FollowedSeasons filters by season) in the profile's
// languages; the series' other monitor settings (fallback days, upgrade)
// are kept.
func (s *Service) applyMonitoring(ctx context.Context, m store.SonarrSeries) error {
	cur, _, err := s.o.Monitor.Get(ctx, m.Key)
	if err != nil {
		return err
	}
	p, _ := ProfileByID(m.QualityProfileID)
	cur.Languages = p.languageNames()
	cur.Mode = monitor.ModeNone
	if m.Monitored {
		cur.Mode = monitor.ModeAll
	}
	cur.Specials, cur.Movies = m.Seasons[0], m.Seasons[0]
	_, _, err = s.o.Monitor.Set(ctx, m.Key, cur)
	return err
}

// Update answers PUT /series: the monitored seasons, monitoring, tags,
// profile and type of a series Seerr manages. anime.ErrNotFound for an
// unknown id.
func (s *Service) Update(ctx context.Context, id int64, in SeriesInput) (Series, error) {
	if id <= 0 {
		return Series{}, fmt.Errorf("series %d: %w", id, anime.ErrNotFound)
	}
	row, err := s.o.Store.SonarrSeriesByID(ctx, id)
	if err != nil {
		return Series{}, err
	}
	if in.QualityProfileID == 0 && in.LanguageProfileID == 0 {
		in.QualityProfileID = row.QualityProfileID
	}
	if in.SeriesType == "" {
		in.SeriesType = row.SeriesType
	}
	if in.MonitorNewItems == "" {
		in.MonitorNewItems = row.MonitorNewItems
	}
	if in.SeasonFolder == nil {
		in.SeasonFolder = &row.SeasonFolder
	}
	if in.Monitored == nil {
		in.Monitored = &row.Monitored
	}
	if err := s.check(&in); err != nil {
		return Series{}, err
	}
	applyInput(&row, in)
	if in.TVDBID > 0 {
		row.TVDBID = in.TVDBID
	}
	saved, err := s.o.Store.SaveSonarrSeries(ctx, row)
	if err != nil {
		return Series{}, err
	}
	if err := s.applyMonitoring(ctx, saved); err != nil {
		return Series{}, err
	}
	return s.resource(ctx, saved)
}

// MonitorEpisodes answers PUT /episode/monitor: the seasons of the named
// episodes become (un)monitored. Ids of unknown series are skipped.
func (s *Service) MonitorEpisodes(ctx context.Context, ids []int64, monitored bool) error {
	bySeries := map[int64]map[int]bool{}
	for _, id := range ids {
		sid, season, _ := splitEpisodeID(id)
		if bySeries[sid] == nil {
			bySeries[sid] = map[int]bool{}
		}
		bySeries[sid][season] = true
	}
	for sid, seasons := range bySeries {
		row, err := s.o.Store.SonarrSeriesByID(ctx, sid)
		if errors.Is(err, anime.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		for n := range seasons {
			row.Seasons[n] = monitored
		}
		saved, err := s.o.Store.SaveSonarrSeries(ctx, row)
		if err != nil {
			return err
		}
		if err := s.applyMonitoring(ctx, saved); err != nil {
			return err
		}
	}
	return nil
}

// Delete answers DELETE /series/{id}: Seerr stops managing the series and
// it is no longer monitored. With deleteFiles the series also leaves the
// library and its folder is deleted; without, the files and the library
// entry stay (the folder's marker would bring it back on the next scan
// anyway). anime.ErrNotFound for an unknown id.
func (s *Service) Delete(ctx context.Context, id int64, deleteFiles bool) error {
	if id <= 0 {
		return fmt.Errorf("series %d: %w", id, anime.ErrNotFound)
	}
	row, err := s.o.Store.SonarrSeriesByID(ctx, id)
	if err != nil {
		return err
	}
	if cur, _, err := s.o.Monitor.Get(ctx, row.Key); err == nil {
		cur.Mode = monitor.ModeNone
		if _, _, err := s.o.Monitor.Set(ctx, row.Key, cur); err != nil {
			return err
		}
	}
	if err := s.o.Store.DeleteSonarrSeries(ctx, id); err != nil {
		return err
	}
	if deleteFiles {
		if err := s.dropQueued(ctx, row.Key); err != nil {
			return err
		}
		if err := s.o.Library.Remove(ctx, row.Key); err != nil && !errors.Is(err, anime.ErrNotFound) {
			return err
		}
	}
	return nil
}

// dropQueued removes a series' waiting and running downloads, before its
// folder goes.
func (s *Service) dropQueued(ctx context.Context, key string) error {
	for _, st := range []anime.Status{anime.StatusDownloading, anime.StatusPending, anime.StatusPaused} {
		items, err := s.o.Store.QueueList(ctx, st, 1<<20)
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.SerieID != key {
				continue
			}
			if err := s.o.Queue.Remove(ctx, it.ID); err != nil && !errors.Is(err, anime.ErrNotFound) {
				return err
			}
		}
	}
	return nil
}
