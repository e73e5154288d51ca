package api

import (
	"context"
	"net/http"

	"github.com/aniworld/aniworld/internal/metadata"
)

// NFO is what the NFO routes need from the metadata service.
type NFO interface {
	Enabled() bool
	Check(ctx context.Context, key string) (metadata.CheckResult, error)
	Create(ctx context.Context, key string, opts metadata.CreateOptions) (metadata.NFOResult, error)
	Update(ctx context.Context, key string, downloadMedia bool) (metadata.NFOResult, error)
	Content(ctx context.Context, key string) (metadata.ContentResult, error)
	MediaStatus(ctx context.Context, key string) (metadata.MediaFiles, error)
	Artwork(ctx context.Context, key, kind string) ([]byte, error)
	DownloadMedia(ctx context.Context, key string, opts metadata.MediaOptions) (metadata.MediaFiles, error)
	BatchCreate(ctx context.Context, opts metadata.BatchOptions) (metadata.BatchResult, error)
	Missing(ctx context.Context) (metadata.MissingResult, error)
}

type serieIDInput struct {
	SerieID string `path:"serie_id" maxLength:"200" doc:"Series key"`
}

type nfoCreateInput struct {
	SerieID string `path:"serie_id" maxLength:"200"`
	Body    *struct {
		SerieName         string `json:"serie_name,omitempty" maxLength:"500" doc:"Name to search TMDB for (default: the series name)"`
		Year              int    `json:"year,omitempty" minimum:"0" maximum:"2200"`
		DownloadPoster    *bool  `json:"download_poster,omitempty" doc:"default true"`
		DownloadLogo      *bool  `json:"download_logo,omitempty" doc:"default true"`
		DownloadFanart    *bool  `json:"download_fanart,omitempty" doc:"default true"`
		OverwriteExisting bool   `json:"overwrite_existing,omitempty"`
	} `required:"false"`
}

type nfoUpdateInput struct {
	SerieID       string `path:"serie_id" maxLength:"200"`
	DownloadMedia bool   `query:"download_media" default:"true"`
}

type mediaDownloadInput struct {
	SerieID string `path:"serie_id" maxLength:"200"`
	Body    *struct {
		DownloadPoster *bool `json:"download_poster,omitempty"`
		DownloadLogo   *bool `json:"download_logo,omitempty"`
		DownloadFanart *bool `json:"download_fanart,omitempty"`
	} `required:"false"`
}

type batchInput struct {
	Body struct {
		SerieIDs      []string `json:"serie_ids" minItems:"1" maxItems:"10000"`
		DownloadMedia *bool    `json:"download_media,omitempty" doc:"default true"`
		SkipExisting  *bool    `json:"skip_existing,omitempty" doc:"default true"`
		MaxConcurrent *int     `json:"max_concurrent,omitempty" doc:"1-10, default 3"`
	}
}

