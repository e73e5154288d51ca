package queue

import (
	"context"
	"encoding/json"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/store"
)

// mib is the "MB" of every *_mb field and of speed_mbps (MB per second).
const mib = 1 << 20

// maxAttempts caps the attempt log kept per item (the newest are kept).
const maxAttempts = 60

func decodeAttempts(b []byte) []Attempt {
	var out []Attempt
	if len(b) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil
	}
	return out
}

func encodeAttempts(a []Attempt) []byte {
	if len(a) > maxAttempts {
		a = a[len(a)-maxAttempts:]
	}
	b, err := json.Marshal(a)
	if err != nil || a == nil {
		return []byte("[]")
	}
	return b
}

// staticProgress is the progress a stored item shows when no transfer is
// running: what its byte counts say.
func staticProgress(r store.QueueItem) *anime.Progress {
	if r.Status == anime.StatusCompleted {
		total := max(r.BytesTotal, r.BytesDownloaded)
		return &anime.Progress{Percent: 100, DownloadedMB: mb(r.BytesDownloaded), TotalMB: mb(total)}
	}
	if r.BytesDownloaded == 0 {
		return nil
	}
	return &anime.Progress{Percent: percent(r.BytesDownloaded, r.BytesTotal),
		DownloadedMB: mb(r.BytesDownloaded), TotalMB: mb(r.BytesTotal)}
}

func mb(b int64) float64 { return float64(b) / mib }

func percent(done, total int64) float64 {
	if total <= 0 {
		return 0
	}
	p := float64(done) * 100 / float64(total)
	return min(p, 100)
}

func (s *Service) toItem(r store.QueueItem) Item {
	it := Item{DownloadItem: anime.DownloadItem{
		ID: r.ID, SerieID: r.SerieID, SerieFolder: r.SerieFolder, SerieName: r.SerieName,
		Episode:  anime.EpisodeRef{Season: r.Season, Episode: r.Episode, Title: r.EpisodeTitle},
		Status:   r.Status,
		Priority: r.Priority, Position: int(r.Position), AddedAt: r.AddedAt,
		StartedAt: r.StartedAt, CompletedAt: r.CompletedAt, Error: r.Error, RetryCount: r.RetryCount,
		SourceURL: r.SourceURL, FilePath: r.FilePath, Language: r.Language, Hoster: r.Hoster,
		Progress: staticProgress(r),
	}, Attempts: decodeAttempts(r.Attempts)}
	if r.Status == anime.StatusCompleted {
		it.Warnings = lastDownloadWarnings(it.Attempts)
	}
	return it
}

// lastDownloadWarnings are the engine's warnings of the newest download
// attempt (the one that completed the item).
func lastDownloadWarnings(as []Attempt) []string {
	for i := len(as) - 1; i >= 0; i-- {
		if as[i].Stage == StageDownload {
			return as[i].Warnings
		}
	}
	return nil
}

func downloadData(it Item) event.DownloadData {
	return event.DownloadData{
		DownloadID: it.ID, Key: it.SerieID, Folder: it.SerieFolder, SerieName: it.SerieName,
		Episode: it.Episode.String(), Season: it.Episode.Season, EpisodeNo: it.Episode.Episode,
		Status: string(it.Status), Hoster: it.Hoster, Language: languageName(it.Language),
	}
}

// languageName is a known language's name, "" otherwise.
func languageName(l anime.Language) string {
	if !l.Valid() {
		return ""
	}
	return l.String()
}

// rowData is downloadData for a stored row, without decoding its log.
func rowData(r store.QueueItem) event.DownloadData {
	ep := anime.EpisodeRef{Season: r.Season, Episode: r.Episode}
	return event.DownloadData{
		DownloadID: r.ID, Key: r.SerieID, Folder: r.SerieFolder, SerieName: r.SerieName,
		Episode: ep.String(), Season: r.Season, EpisodeNo: r.Episode, Status: string(r.Status),
		Hoster: r.Hoster, Language: languageName(r.Language),
	}
}

func (s *Service) publish(t event.Type, d event.DownloadData) {
	s.pub.Publish(event.Event{Type: t, Time: s.now().UTC(), Data: d})
}

// publishQueue sends a queue_* event with the current counts.
func (s *Service) publishQueue(ctx context.Context, t event.Type, msg string) {
	running, paused := s.State()
	d := event.QueueData{IsRunning: running, IsPaused: paused, Message: msg}
	if agg, err := s.db.QueueStats(context.WithoutCancel(ctx)); err == nil {
		d.PendingCount = agg[anime.StatusPending].Items
		d.ActiveCount = agg[anime.StatusDownloading].Items
		d.CompletedCount = agg[anime.StatusCompleted].Items
		d.FailedCount = agg[anime.StatusFailed].Items
	} else {
		s.log.Warn("queue: read statistics for event", "err", err)
	}
	s.pub.Publish(event.Event{Type: t, Time: s.now().UTC(), Data: d})
}
