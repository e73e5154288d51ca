package sonarr

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// searchSoon asks Run to search a series: read its site now and queue
// what its monitoring wants. The queue is started when it is stopped
// (not when a person paused it), so a request actually downloads.
func (s *Service) searchSoon(ctx context.Context, key string) {
	if running, paused := s.o.Queue.State(); !running && !paused {
		if err := s.o.Queue.Start(ctx); err != nil {
			s.log.Warn("start the queue for a Seerr request", "error", err)
		}
	}
	s.cmdMu.Lock()
	defer s.cmdMu.Unlock()
	if s.pending == nil {
		s.pending = map[string]bool{}
	}
	if s.pending[key] {
		return
	}
	s.pending[key] = true
	s.order = append(s.order, key)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// next takes the oldest pending search.
func (s *Service) next() (string, bool) {
	s.cmdMu.Lock()
	defer s.cmdMu.Unlock()
	if len(s.order) == 0 {
		return "", false
	}
	key := s.order[0]
	s.order = s.order[1:]
	delete(s.pending, key)
	return key, true
}

// Run performs the searches Seerr asked for, one at a time, until ctx
// ends. A series whose refresh is running already is retried shortly.
func (s *Service) Run(ctx context.Context) error {
	for {
		key, ok := s.next()
		if !ok {
			select {
			case <-ctx.Done():
				return nil
			case <-s.wake:
				continue
			}
		}
		_, err := s.o.Monitor.Refresh(ctx, key)
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, anime.ErrConflict): // a refresh of it is running
			t := time.NewTimer(time.Second)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
			s.searchSoon(ctx, key)
		default:
			s.log.Warn("search for a Seerr request", "key", key, "error", err)
		}
	}
}

// Commands Seerr sends.
const (
	CmdSeriesSearch              = "SeriesSearch"
	CmdMissingEpisodeSearch      = "MissingEpisodeSearch"
	CmdEpisodeSearch             = "EpisodeSearch"
	CmdRefreshMonitoredDownloads = "RefreshMonitoredDownloads"
	CmdRefreshSeries             = "RefreshSeries"
)

// CommandInput is POST /command's body.
type CommandInput struct {
	Name       string  `json:"name"`
	SeriesID   int64   `json:"seriesId"`
	SeriesIDs  []int64 `json:"seriesIds"`
	EpisodeIDs []int64 `json:"episodeIds"`
}

// Command runs a command: the searches queue what the series' monitoring
// wants (in the background, like Sonarr's command queue);
// RefreshMonitoredDownloads and RefreshSeries have nothing to do here (the
// queue reports live, the monitor refreshes on its own schedule) and
// complete at once. An unknown series is anime.ErrNotFound, an unknown
// command a validation error.
func (s *Service) Command(ctx context.Context, in CommandInput) (Command, error) {
	now := s.o.Now().UTC().Format(time.RFC3339)
	s.cmdMu.Lock()
	s.cmdSeq++
	c := Command{ID: s.cmdSeq, Name: in.Name, SeriesID: int(in.SeriesID), Status: "completed", Result: "successful",
		Queued: now, Started: now, Ended: now, Trigger: "manual", Priority: "normal"}
	s.cmdMu.Unlock()
	switch in.Name {
	case CmdSeriesSearch, CmdMissingEpisodeSearch, CmdEpisodeSearch:
		ids := append([]int64{}, in.SeriesIDs...)
		if in.SeriesID > 0 {
			ids = append(ids, in.SeriesID)
		}
		for _, e := range in.EpisodeIDs {
			sid, _, _ := splitEpisodeID(e)
			ids = append(ids, sid)
		}
		if len(ids) == 0 {
			return Command{}, invalid("SeriesId", "A series is required", 0)
		}
		var keys []string
		for _, id := range ids {
			row, err := s.o.Store.SonarrSeriesByID(ctx, id)
			if err != nil {
				return Command{}, err
			}
			keys = append(keys, row.Key)
		}
		for _, k := range keys {
			s.searchSoon(ctx, k)
		}
		c.Status, c.Result, c.Started, c.Ended = "queued", "unknown", "", ""
		c.Message = fmt.Sprintf("Searching %d series", len(keys))
	case CmdRefreshMonitoredDownloads, CmdRefreshSeries:
	default:
		return Command{}, invalid("Name", "Unknown command: "+in.Name, in.Name)
	}
	return c, nil
}
