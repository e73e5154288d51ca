package metadata

import "time"

// MediaFiles is the artwork status of a series folder (the API's media_files object).
type MediaFiles struct {
	HasPoster  bool    `json:"has_poster"`
	HasLogo    bool    `json:"has_logo"`
	HasFanart  bool    `json:"has_fanart"`
	PosterPath *string `json:"poster_path"`
	LogoPath   *string `json:"logo_path"`
	FanartPath *string `json:"fanart_path"`
}

// Any reports whether any artwork file exists.
func (m MediaFiles) Any() bool { return m.HasPoster || m.HasLogo || m.HasFanart }

// CheckResult answers GET /api/nfo/{serie_id}/check.
type CheckResult struct {
	SerieID     string     `json:"serie_id"`
	SerieFolder string     `json:"serie_folder"`
	HasNFO      bool       `json:"has_nfo"`
	NFOPath     *string    `json:"nfo_path"`
	MediaFiles  MediaFiles `json:"media_files"`
	// TMDBID is the id found in the existing tvshow.nfo (0 when none); not
	// part of the API's JSON.
	TMDBID int `json:"-"`
}

// CreateOptions is the body of POST /api/nfo/{serie_id}/create. Start from
// DefaultCreateOptions: by default every artwork is downloaded.
type CreateOptions struct {
	SerieName         string `json:"serie_name,omitempty"`
	Year              int    `json:"year,omitempty"`
	DownloadPoster    bool   `json:"download_poster"`
	DownloadLogo      bool   `json:"download_logo"`
	DownloadFanart    bool   `json:"download_fanart"`
	OverwriteExisting bool   `json:"overwrite_existing"`
}

// DefaultCreateOptions is the API's default request: download every
// artwork, do not overwrite.
func DefaultCreateOptions() CreateOptions {
	return CreateOptions{DownloadPoster: true, DownloadLogo: true, DownloadFanart: true}
}

// NFOResult answers create and update.
type NFOResult struct {
	SerieID     string     `json:"serie_id"`
	SerieFolder string     `json:"serie_folder"`
	NFOPath     string     `json:"nfo_path"`
	MediaFiles  MediaFiles `json:"media_files"`
	Message     string     `json:"message"`
	// TMDBID is the show written; not part of the API's JSON.
	TMDBID int `json:"-"`
}

// ContentResult answers GET /api/nfo/{serie_id}/content.
type ContentResult struct {
	SerieID      string    `json:"serie_id"`
	SerieFolder  string    `json:"serie_folder"`
	Content      string    `json:"content"`
	FileSize     int64     `json:"file_size"`
	LastModified time.Time `json:"last_modified"`
}

// MediaOptions is the body of POST /api/nfo/{serie_id}/media/download.
type MediaOptions struct {
	DownloadPoster bool `json:"download_poster"`
	DownloadLogo   bool `json:"download_logo"`
	DownloadFanart bool `json:"download_fanart"`
}

// BatchOptions is the body of POST /api/nfo/batch/create.
type BatchOptions struct {
	SerieIDs      []string `json:"serie_ids"`
	DownloadMedia bool     `json:"download_media"`
	SkipExisting  bool     `json:"skip_existing"`
	MaxConcurrent int      `json:"max_concurrent"`
}

// DefaultBatchOptions is the API's default batch request (ids aside):
// download artwork, skip series that have an NFO, three at a time.
func DefaultBatchOptions() BatchOptions {
	return BatchOptions{DownloadMedia: true, SkipExisting: true, MaxConcurrent: 3}
}

// BatchItem is one series' outcome in a batch.
type BatchItem struct {
	SerieID     string  `json:"serie_id"`
	SerieFolder string  `json:"serie_folder"`
	Success     bool    `json:"success"`
	Message     string  `json:"message"`
	NFOPath     *string `json:"nfo_path"`
	// Skipped marks "NFO already exists"; not part of the API's JSON.
	Skipped bool `json:"-"`
}

// BatchResult answers POST /api/nfo/batch/create; Results follow the
// order of the requested ids.
type BatchResult struct {
	Total      int         `json:"total"`
	Successful int         `json:"successful"`
	Failed     int         `json:"failed"`
	Skipped    int         `json:"skipped"`
	Results    []BatchItem `json:"results"`
}

// MissingItem is one series without a tvshow.nfo.
type MissingItem struct {
	SerieID     string     `json:"serie_id"`
	SerieFolder string     `json:"serie_folder"`
	SerieName   string     `json:"serie_name"`
	HasMedia    bool       `json:"has_media"`
	MediaFiles  MediaFiles `json:"media_files"`
}

// MissingResult answers GET /api/nfo/missing.
type MissingResult struct {
	TotalSeries     int           `json:"total_series"`
	MissingNFOCount int           `json:"missing_nfo_count"`
	Series          []MissingItem `json:"series"`
}
