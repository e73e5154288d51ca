package queue

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/store"
)

var episodeCode = regexp.MustCompile(`^[sS](\d{1,4})[\s._-]*[eE](\d{1,5})$|^(\d{1,4})[-xX](\d{1,5})$`)

// ParseEpisodeCode parses the older API's episode strings: "S01E01" (any
// case, also "S1E1", "S01-E01", "S01.E01") and the compact "1-1", "1x1"
// and "1x01" forms.
func ParseEpisodeCode(code string) (anime.EpisodeRef, error) {
	m := episodeCode.FindStringSubmatch(strings.TrimSpace(code))
	if m == nil {
		return anime.EpisodeRef{}, fmt.Errorf("%w: episode %q: want the form S01E01", anime.ErrInvalid, code)
	}
	season, episode := m[1], m[2]
	if season == "" {
		season, episode = m[3], m[4]
	}
	s, _ := strconv.Atoi(season)
	e, _ := strconv.Atoi(episode)
	if e < 1 {
		return anime.EpisodeRef{}, fmt.Errorf("%w: episode %q: episode numbers start at 1", anime.ErrInvalid, code)
	}
	ref := anime.EpisodeRef{Season: s, Episode: e}
	if err := validEpisode(ref); err != nil {
		return anime.EpisodeRef{}, err
	}
	return ref, nil
}

func validEpisode(e anime.EpisodeRef) error {
	if e.Season < 0 || e.Episode < 1 || e.Season > MaxSeason || e.Episode > MaxEpisode {
		return fmt.Errorf("%w: episode %s: season must be 0 to %d and episode 1 to %d", anime.ErrInvalid, e.Code(), MaxSeason, MaxEpisode)
	}
	return nil
}

// Add queues episodes of one series. Episodes already pending or
// downloading (same series, season and episode), repeated ones and invalid
// ones are reported in failed rather than queued. err is anime.ErrInvalid
// for a request without series or episodes, or a storage error.
func (s *Service) Add(ctx context.Context, req AddRequest) (added []string, failed []FailedItem, err error) {
	req.SerieID = strings.TrimSpace(req.SerieID)
	if req.SerieID == "" {
		return nil, nil, fmt.Errorf("%w: serie_id is required", anime.ErrInvalid)
	}
	if len(req.Episodes) == 0 {
		return nil, nil, fmt.Errorf("%w: episodes must not be empty", anime.ErrInvalid)
	}
	prio, err := anime.ParsePriority(string(req.Priority))
	if err != nil {
		return nil, nil, err
	}
	if err := s.checkSeries(ctx, req.SerieID); err != nil {
		return nil, nil, err
	}
	if req.SerieFolder == "" {
		req.SerieFolder = req.SerieName
	}
	req.Episodes = slices.Clone(req.Episodes)
	s.fillTitles(ctx, req.SerieID, req.Episodes)
	now := s.now().UTC()
	var rows []store.QueueItem
	for _, ep := range req.Episodes {
		if err := validEpisode(ep); err != nil {
			failed = append(failed, FailedItem{Episode: ep, Error: err.Error()})
			continue
		}
		rows = append(rows, store.QueueItem{
			ID: uuid.NewString(), SerieID: req.SerieID, SerieFolder: req.SerieFolder,
			SerieName: req.SerieName, Season: ep.Season, Episode: ep.Episode, EpisodeTitle: ep.Title,
			Priority: prio, AddedAt: now,
		})
	}
	if len(rows) == 0 {
		return []string{}, failed, nil
	}
	ok, err := s.db.QueueInsert(ctx, rows)
	if err != nil {
		return nil, nil, fmt.Errorf("queue add: %w", err)
	}
	added = []string{}
	for i, r := range rows {
		ep := anime.EpisodeRef{Season: r.Season, Episode: r.Episode, Title: r.EpisodeTitle}
		if !ok[i] {
			failed = append(failed, FailedItem{Episode: ep,
				Error: fmt.Sprintf("%s %s is already in the queue", req.SerieID, ep)})
			continue
		}
		added = append(added, r.ID)
		r.Status = anime.StatusPending
		s.publish(event.DownloadAdded, downloadData(s.toItem(r)))
	}
	if len(added) > 0 {
		s.poke()
		s.publishQueue(ctx, event.QueueStatus, fmt.Sprintf("Added %d episode(s) to download queue", len(added)))
	}
	return added, failed, nil
}

// Reorder sets the order of the pending items it names: they take the
// positions they held between them, in the order given. Priority still
// comes first (a LOW item never runs before a HIGH one). Unknown or
// non-pending ids fail with anime.ErrNotFound and change nothing.
func (s *Service) Reorder(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return fmt.Errorf("%w: item_ids must not be empty", anime.ErrInvalid)
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return fmt.Errorf("%w: item %q is named twice", anime.ErrInvalid, id)
		}
		seen[id] = true
	}
	if err := s.db.QueueReorder(ctx, ids, s.now()); err != nil {
		return err
	}
	s.publishQueue(ctx, event.QueueStatus, fmt.Sprintf("Queue reordered with %d items", len(ids)))
	return nil
}

