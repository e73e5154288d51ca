package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// WantedRoutes registers /api/wanted*: every missing episode across the
// library, and queueing them. Handlers: wanted_handlers.go.
func WantedRoutes(w Wanted) func(huma.API) {
	h := wantedHandlers{w}
	return func(api huma.API) {
		op := func(id, method, path, summary string, opts ...opOption) huma.Operation {
			return Protected(operation([]string{"Wanted"}, id, method, path, summary, opts...))
		}
		huma.Register(api, op("wanted-list", http.MethodGet, "/api/wanted", "Missing episodes across the library",
			withDescription("By series name, season and episode; a bare list with X-Total-Count and an RFC 8288 Link header. "+
				"language keeps the episodes the site is known to offer in it (known from monitor refreshes; episodes no refresh has listed are left out by that filter).")), h.list)
		huma.Register(api, op("wanted-download", http.MethodPost, "/api/wanted/download", "Queue missing episodes",
			withErrors(422),
			withDescription("items (download selected) or all: true with the list's filters (download all, at most 10,000 per request; "+
				"remaining tells how many are left). Queued through POST /api/queue/add's rules, one add per series: "+
				"episodes already queued are skipped.")), h.download)
	}
}
