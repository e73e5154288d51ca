package api

import (
	"context"
	"net/http"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/library"
)

// NamingPreviewRequest is the body of POST /api/config/naming/preview.
type NamingPreviewRequest struct {
	Template  string `json:"template" minLength:"1" maxLength:"1000" doc:"The naming template to try (not saved)"`
	SeriesKey string `json:"series_key,omitempty" maxLength:"200" doc:"A library series to render for; default: the first series by title"`
	Season    *int   `json:"season,omitempty" minimum:"0" maximum:"999" doc:"With episode: this episode instead of the series' first on disk (or first missing)"`
	Episode   *int   `json:"episode,omitempty" minimum:"1" maximum:"9999"`
}

// NamingPreview is what a template renders for one episode.
type NamingPreview struct {
	// Path is relative to the anime folder: the series folder, then what
	// the template renders.
	Path      string           `json:"path"`
	Template  string           `json:"template"`
	SeriesKey string           `json:"series_key,omitempty"`
	Episode   anime.EpisodeRef `json:"episode"`
	// Sample is true when the library has no series: sample values were used.
	Sample bool `json:"sample"`
	// MediaFromFile is true when {resolution}/{codec} were read from the
	// episode's file on disk (ffprobe); otherwise sample figures (1080p, H.264) stand in.
	MediaFromFile bool              `json:"media_from_file"`
	Values        map[string]string `json:"values" doc:"Every placeholder's value for this episode"`
	Tokens        []library.Token   `json:"tokens" doc:"The placeholders a template may use"`
}

// NamingPreviewer renders a naming template for a real library episode.
type NamingPreviewer interface {
	PreviewNaming(ctx context.Context, req NamingPreviewRequest) (NamingPreview, error)
}

type namingPreviewInput struct{ Body NamingPreviewRequest }

type namingPreviewOutput struct{ Body NamingPreview }

// namingHandlers are POST /api/config/naming/preview.
type namingHandlers struct{ p NamingPreviewer }

const docNamingPreview = "Renders `template` as `download.naming_template` would name a download of a library episode: " +
	"the series' first episode on disk, else its first missing one (or `season`/`episode`). " +
	"An invalid template answers 422 with the reason, as `PUT /api/config` would."

func (h namingHandlers) preview(ctx context.Context, in *namingPreviewInput) (*namingPreviewOutput, error) {
	if (in.Body.Season == nil) != (in.Body.Episode == nil) {
		return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "season and episode go together", map[string]any{"field": "episode"})
	}
	out, err := h.p.PreviewNaming(ctx, in.Body)
	if err != nil {
		return nil, err
	}
	return &namingPreviewOutput{Body: out}, nil
}
