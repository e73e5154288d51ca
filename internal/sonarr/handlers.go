package sonarr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aniworld/aniworld/internal/anime"
)

// handlers decode Sonarr's requests, call the Service and encode its
// answers; every failure becomes Sonarr's error shape, never a Go error
// (which would take the product API's error body).
type handlers struct{ s *Service }

type authOnly struct{ Auth }

type idInput struct {
	Auth
	ID string `path:"id"`
}

type listInput struct {
	Auth
	TVDBID string `query:"tvdbId"`
}

type lookupInput struct {
	Auth
	Term string `query:"term"`
}

// Payload reads a request body itself (huma.Resolver), so that an empty
// or malformed body gets Sonarr's answer instead of huma's.
type Payload struct {
	raw      []byte
	tooLarge bool
}

// maxPayload bounds a Sonarr request body.
const maxPayload = 1 << 20

// Resolve reads the body.
func (p *Payload) Resolve(ctx huma.Context) []error {
	raw, err := io.ReadAll(io.LimitReader(ctx.BodyReader(), maxPayload+1))
	p.raw, p.tooLarge = raw, err != nil || len(raw) > maxPayload
	return nil
}

type bodyInput struct {
	Auth
	Payload
}

type idBodyInput struct {
	Auth
	Payload
	ID string `path:"id"`
}

type deleteInput struct {
	Auth
	ID          string `path:"id"`
	DeleteFiles string `query:"deleteFiles"`
	Exclusion   string `query:"addImportListExclusion"`
}

type episodesInput struct {
	Auth
	SeriesID string `query:"seriesId"`
}

type queueInput struct {
	Auth
	Page           string `query:"page"`
	PageSize       string `query:"pageSize"`
	IncludeEpisode string `query:"includeEpisode"`
	IncludeSeries  string `query:"includeSeries"`
}

func ok(status int, body any) *reply { return &reply{Status: status, Body: body} }

// fail maps an error to Sonarr's answer: validation failures 400 (a list),
// unknown ids 404, the sites or TMDB unreachable 503, anything else 500
// without details (logged).
func (h *handlers) fail(ctx context.Context, err error) *reply {
	var v ValidationError
	switch {
	case errors.As(err, &v):
		return ok(http.StatusBadRequest, []ValidationFailure(v))
	case errors.Is(err, anime.ErrNotFound):
		return ok(http.StatusNotFound, ErrorBody{Message: "NotFound", Description: err.Error()})
	case errors.Is(err, anime.ErrInvalid):
		return ok(http.StatusBadRequest, []ValidationFailure(invalid("", err.Error(), nil)))
	case errors.Is(err, anime.ErrConflict):
		return ok(http.StatusConflict, ErrorBody{Message: err.Error()})
	case errors.Is(err, anime.ErrUnavailable), errors.Is(err, anime.ErrProvider), errors.Is(err, anime.ErrChallenge),
		errors.Is(err, anime.ErrRateLimited), errors.Is(err, context.DeadlineExceeded):
		return ok(http.StatusServiceUnavailable, ErrorBody{Message: "The sites or TMDB could not be reached", Description: err.Error()})
	}
	h.s.log.ErrorContext(ctx, "sonarr surface", "error", err)
	return ok(http.StatusInternalServerError, ErrorBody{Message: "An internal error occurred; the server log has details"})
}

// decode reads a JSON body strictly enough to reject garbage and loosely
// enough for Seerr's extra fields.
func decode(p Payload, v any) error {
	if p.tooLarge {
		return ValidationError{{PropertyName: "", ErrorMessage: "The request body is too large or could not be read", Severity: "error"}}
	}
	raw := bytes.TrimSpace(p.raw)
	if len(raw) == 0 {
		return ValidationError{{PropertyName: "", ErrorMessage: "A request body is required", Severity: "error"}}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return ValidationError{{PropertyName: "", ErrorMessage: "Malformed JSON body: " + err.Error(), Severity: "error"}}
	}
	return nil
}

// parseID reads an integer id; anything else is an unknown id.
func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, errors.Join(anime.ErrNotFound, errors.New("no series with id "+strconv.Quote(s)))
	}
	return id, nil
}

func truthy(s string) bool {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	return err == nil && b
}

func (h *handlers) status(_ context.Context, _ *authOnly) *reply { return ok(200, h.s.Status()) }

func (h *handlers) qualityProfiles(_ context.Context, _ *authOnly) *reply {
	return ok(200, QualityProfiles())
}

func (h *handlers) languageProfiles(_ context.Context, _ *authOnly) *reply {
	return ok(200, LanguageProfiles())
}

func (h *handlers) rootFolders(ctx context.Context, _ *authOnly) *reply {
	return ok(200, h.s.RootFolders(ctx))
}

func (h *handlers) tags(ctx context.Context, _ *authOnly) *reply {
	t, err := h.s.Tags(ctx)
	if err != nil {
		return h.fail(ctx, err)
	}
	return ok(200, t)
}