// SetPriority changes a pending item's priority (it then runs in its new
// priority class, keeping its position). anime.ErrNotFound for an unknown
// item, anime.ErrConflict for one that is no longer pending.
func (s *Service) SetPriority(ctx context.Context, id string, p anime.Priority) error {
	if err := s.db.SetQueuePriority(ctx, id, p, s.now()); err != nil {
		return err
	}
	s.publishQueue(ctx, event.QueueStatus, fmt.Sprintf("Priority of %s set to %s", id, p))
	return nil
}

// Remove deletes one item. Removing an active item cancels its transfer
// and removes its partial data; Remove returns once that is done (or ctx
// ends). anime.ErrNotFound when there is no such item.
func (s *Service) Remove(ctx context.Context, id string) error {
	if err := s.remove(ctx, id); err != nil {
		return err
	}
	s.publishQueue(ctx, event.QueueStatus, "Item removed from queue")
	return nil
}

// RemoveMany deletes several items. When any id is unknown nothing is
// removed and the anime.ErrNotFound error names the unknown ids.
func (s *Service) RemoveMany(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return fmt.Errorf("%w: item_ids must not be empty", anime.ErrInvalid)
	}
	var missing []string
	for _, id := range ids {
		if _, err := s.db.QueueGet(ctx, id); errors.Is(err, anime.ErrNotFound) {
			missing = append(missing, id)
		} else if err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: unknown queue items: %s", anime.ErrNotFound, strings.Join(missing, ", "))
	}
	for _, id := range ids {
		if err := s.remove(ctx, id); err != nil && !errors.Is(err, anime.ErrNotFound) {
			return err
		}
	}
	s.publishQueue(ctx, event.QueueStatus, fmt.Sprintf("Removed %d item(s) from queue", len(ids)))
	return nil
}

func (s *Service) remove(ctx context.Context, id string) error {
	s.mu.Lock()
	if j, ok := s.active[id]; ok {
		j.removed = true
		j.cancel()
		s.mu.Unlock()
		// The worker deletes the row and the partial data once its
		// transfer has stopped; wait for it so the caller sees the result.
		select {
		case <-j.done:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("remove %q: %w", id, ctx.Err())
		}
	}
	row, err := s.db.QueueDelete(ctx, id)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.cleanupPartial(row)
	s.publish(event.DownloadRemoved, downloadData(s.toItem(row)))
	return nil
}

// cleanupPartial removes the partial data of an unfinished item.
func (s *Service) cleanupPartial(r store.QueueItem) {
	if r.TargetPath == "" || r.Status == anime.StatusCompleted {
		return
	}
	if err := s.dl.Cleanup(r.TargetPath); err != nil {
		s.log.Warn("queue: remove partial download", "id", r.ID, "err", err)
	}
}

// ClearCompleted deletes the completed history and returns how many items
// it deleted. Downloaded files stay on disk.
func (s *Service) ClearCompleted(ctx context.Context) (int, error) {
	return s.clear(ctx, anime.StatusCompleted, "Cleared %d completed item(s)")
}

// ClearFailed deletes every failed item (and its partial data).
func (s *Service) ClearFailed(ctx context.Context) (int, error) {
	return s.clear(ctx, anime.StatusFailed, "Cleared %d failed item(s)")
}

// ClearPending deletes every pending item (and its partial data); running
// downloads are not touched.
func (s *Service) ClearPending(ctx context.Context) (int, error) {
	return s.clear(ctx, anime.StatusPending, "Removed %d pending item(s)")
}

func (s *Service) clear(ctx context.Context, st anime.Status, msg string) (int, error) {
	s.mu.Lock()
	rows, err := s.db.QueueDeleteStatus(ctx, st)
	s.mu.Unlock()
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		s.cleanupPartial(r)
	}
	s.publishQueue(ctx, event.QueueStatus, fmt.Sprintf(msg, len(rows)))
	return len(rows), nil
}

// Retry moves failed items back to pending with a fresh retry budget and
// returns the ids it moved; no ids means every failed item. Ids that are
// not failed are skipped.
func (s *Service) Retry(ctx context.Context, ids []string) ([]string, error) {
	retried, err := s.db.QueueRetry(ctx, ids, s.now())
	if err != nil {
		return nil, err
	}
	if retried == nil {
		retried = []string{}
	}
	if len(retried) > 0 {
		s.poke()
		s.publishQueue(ctx, event.QueueStatus, fmt.Sprintf("Retrying %d failed item(s)", len(retried)))
	}
	return retried, nil
}
