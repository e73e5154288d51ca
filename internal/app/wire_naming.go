package app

import (
	"context"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/library"
)

// namingPreviewer adapts the library's naming preview to the API
// (api.NamingPreviewer); an episode whose file does not tell its language
// is shown in the first configured one.
type namingPreviewer struct {
	lib *library.Service
	cfg *config.Manager
}

var _ api.NamingPreviewer = namingPreviewer{}

// PreviewNaming implements api.NamingPreviewer.
func (n namingPreviewer) PreviewNaming(ctx context.Context, req api.NamingPreviewRequest) (api.NamingPreview, error) {
	r := library.PreviewRequest{Template: req.Template, SeriesKey: req.SeriesKey}
	if l := languages(n.cfg.Get().Download.LanguageOrder); len(l) > 0 {
		r.Language = l[0]
	}
	if req.Season != nil && req.Episode != nil {
		r.Episode = &anime.EpisodeRef{Season: *req.Season, Episode: *req.Episode}
	}
	p, err := n.lib.PreviewNaming(ctx, r)
	if err != nil {
		return api.NamingPreview{}, err
	}
	return api.NamingPreview{Path: p.Path, Template: req.Template, SeriesKey: p.SeriesKey, Episode: p.Episode,
		Sample: p.Sample, MediaFromFile: p.MediaFromFile, Values: p.Values, Tokens: library.Tokens}, nil
}