func boolOr(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

// nfoHandlers are /api/nfo/* (rows in routes.go). svc answers the
// current service (it is rebuilt when the TMDB settings change).
type nfoHandlers struct{ svc func() NFO }

// Descriptions of the NFO operations.
const (
	docNFOMediaFile = "Beyond the seeds: lets the web UI show the poster. Works without a TMDB key; 404 when the file is not there."
	docNFOBatch     = "max_concurrent (1-10) bounds the series processed at once; each series gets a result, one failure does not stop the batch."
)

type (
	checkOut   struct{ Body metadata.CheckResult }
	nfoOut     struct{ Body metadata.NFOResult }
	contentOut struct{ Body metadata.ContentResult }
	mediaOut   struct{ Body metadata.MediaFiles }
	batchOut   struct{ Body metadata.BatchResult }
	missingOut struct{ Body metadata.MissingResult }
	imageIn    struct {
		SerieID string `path:"serie_id" maxLength:"200"`
		Kind    string `path:"kind" enum:"poster,logo,fanart" doc:"Which artwork file"`
	}
	imageOut struct {
		ContentType  string `header:"Content-Type"`
		CacheControl string `header:"Cache-Control"`
		Body         []byte
	}
)

// enabled answers 503 with how to configure TMDB (the documented "TMDB API
// key not configured") before any NFO route but the artwork file runs.
func (h nfoHandlers) enabled() (NFO, error) {
	s := h.svc()
	if s == nil || !s.Enabled() {
		return nil, NewError(http.StatusServiceUnavailable, CodeConfiguration,
			"TMDB API key not configured: set nfo.tmdb_api_key in the config (PUT /api/config) or the ANIWORLD_TMDB_API_KEY environment variable", nil)
	}
	return s, nil
}

func (h nfoHandlers) check(ctx context.Context, in *serieIDInput) (*checkOut, error) {
	s, err := h.enabled()
	if err != nil {
		return nil, err
	}
	r, err := s.Check(ctx, in.SerieID)
	return &checkOut{r}, err
}

func (h nfoHandlers) create(ctx context.Context, in *nfoCreateInput) (*nfoOut, error) {
	s, err := h.enabled()
	if err != nil {
		return nil, err
	}
	opts := metadata.DefaultCreateOptions()
	if b := in.Body; b != nil {
		opts.SerieName, opts.Year, opts.OverwriteExisting = b.SerieName, b.Year, b.OverwriteExisting
		opts.DownloadPoster = boolOr(b.DownloadPoster, true)
		opts.DownloadLogo = boolOr(b.DownloadLogo, true)
		opts.DownloadFanart = boolOr(b.DownloadFanart, true)
	}
	r, err := s.Create(ctx, in.SerieID, opts)
	return &nfoOut{r}, err
}

func (h nfoHandlers) update(ctx context.Context, in *nfoUpdateInput) (*nfoOut, error) {
	s, err := h.enabled()
	if err != nil {
		return nil, err
	}
	r, err := s.Update(ctx, in.SerieID, in.DownloadMedia)
	return &nfoOut{r}, err
}

func (h nfoHandlers) content(ctx context.Context, in *serieIDInput) (*contentOut, error) {
	s, err := h.enabled()
	if err != nil {
		return nil, err
	}
	r, err := s.Content(ctx, in.SerieID)
	return &contentOut{r}, err
}

func (h nfoHandlers) mediaStatus(ctx context.Context, in *serieIDInput) (*mediaOut, error) {
	s, err := h.enabled()
	if err != nil {
		return nil, err
	}
	r, err := s.MediaStatus(ctx, in.SerieID)
	return &mediaOut{r}, err
}

func (h nfoHandlers) mediaDownload(ctx context.Context, in *mediaDownloadInput) (*mediaOut, error) {
	s, err := h.enabled()
	if err != nil {
		return nil, err
	}
	opts := metadata.MediaOptions{DownloadPoster: true, DownloadLogo: true, DownloadFanart: true}
	if b := in.Body; b != nil {
		opts.DownloadPoster = boolOr(b.DownloadPoster, true)
		opts.DownloadLogo = boolOr(b.DownloadLogo, true)
		opts.DownloadFanart = boolOr(b.DownloadFanart, true)
	}
	r, err := s.DownloadMedia(ctx, in.SerieID, opts)
	return &mediaOut{r}, err
}

func (h nfoHandlers) mediaFile(ctx context.Context, in *imageIn) (*imageOut, error) {
	s := h.svc()
	if s == nil {
		return nil, NewError(http.StatusNotFound, CodeNotFound, "no artwork", nil)
	}
	data, err := s.Artwork(ctx, in.SerieID, in.Kind)
	if err != nil {
		return nil, err
	}
	return &imageOut{ContentType: http.DetectContentType(data), CacheControl: "private, max-age=300", Body: data}, nil
}

func (h nfoHandlers) batchCreate(ctx context.Context, in *batchInput) (*batchOut, error) {
	s, err := h.enabled()
	if err != nil {
		return nil, err
	}
	opts := metadata.DefaultBatchOptions()
	opts.SerieIDs = in.Body.SerieIDs
	opts.DownloadMedia = boolOr(in.Body.DownloadMedia, true)
	opts.SkipExisting = boolOr(in.Body.SkipExisting, true)
	if in.Body.MaxConcurrent != nil {
		if n := *in.Body.MaxConcurrent; n < 1 || n > 10 {
			return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "max_concurrent must be between 1 and 10", map[string]any{"field": "max_concurrent"})
		}
		opts.MaxConcurrent = *in.Body.MaxConcurrent
	}
	r, err := s.BatchCreate(ctx, opts)
	return &batchOut{r}, err
}

func (h nfoHandlers) missing(ctx context.Context, _ *struct{}) (*missingOut, error) {
	s, err := h.enabled()
	if err != nil {
		return nil, err
	}
	r, err := s.Missing(ctx)
	return &missingOut{r}, err
}