func (h *handlers) addTag(ctx context.Context, in *bodyInput) *reply {
	var t Tag
	if err := decode(in.Payload, &t); err != nil {
		return h.fail(ctx, err)
	}
	tag, err := h.s.AddTag(ctx, t.Label)
	if err != nil {
		return h.fail(ctx, err)
	}
	return ok(http.StatusCreated, tag)
}

func (h *handlers) listSeries(ctx context.Context, in *listInput) *reply {
	tvdb := 0
	if in.TVDBID != "" {
		n, err := strconv.Atoi(strings.TrimSpace(in.TVDBID))
		if err != nil || n <= 0 {
			return ok(200, []Series{})
		}
		tvdb = n
	}
	list, err := h.s.List(ctx, tvdb)
	if err != nil {
		return h.fail(ctx, err)
	}
	return ok(200, list)
}

func (h *handlers) lookup(ctx context.Context, in *lookupInput) *reply {
	t, okTerm := ParseTerm(in.Term)
	if !okTerm {
		return ok(200, []Series{})
	}
	list, err := h.s.Lookup(ctx, t)
	if err != nil {
		return h.fail(ctx, err)
	}
	return ok(200, list)
}

func (h *handlers) getSeries(ctx context.Context, in *idInput) *reply {
	id, err := parseID(in.ID)
	if err == nil {
		var r Series
		if r, err = h.s.Get(ctx, id); err == nil {
			return ok(200, r)
		}
	}
	return h.fail(ctx, err)
}

func (h *handlers) addSeries(ctx context.Context, in *bodyInput) *reply {
	var req SeriesInput
	if err := decode(in.Payload, &req); err != nil {
		return h.fail(ctx, err)
	}
	r, err := h.s.Add(ctx, req, in.raw)
	if err != nil {
		return h.fail(ctx, err)
	}
	return ok(http.StatusCreated, r)
}

func (h *handlers) update(ctx context.Context, pathID string, p Payload) *reply {
	var req SeriesInput
	if err := decode(p, &req); err != nil {
		return h.fail(ctx, err)
	}
	id := int64(req.ID)
	if pathID != "" {
		var err error
		if id, err = parseID(pathID); err != nil {
			return h.fail(ctx, err)
		}
	}
	r, err := h.s.Update(ctx, id, req)
	if err != nil {
		return h.fail(ctx, err)
	}
	return ok(http.StatusAccepted, r)
}

func (h *handlers) updateSeries(ctx context.Context, in *bodyInput) *reply {
	return h.update(ctx, "", in.Payload)
}

func (h *handlers) updateSeriesID(ctx context.Context, in *idBodyInput) *reply {
	return h.update(ctx, in.ID, in.Payload)
}

func (h *handlers) deleteSeries(ctx context.Context, in *deleteInput) *reply {
	id, err := parseID(in.ID)
	if err == nil {
		err = h.s.Delete(ctx, id, truthy(in.DeleteFiles))
	}
	if err != nil {
		return h.fail(ctx, err)
	}
	return ok(200, map[string]any{})
}

func (h *handlers) episodes(ctx context.Context, in *episodesInput) *reply {
	id, err := parseID(in.SeriesID)
	if err != nil {
		return ok(http.StatusBadRequest, []ValidationFailure(invalid("SeriesId", "seriesId is required", in.SeriesID)))
	}
	eps, err := h.s.Episodes(ctx, id)
	if err != nil {
		return h.fail(ctx, err)
	}
	return ok(200, eps)
}

func (h *handlers) monitorEpisodes(ctx context.Context, in *bodyInput) *reply {
	var req struct {
		EpisodeIDs []int64 `json:"episodeIds"`
		Monitored  bool    `json:"monitored"`
	}
	if err := decode(in.Payload, &req); err != nil {
		return h.fail(ctx, err)
	}
	if err := h.s.MonitorEpisodes(ctx, req.EpisodeIDs, req.Monitored); err != nil {
		return h.fail(ctx, err)
	}
	return ok(http.StatusAccepted, []any{})
}

func (h *handlers) command(ctx context.Context, in *bodyInput) *reply {
	var req CommandInput
	if err := decode(in.Payload, &req); err != nil {
		return h.fail(ctx, err)
	}
	c, err := h.s.Command(ctx, req)
	if err != nil {
		return h.fail(ctx, err)
	}
	return ok(http.StatusCreated, c)
}

func (h *handlers) queue(ctx context.Context, in *queueInput) *reply {
	page, _ := strconv.Atoi(strings.TrimSpace(in.Page))
	size, _ := strconv.Atoi(strings.TrimSpace(in.PageSize))
	q, err := h.s.Queue(ctx, page, size, truthy(in.IncludeEpisode), truthy(in.IncludeSeries))
	if err != nil {
		return h.fail(ctx, err)
	}
	return ok(200, q)
}
