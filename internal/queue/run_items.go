package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/attempt"
)

// RunItems runs the named items now, one after another, whatever the
// queue's running state, and returns once each is completed or failed:
// a one-shot command downloading its own items (the CLI's download).
// Every try takes the same path as under Run (resolve, target, download,
// record, hooks, events); a failed try is retried after its backoff while
// MaxRetries allows. done, when set, gets each item in its final state.
// An item that is not pending (finished, or running in another process)
// is handed to done as it is. RunItems cannot run beside Run
// (anime.ErrConflict); when ctx ends, the running item goes back to
// pending, as at a shutdown, and RunItems answers ctx's error.
func (s *Service) RunItems(ctx context.Context, ids []string, done func(Item)) error {
	if !s.runGuard.TryLock() {
		return fmt.Errorf("queue run: %w: already running", anime.ErrConflict)
	}
	defer s.runGuard.Unlock()
	for _, id := range ids {
		if err := s.runItem(ctx, id); err != nil {
			return err
		}
		it, err := s.Get(ctx, id)
		if err != nil {
			return err
		}
		if done != nil {
			done(it)
		}
	}
	return nil
}

// runItem claims and tries one item until it is no longer pending,
// waiting out each retry's backoff.
func (s *Service) runItem(ctx context.Context, id string) error {
	for {
		s.mu.Lock()
		row, err := s.db.QueueClaimID(ctx, id, s.now())
		var j *job
		var jctx context.Context
		if err == nil {
			j, jctx = s.startLocked(ctx, row)
		}
		s.mu.Unlock()
		if errors.Is(err, anime.ErrNotFound) {
			wait, pending, err := s.backoffLeft(ctx, id)
			if err != nil || !pending {
				return err
			}
			if err := attempt.Sleep(ctx, wait); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		s.announce(row)
		s.process(ctx, jctx, j)
		j.cancel()
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// backoffLeft answers whether an item is pending and how long until its
// retry backoff ends.
func (s *Service) backoffLeft(ctx context.Context, id string) (time.Duration, bool, error) {
	row, err := s.db.QueueGet(ctx, id)
	if err != nil {
		return 0, false, err
	}
	if row.Status != anime.StatusPending {
		return 0, false, nil
	}
	return max(row.NotBefore.Sub(s.now()), time.Millisecond), true, nil
}

// Ensure queues the episodes of req that are not in the queue yet and
// answers the ids of all of them in req's order, the live items already
// queued for the others included (a one-shot command that runs them with
// RunItems, also after an interrupted run). Invalid episodes are in failed.
func (s *Service) Ensure(ctx context.Context, req AddRequest) (ids []string, failed []FailedItem, err error) {
	byEp := map[[2]int]string{}
	var fresh []anime.EpisodeRef
	for _, ep := range req.Episodes {
		row, err := s.db.QueueLiveItem(ctx, req.SerieID, ep.Season, ep.Episode)
		switch {
		case err == nil:
			byEp[[2]int{ep.Season, ep.Episode}] = row.ID
		case errors.Is(err, anime.ErrNotFound):
			fresh = append(fresh, ep)
		default:
			return nil, nil, err
		}
	}
	if len(fresh) > 0 {
		add := req
		add.Episodes = fresh
		added, failedAdd, err := s.Add(ctx, add)
		if err != nil {
			return nil, nil, err
		}
		failed = failedAdd
		for _, id := range added {
			row, err := s.db.QueueGet(ctx, id)
			if err != nil {
				return nil, nil, err
			}
			byEp[[2]int{row.Season, row.Episode}] = id
		}
	}
	for _, ep := range req.Episodes {
		if id, ok := byEp[[2]int{ep.Season, ep.Episode}]; ok {
			ids = append(ids, id)
			delete(byEp, [2]int{ep.Season, ep.Episode})
		}
	}
	return ids, failed, nil
}
