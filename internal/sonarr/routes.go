package sonarr

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// Base is where the surface lives; Seerr appends "/api/v3" to the server
// address itself.
const Base = "/api/v3"

// SecurityScheme names the API key in the OpenAPI document.
const SecurityScheme = "sonarrApiKey"

// Declare marks an operation with who may call it and its rate limit;
// the composition root passes the HTTP surface's declarations (the
// operations check the API key themselves).
type Declare = func(huma.Operation) huma.Operation

// Register adds the Sonarr v3 operations to api, each declared by declare.
// This is the surface's route table: one line per operation.
func (s *Service) Register(api huma.API, declare Declare) {
	if oa := api.OpenAPI(); oa.Components != nil {
		if oa.Components.SecuritySchemes == nil {
			oa.Components.SecuritySchemes = map[string]*huma.SecurityScheme{}
		}
		oa.Components.SecuritySchemes[SecurityScheme] = &huma.SecurityScheme{Type: "apiKey", In: "header", Name: "X-Api-Key",
			Description: "The Seerr API key from Settings (also accepted as the apikey query parameter)"}
	}
	h := &handlers{s: s}
	for _, r := range []route{
		op(s, "sonarr-system-status", http.MethodGet, "/system/status", "Sonarr: system status", h.status),
		op(s, "sonarr-quality-profiles", http.MethodGet, "/qualityProfile", "Sonarr: quality profiles (wanted-language lists)", h.qualityProfiles),
		op(s, "sonarr-quality-profiles-lower", http.MethodGet, "/qualityprofile", "Sonarr: quality profiles (lower-case path)", h.qualityProfiles),
		op(s, "sonarr-language-profiles", http.MethodGet, "/languageprofile", "Sonarr: language profiles (the same lists)", h.languageProfiles),
		op(s, "sonarr-root-folders", http.MethodGet, "/rootfolder", "Sonarr: root folders (the anime directory)", h.rootFolders),
		op(s, "sonarr-tags", http.MethodGet, "/tag", "Sonarr: tags", h.tags),
		op(s, "sonarr-tag-add", http.MethodPost, "/tag", "Sonarr: create a tag", h.addTag),
		op(s, "sonarr-series-list", http.MethodGet, "/series", "Sonarr: the series Seerr manages", h.listSeries),
		op(s, "sonarr-series-lookup", http.MethodGet, "/series/lookup", "Sonarr: look a series up (tvdb:<id> or a title)", h.lookup),
		op(s, "sonarr-series-get", http.MethodGet, "/series/{id}", "Sonarr: one series", h.getSeries),
		op(s, "sonarr-series-add", http.MethodPost, "/series", "Sonarr: add a requested series", h.addSeries),
		op(s, "sonarr-series-update", http.MethodPut, "/series", "Sonarr: update a series (monitored seasons)", h.updateSeries),
		op(s, "sonarr-series-update-id", http.MethodPut, "/series/{id}", "Sonarr: update a series by id", h.updateSeriesID),
		op(s, "sonarr-series-delete", http.MethodDelete, "/series/{id}", "Sonarr: stop managing a series (deleteFiles removes it)", h.deleteSeries),
		op(s, "sonarr-episodes", http.MethodGet, "/episode", "Sonarr: a series' episodes", h.episodes),
		op(s, "sonarr-episodes-monitor", http.MethodPut, "/episode/monitor", "Sonarr: monitor episodes (their seasons)", h.monitorEpisodes),
		op(s, "sonarr-command", http.MethodPost, "/command", "Sonarr: run a command (SeriesSearch, RefreshMonitoredDownloads, ...)", h.command),
		op(s, "sonarr-queue", http.MethodGet, "/queue", "Sonarr: the download queue", h.queue),
	} {
		r.register(api, declare(r.op))
	}
}

// route is one operation of the table.
type route struct {
	op       huma.Operation
	register func(huma.API, huma.Operation)
}

// keyed is an input that carries the API key.
type keyed interface{ apiKey() string }

// Auth is the API key as Sonarr clients send it.
type Auth struct {
	Query  string `query:"apikey" doc:"The Seerr API key (or the X-Api-Key header)"`
	Header string `header:"X-Api-Key" doc:"The Seerr API key"`
}

func (a *Auth) apiKey() string {
	if a.Header != "" {
		return a.Header
	}
	return a.Query
}

// reply is every answer: a status and a body in Sonarr's shape.
type reply struct {
	Status int
	Body   any
}

// op builds a route whose handler runs only with the right key; a wrong
// or missing key is Sonarr's 401.
func op[I any, P interface {
	*I
	keyed
}](s *Service, id, method, path, summary string, h func(context.Context, *I) *reply) route {
	o := huma.Operation{OperationID: id, Method: method, Path: Base + path, Summary: summary, Tags: []string{"Sonarr (Seerr)"},
		Security: []map[string][]string{{SecurityScheme: {}}}, SkipValidateBody: true,
		Responses: map[string]*huma.Response{
			"200": {Description: "Sonarr's resource"},
			"400": {Description: "Sonarr's validation failures"},
			"401": {Description: "Wrong or missing API key"},
			"404": {Description: "Unknown id"},
		}}
	return route{op: o, register: func(api huma.API, o huma.Operation) {
		huma.Register(api, o, func(ctx context.Context, in *I) (*reply, error) {
			if !s.o.Keys.Check(P(in).apiKey()) {
				return &reply{Status: http.StatusUnauthorized, Body: map[string]string{"error": "Unauthorized"}}, nil
			}
			return h(ctx, in), nil
		})
	}}
}
