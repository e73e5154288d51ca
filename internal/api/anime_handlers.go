package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/monitor"
	"github.com/aniworld/aniworld/internal/provider"
)

// Library is what the anime routes need from the library.
type Library interface {
	Status(ctx context.Context) (dir string, count int, err error)
	List(ctx context.Context, q library.ListQuery) ([]library.ListItem, int, error)
	Get(ctx context.Context, idOrFolder string) (library.Detail, bool, error)
	Add(ctx context.Context, link, name string) (library.AddResult, error)
	StartRescan(ctx context.Context) bool
}

// Searcher finds series on the provider.
type Searcher interface {
	Search(ctx context.Context, query string) ([]provider.SearchResult, error)
}

// MaxQueryLen bounds a search query (200 characters).
const MaxQueryLen = 200

// AnimeStatusBody is GET /api/anime/status.
type AnimeStatusBody struct {
	Directory   string `json:"directory"`
	SeriesCount int    `json:"series_count"`
}

type animeListInput struct {
	Page      int    `query:"page" minimum:"1" default:"1" doc:"Page number (1-based)"`
	PerPage   int    `query:"per_page" minimum:"1" maximum:"1000" default:"20" doc:"Items per page (max 1000)"`
	SortBy    string `query:"sort_by" enum:"title,id,name,missing_episodes,updated_at,year,added,downloaded," doc:"Sort field (updated_at: the older seed's; last scan or metadata change; year: start year; added: joined the library; downloaded: last finished download)"`
	SortOrder string `query:"sort_order" enum:"asc,desc," doc:"asc or desc; without it ascending, except missing_episodes, added and downloaded (most missing, newest first)"`
	Filter    string `query:"filter" enum:"no_episodes,all,missing,complete,downloading,failed,monitored," doc:"Without it: series with missing episodes. no_episodes: of those, nothing on disk yet; all: every series; complete: nothing missing; downloading: episodes in the queue; failed: a failed download in the queue; monitored: monitoring is on"`
	Site      string `query:"site" maxLength:"100" doc:"Only this site's series (aniworld.to, s.to)"`
}

type animeListOutput struct {
	TotalCount int    `header:"X-Total-Count"`
	Link       string `header:"Link"`
	Body       []library.ListItem
}

type searchGetInput struct {
	Query string `query:"query" doc:"Search term (1-200 characters)"`
	Q     string `query:"q" doc:"Alias of query (older clients)"`
	Limit int    `query:"limit" minimum:"0" maximum:"1000" doc:"At most this many results (older seed); absent or 0: all"`
}

type searchPostInput struct {
	Body struct {
		Query string `json:"query" doc:"Search term (1-200 characters)"`
		Q     string `json:"q,omitempty" doc:"Alias of query"`
		Limit int    `json:"limit,omitempty" minimum:"0" maximum:"1000" doc:"At most this many results; absent or 0: all"`
	}
}

type searchOutput struct{ Body []provider.SearchResult }

type addInput struct {
	Body struct {
		Link string `json:"link" maxLength:"2048" doc:"Series URL, e.g. https://aniworld.to/anime/stream/attack-on-titan"`
		Name string `json:"name,omitempty" maxLength:"500" doc:"Display name; defaults to the provider's title"`
		// Monitor, when given, is stored as the series' monitoring settings.
		Monitor *monitor.Settings `json:"monitor,omitempty" doc:"Monitoring settings for the new series (default: not monitored)"`
	}
}

type addOutput struct{ Body library.AddResult }

