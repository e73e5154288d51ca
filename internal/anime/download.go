package anime

import (
	"fmt"
	"strings"
	"time"
)

// Status is a download item's state.
type Status string

// Download item statuses, as the API and the WebSocket events name them.
const (
	StatusPending     Status = "pending"
	StatusDownloading Status = "downloading"
	StatusPaused      Status = "paused"
	StatusCompleted   Status = "completed"
	StatusFailed      Status = "failed"
	StatusCancelled   Status = "cancelled"
)

// Priority orders pending items: HIGH before NORMAL before LOW.
type Priority string

// Priorities.
const (
	PriorityLow    Priority = "LOW"
	PriorityNormal Priority = "NORMAL"
	PriorityHigh   Priority = "HIGH"
)

// Rank is a sortable number: higher runs first.
func (p Priority) Rank() int {
	switch p {
	case PriorityHigh:
		return 2
	case PriorityLow:
		return 0
	}
	return 1
}

// ParsePriority accepts "LOW"/"NORMAL"/"HIGH" in any case.
func ParsePriority(s string) (Priority, error) {
	switch Priority(strings.ToUpper(strings.TrimSpace(s))) {
	case PriorityLow:
		return PriorityLow, nil
	case PriorityNormal, "":
		return PriorityNormal, nil
	case PriorityHigh:
		return PriorityHigh, nil
	}
	return "", fmt.Errorf("%w: priority must be LOW, NORMAL or HIGH, got %q", ErrInvalid, s)
}

// Progress is a download's live progress (the API's progress object).
type Progress struct {
	Percent      float64 `json:"percent"`
	DownloadedMB float64 `json:"downloaded_mb"`
	TotalMB      float64 `json:"total_mb"`
	SpeedMbps    float64 `json:"speed_mbps"`
	ETASeconds   int     `json:"eta_seconds"`
}

// DownloadItem is one queued episode (the API's download item).
type DownloadItem struct {
	ID          string     `json:"id"`
	SerieID     string     `json:"serie_id"`
	SerieFolder string     `json:"serie_folder"`
	SerieName   string     `json:"serie_name"`
	Episode     EpisodeRef `json:"episode"`
	Status      Status     `json:"status"`
	Priority    Priority   `json:"priority"`
	Position    int        `json:"position"`
	AddedAt     time.Time  `json:"added_at"`
	StartedAt   *time.Time `json:"started_at"`
	CompletedAt *time.Time `json:"completed_at"`
	Progress    *Progress  `json:"progress"`
	Error       *string    `json:"error"`
	RetryCount  int        `json:"retry_count"`
	SourceURL   *string    `json:"source_url"`
	FilePath    string     `json:"file_path,omitempty"`
	Language    Language   `json:"language,omitempty"`
	// Hoster is the hoster of the current (or last) try, once a stream
	// was chosen.
	Hoster string `json:"hoster,omitempty"`
}
