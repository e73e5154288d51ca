package event

// DownloadData is the payload of every download_* event. Fields that do not
// apply to a given type are omitted. Key is the series key; Folder is
// display metadata.
type DownloadData struct {
	DownloadID   string  `json:"download_id"`
	Key          string  `json:"key"`
	Folder       string  `json:"folder"`
	SerieName    string  `json:"serie_name,omitempty"`
	Episode      string  `json:"episode,omitempty"` // "S01E01"
	Season       int     `json:"season"`
	EpisodeNo    int     `json:"episode_number"`
	Percent      float64 `json:"percent"`
	DownloadedMB float64 `json:"downloaded_mb,omitempty"`
	TotalMB      float64 `json:"total_mb,omitempty"`
	SpeedMbps    float64 `json:"speed_mbps"`
	ETASeconds   int     `json:"eta_seconds"`
	FilePath     string  `json:"file_path,omitempty"`
	Error        string  `json:"error,omitempty"`
	Status       string  `json:"status,omitempty"`
	// Hoster and Language are the stream's, once one was chosen.
	Hoster   string `json:"hoster,omitempty"`
	Language string `json:"language,omitempty"`
	// Warnings are the download engine's notes on a finished download
	// (download_complete), e.g. "ffmpeg not available: kept mpegts as .ts".
	Warnings []string `json:"warnings,omitempty"`
}

// QueueData is the payload of queue_status, queue_started and queue_stopped.
type QueueData struct {
	IsRunning      bool   `json:"is_running"`
	IsPaused       bool   `json:"is_paused"`
	PendingCount   int    `json:"pending_count"`
	ActiveCount    int    `json:"active_count"`
	CompletedCount int    `json:"completed_count"`
	FailedCount    int    `json:"failed_count"`
	Message        string `json:"message,omitempty"`
}

// ScanData is the payload of scan_progress and scan_complete.
type ScanData struct {
	ScanID        string   `json:"scan_id"`
	Current       int      `json:"current"`
	Total         int      `json:"total"`
	Percent       float64  `json:"percent"`
	Folder        string   `json:"folder,omitempty"`
	Key           string   `json:"key,omitempty"`
	Message       string   `json:"message,omitempty"`
	SeriesCount   int      `json:"series_count,omitempty"`
	MissingCount  int      `json:"missing_count,omitempty"`
	Unmatched     int      `json:"unmatched,omitempty"`
	Errors        int      `json:"errors,omitempty"`
	DurationMs    int64    `json:"duration_ms,omitempty"`
	ErrorMessages []string `json:"error_messages,omitempty"`
	// Failed marks a scan_complete of a scan that failed (Message says
	// why); in-process subscribers read it, clients read Message.
	Failed bool `json:"-"`
}