// RescanBody answers POST /api/anime/rescan.
type RescanBody struct {
	Success bool   `json:"success"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

type rescanOutput struct{ Body RescanBody }

type animeIDInput struct {
	AnimeID string `path:"anime_id" maxLength:"500" doc:"Series key (preferred) or folder name (deprecated)"`
}

type animeDetailOutput struct {
	Deprecation string `header:"Deprecation"`
	Body        library.Detail
}

// animeHandlers are /api/anime* (rows in routes.go).
type animeHandlers struct{ lib Library }

// searchHandlers are GET and POST /api/anime/search.
type searchHandlers struct{ search Searcher }

// Descriptions of the anime operations.
const (
	docAnimeList   = "A bare list (newer seed). Pagination headers: X-Total-Count and an RFC 8288 Link header with next/prev. `filter` and `site` narrow the list; each item carries its cover_url, episode counts and queue state."
	docAnimeSearch = "`query` (or `q`) of 1-200 characters, else 422. An unreachable provider answers 502/503 PROVIDER_ERROR, never an empty list."
	docAnimeAdd    = "Validates the link, creates the folder (sanitised display name) and its marker, persists the series, scans it and answers its missing episodes. An existing series is 409."
	docAnimeRescan = "Returns at once; progress arrives as scan_progress/scan_complete WebSocket events. While a scan runs, another request answers 409 and starts nothing."
	docAnimeDetail = "Looked up by key; a lookup by folder name still works but is deprecated and answers with `Deprecation: true`."
)

func (h animeHandlers) status(ctx context.Context, _ *struct{}) (*struct{ Body AnimeStatusBody }, error) {
	dir, n, err := h.lib.Status(ctx)
	if err != nil {
		return nil, err
	}
	return &struct{ Body AnimeStatusBody }{AnimeStatusBody{Directory: dir, SeriesCount: n}}, nil
}

func (h animeHandlers) list(ctx context.Context, in *animeListInput) (*animeListOutput, error) {
	items, total, err := h.lib.List(ctx, library.ListQuery{Page: in.Page, PerPage: in.PerPage, SortBy: in.SortBy, SortOrder: in.SortOrder, Filter: in.Filter, Site: in.Site})
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []library.ListItem{}
	}
	return &animeListOutput{TotalCount: total, Link: pageLinks("/api/anime", in, total), Body: items}, nil
}

func (h searchHandlers) get(ctx context.Context, in *searchGetInput) (*searchOutput, error) {
	q := in.Query
	if q == "" {
		q = in.Q
	}
	return h.run(ctx, q, in.Limit)
}

func (h searchHandlers) post(ctx context.Context, in *searchPostInput) (*searchOutput, error) {
	q := in.Body.Query
	if q == "" {
		q = in.Body.Q
	}
	return h.run(ctx, q, in.Body.Limit)
}

func (h searchHandlers) run(ctx context.Context, q string, limit int) (*searchOutput, error) {
	q = strings.TrimSpace(q)
	switch {
	case q == "":
		return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "query must not be empty", map[string]any{"field": "query"})
	case utf8.RuneCountInString(q) > MaxQueryLen:
		return nil, NewError(http.StatusUnprocessableEntity, CodeValidation,
			fmt.Sprintf("query must be at most %d characters", MaxQueryLen), map[string]any{"field": "query"})
	}
	res, err := h.search.Search(ctx, q)
	if err != nil {
		return nil, providerError(err)
	}
	if res == nil {
		res = []provider.SearchResult{}
	}
	if limit > 0 && len(res) > limit {
		res = res[:limit]
	}
	return &searchOutput{Body: res}, nil
}

func (h animeHandlers) add(ctx context.Context, in *addInput) (*addOutput, error) {
	if err := checkMonitorOnAdd(h.lib, in.Body.Monitor); err != nil {
		return nil, err
	}
	res, err := h.lib.Add(ctx, strings.TrimSpace(in.Body.Link), strings.TrimSpace(in.Body.Name))
	if err != nil {
		if errors.Is(err, anime.ErrInvalid) || errors.Is(err, anime.ErrConflict) || errors.Is(err, anime.ErrNotFound) {
			return nil, err
		}
		return nil, providerError(err)
	}
	if err := setMonitorOnAdd(ctx, h.lib, res.Key, in.Body.Monitor); err != nil {
		return nil, err
	}
	return &addOutput{Body: res}, nil
}

func (h animeHandlers) rescan(ctx context.Context, _ *struct{}) (*rescanOutput, error) {
	if !h.lib.StartRescan(context.WithoutCancel(ctx)) {
		return nil, NewError(http.StatusConflict, CodeConflict, "A library scan is already in progress", map[string]any{"status": "in_progress"})
	}
	return &rescanOutput{Body: RescanBody{Success: true, Status: "started", Message: "Rescan started successfully"}}, nil
}

func (h animeHandlers) detail(ctx context.Context, in *animeIDInput) (*animeDetailOutput, error) {
	d, byFolder, err := h.lib.Get(ctx, in.AnimeID)
	if err != nil {
		return nil, err
	}
	out := &animeDetailOutput{Body: d}
	if byFolder {
		out.Deprecation = "true"
		loggerFrom(ctx).WarnContext(ctx, "deprecated lookup by folder name; use the series key",
			"folder", in.AnimeID, "key", d.Key)
	}
	return out, nil
}

// providerError classifies a provider failure for the API: challenges and
// known kinds keep their meaning, anything else is a 502 PROVIDER_ERROR.
func providerError(err error) error {
	for _, known := range []error{anime.ErrChallenge, anime.ErrProvider, anime.ErrNotFound, anime.ErrInvalid, anime.ErrUnavailable, context.Canceled} {
		if errors.Is(err, known) {
			if known == anime.ErrUnavailable {
				return NewError(http.StatusServiceUnavailable, CodeProvider, "The provider is unavailable: "+err.Error(), nil)
			}
			return err
		}
	}
	return NewError(http.StatusBadGateway, CodeProvider, "The provider could not be reached: "+err.Error(), nil)
}

// pageLinks builds an RFC 8288 Link header with next/prev/first/last.
func pageLinks(path string, in *animeListInput, total int) string {
	per := max(in.PerPage, 1)
	last := max((total+per-1)/per, 1)
	link := func(page int, rel string) string {
		q := url.Values{}
		q.Set("page", strconv.Itoa(page))
		q.Set("per_page", strconv.Itoa(per))
		if in.SortBy != "" {
			q.Set("sort_by", in.SortBy)
		}
		if in.SortOrder != "" {
			q.Set("sort_order", in.SortOrder)
		}
		if in.Filter != "" {
			q.Set("filter", in.Filter)
		}
		if in.Site != "" {
			q.Set("site", in.Site)
		}
		return fmt.Sprintf(`<%s?%s>; rel="%s"`, path, q.Encode(), rel)
	}
	parts := []string{link(1, "first")}
	if in.Page > 1 {
		parts = append(parts, link(min(in.Page-1, last), "prev"))
	}
	if in.Page < last {
		parts = append(parts, link(in.Page+1, "next"))
	}
	parts = append(parts, link(last, "last"))
	return strings.Join(parts, ", ")
}
