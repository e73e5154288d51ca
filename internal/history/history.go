// Package history is the download history: every download that completed
// or failed, with its size, duration, speed, hoster, language and attempt
// log, kept in SQLite apart from the queue (so clearing the queue or
// restarting keeps it) until the retention policy prunes it. The store
// records each outcome in the same transaction the queue commits it in;
// this package reads, filters and prunes. See README.md.
package history

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/store"
)

// mib is the "MB" of size_mb and average_speed_mbps, as in the queue.
const mib = 1 << 20

// HistoryEntry is one finished download as the API shows it.
type HistoryEntry struct {
	ID          int64            `json:"id"`
	QueueID     string           `json:"queue_id"`
	SerieID     string           `json:"serie_id" doc:"Series key"`
	SerieName   string           `json:"serie_name"`
	SerieFolder string           `json:"serie_folder"`
	Site        string           `json:"site"`
	Episode     anime.EpisodeRef `json:"episode"`
	Status      anime.Status     `json:"status" enum:"completed,failed"`
	Error       string           `json:"error,omitempty"`
	Hoster      string           `json:"hoster,omitempty" doc:"The hoster of the last try"`
	Language    string           `json:"language,omitempty" doc:"The language of the last try, e.g. German Dub"`
	FilePath    string           `json:"file_path,omitempty"`
	SizeBytes   int64            `json:"size_bytes"`
	SizeMB      float64          `json:"size_mb"`
	// DurationSeconds is the time spent transferring, over every try.
	DurationSeconds  float64 `json:"duration_seconds"`
	AverageSpeedMbps float64 `json:"average_speed_mbps" doc:"Size over transfer time, MB/s (MB = 2^20 bytes)"`
	// Tries counts every try, the last one included.
	Tries      int        `json:"tries"`
	AddedAt    time.Time  `json:"added_at"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt time.Time  `json:"finished_at"`
	// Attempts is the attempt log: in lists for failed downloads only,
	// always from GET /api/history/{id}.
	Attempts []queue.Attempt `json:"attempts,omitempty"`
}

// Query selects a page of the history, newest first.
type Query struct {
	Status  anime.Status // completed, failed or "" for both
	Site    string
	SerieID string
	Text    string
	Page    int // 1-based
	PerPage int
}

// Retention is how long entries are kept; zero fields do not limit.
type Retention struct {
	MaxAge     time.Duration
	MaxEntries int
}

// Options configures a Service. Store is required.
type Options struct {
	Store *store.DB
	// DefaultSite is the site of series stored without one (aniworld.to).
	DefaultSite string
	// Retention answers the policy at the time of each prune (read live).
	Retention func() Retention
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Service reads and prunes the history.
type Service struct {
	db          *store.DB
	defaultSite string
	retention   func() Retention
	now         func() time.Time
}

// New builds the service.
func New(o Options) (*Service, error) {
	if o.Store == nil {
		return nil, fmt.Errorf("history: store is required: %w", anime.ErrInvalid)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Retention == nil {
		o.Retention = func() Retention { return Retention{} }
	}
	return &Service{db: o.Store, defaultSite: o.DefaultSite, retention: o.Retention, now: o.Now}, nil
}

// List answers one page of entries and how many match in all.
func (s *Service) List(ctx context.Context, q Query) ([]HistoryEntry, int, error) {
	if q.Status != "" && q.Status != anime.StatusCompleted && q.Status != anime.StatusFailed {
		return nil, 0, fmt.Errorf("%w: status must be completed or failed", anime.ErrInvalid)
	}
	per := max(q.PerPage, 1)
	sq := store.DownloadHistoryQuery{Status: q.Status, SerieKey: q.SerieID, Text: q.Text,
		Offset: (max(q.Page, 1) - 1) * per, Limit: per}
	if q.Site != "" {
		sq.Sites = []string{q.Site}
		if q.Site == s.defaultSite {
			sq.Sites = append(sq.Sites, "")
		}
	}
	recs, total, err := s.db.DownloadHistory(ctx, sq)
	if err != nil {
		return nil, 0, err
	}
	out := make([]HistoryEntry, 0, len(recs))
	for _, r := range recs {
		out = append(out, s.entry(r))
	}
	return out, total, nil
}

// Get answers one entry with its attempt log.
func (s *Service) Get(ctx context.Context, id int64) (HistoryEntry, error) {
	r, err := s.db.DownloadRecordByID(ctx, id)
	if err != nil {
		return HistoryEntry{}, err
	}
	return s.entry(r), nil
}

// Clear deletes every entry and answers how many there were.
func (s *Service) Clear(ctx context.Context) (int, error) {
	n, err := s.db.ClearDownloadHistory(ctx)
	return int(n), err
}

// Prune applies the retention policy now and answers how many entries it
// deleted.
func (s *Service) Prune(ctx context.Context) (int, error) {
	r := s.retention()
	var before time.Time
	if r.MaxAge > 0 {
		before = s.now().Add(-r.MaxAge)
	}
	if before.IsZero() && r.MaxEntries <= 0 {
		return 0, nil
	}
	n, err := s.db.PruneDownloadHistory(ctx, before, r.MaxEntries)
	return int(n), err
}

func (s *Service) entry(r store.DownloadRecord) HistoryEntry {
	e := HistoryEntry{
		ID: r.ID, QueueID: r.QueueID, SerieID: r.SerieKey, SerieName: r.SerieName, SerieFolder: r.SerieFolder,
		Site:    r.Site,
		Episode: anime.EpisodeRef{Season: r.Season, Episode: r.Episode, Title: r.EpisodeTitle},
		Status:  r.Status, Error: r.Error, Hoster: r.Hoster, FilePath: r.FilePath,
		SizeBytes: r.Bytes, SizeMB: float64(r.Bytes) / mib,
		DurationSeconds: float64(r.TransferMS) / 1000,
		Tries:           r.FailedTries, AddedAt: r.AddedAt, FinishedAt: r.FinishedAt,
	}
	if e.Site == "" {
		e.Site = s.defaultSite
	}
	if r.Language.Valid() {
		e.Language = r.Language.String()
	}
	if r.Status == anime.StatusCompleted {
		e.Tries++
	}
	e.StartedAt = r.StartedAt
	if r.TransferMS > 0 {
		e.AverageSpeedMbps = float64(r.Bytes) / mib / (float64(r.TransferMS) / 1000)
	}
	if len(r.Attempts) > 0 {
		_ = json.Unmarshal(r.Attempts, &e.Attempts) // a damaged log shows as none
	}
	return e
}
