package queue

import (
	"bytes"
	"context"
	"fmt"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/store"
)

// QueueStatus is the body of GET /api/queue/status.
type QueueStatus struct {
	Status     Lists      `json:"status"`
	Statistics Statistics `json:"statistics"`
}

// Lists is the queue's state and its items. Every list except
// ActiveDownloads holds at most ListLimit items (the first pending ones in
// run order, the most recent completed and failed ones); Statistics has
// the full counts.
type Lists struct {
	IsRunning          bool   `json:"is_running"`
	IsPaused           bool   `json:"is_paused"`
	ActiveDownloads    []Item `json:"active_downloads"`
	PendingQueue       []Item `json:"pending_queue"`
	CompletedDownloads []Item `json:"completed_downloads"`
	FailedDownloads    []Item `json:"failed_downloads"`
	// ListLimit is the cap applied to the lists above.
	ListLimit int `json:"list_limit"`
}

// Statistics are computed from the stored items and the live transfers.
// MB is 2^20 bytes; speeds are MB per second.
type Statistics struct {
	TotalItems     int `json:"total_items"`
	PendingCount   int `json:"pending_count"`
	ActiveCount    int `json:"active_count"`
	CompletedCount int `json:"completed_count"`
	FailedCount    int `json:"failed_count"`
	// TotalDownloadedMB is every byte on disk for queued items: finished
	// files plus partial data.
	TotalDownloadedMB float64 `json:"total_downloaded_mb"`
	// AverageSpeedMbps is the mean speed of the running downloads; when
	// none runs, the mean speed of the completed ones.
	AverageSpeedMbps float64 `json:"average_speed_mbps"`
	// EstimatedTimeRemaining (seconds) is what the running downloads still
	// need plus the pending items at the mean completed size, at the
	// current combined speed; 0 when nothing runs.
	EstimatedTimeRemaining int `json:"estimated_time_remaining"`
}

// Status reports the queue's state, its (capped) lists and statistics.
// Its cost does not grow with the queue: counts come from trigger-kept
// totals and the lists are index range reads of at most ListLimit rows.
func (s *Service) Status(ctx context.Context) (QueueStatus, error) {
	agg, err := s.db.QueueStats(ctx)
	if err != nil {
		return QueueStatus{}, err
	}
	var out QueueStatus
	if err := s.readLists(ctx, agg, &out.Status); err != nil {
		return QueueStatus{}, err
	}

	now := s.now()
	var liveBytes, remaining int64
	var speedSum float64
	running := 0
	s.mu.Lock()
	out.Status.IsRunning, out.Status.IsPaused = s.running, s.paused
	for i := range out.Status.ActiveDownloads {
		it := &out.Status.ActiveDownloads[i]
		j, ok := s.active[it.ID]
		if !ok {
			continue
		}
		p := j.progressSnapshot(now)
		it.Progress = p
		j.pmu.Lock()
		liveBytes += j.bytes
		remaining += max(j.total-j.bytes, 0)
		j.pmu.Unlock()
		if p.SpeedMbps > 0 {
			speedSum += p.SpeedMbps
			running++
		}
	}
	s.mu.Unlock()
	out.Status.ListLimit = s.limit

	st := &out.Statistics
	for status, a := range agg {
		st.TotalItems += a.Items
		if status != anime.StatusDownloading {
			st.TotalDownloadedMB += mb(a.Bytes)
		}
	}
	st.PendingCount = agg[anime.StatusPending].Items
	st.ActiveCount = agg[anime.StatusDownloading].Items
	st.CompletedCount = agg[anime.StatusCompleted].Items
	st.FailedCount = agg[anime.StatusFailed].Items
	// Running items: the live byte counts, fresher than the stored ones.
	if len(out.Status.ActiveDownloads) > 0 {
		st.TotalDownloadedMB += mb(liveBytes)
	} else {
		st.TotalDownloadedMB += mb(agg[anime.StatusDownloading].Bytes)
	}

	done := agg[anime.StatusCompleted]
	switch {
	case running > 0:
		st.AverageSpeedMbps = speedSum / float64(running)
	case done.TransferMS > 0:
		st.AverageSpeedMbps = mb(done.Bytes) / (float64(done.TransferMS) / 1000)
	}
	if speedSum > 0 {
		left := float64(remaining)
		if done.Items > 0 {
			left += float64(st.PendingCount) * float64(done.Bytes) / float64(done.Items)
		}
		st.EstimatedTimeRemaining = int(left/mib/speedSum + 0.5)
	}
	return out, nil
}

// readLists fills the item lists of Status: every running item, the first
// pending ones in run order, the most recent completed and failed ones.
func (s *Service) readLists(ctx context.Context, agg map[anime.Status]store.QueueAggregate, out *Lists) error {
	lists := []struct {
		status anime.Status
		limit  int
		dst    *[]Item
	}{
		{anime.StatusDownloading, max(agg[anime.StatusDownloading].Items, 1), &out.ActiveDownloads},
		{anime.StatusPending, s.limit, &out.PendingQueue},
		{anime.StatusCompleted, s.limit, &out.CompletedDownloads},
		{anime.StatusFailed, s.limit, &out.FailedDownloads},
	}
	for _, l := range lists {
		*l.dst = []Item{}
		if agg[l.status].Items == 0 {
			continue
		}
		rows, err := s.db.QueueList(ctx, l.status, l.limit)
		if err != nil {
			return fmt.Errorf("queue status: %w", err)
		}
		for _, r := range rows {
			// The log explains failures; elsewhere it is Get's business
			// (a completed item keeps the warnings read from it; a log
			// without any is not decoded).
			if l.status != anime.StatusFailed && (l.status != anime.StatusCompleted || !bytes.Contains(r.Attempts, []byte(`"warnings"`))) {
				r.Attempts = nil
			}
			it := s.toItem(r)
			if l.status == anime.StatusCompleted {
				it.Attempts = nil
			}
			*l.dst = append(*l.dst, it)
		}
	}
	return nil
}
