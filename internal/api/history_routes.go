package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// HistoryRoutes registers /api/history*: the finished downloads (completed
// and failed), kept across queue clears and restarts until the retention
// policy (history.*) prunes them. Handlers: history_handlers.go.
func HistoryRoutes(hist History) func(huma.API) {
	h := historyHandlers{hist}
	return func(api huma.API) {
		op := func(id, method, path, summary string, opts ...opOption) huma.Operation {
			return Protected(operation([]string{"History"}, id, method, path, summary, opts...))
		}
		huma.Register(api, op("history-list", http.MethodGet, "/api/history", "Finished downloads, newest first",
			withDescription("A bare list with X-Total-Count and an RFC 8288 Link header (like GET /api/anime). "+
				"Filters combine: status, site, series (key), q (text in the series name, key or episode title). "+
				"attempts is included for failed downloads only; GET /api/history/{id} always has it.")), h.list)
		huma.Register(api, op("history-get", http.MethodGet, "/api/history/{id}", "One finished download, with its attempt log",
			withErrors(404)), h.get)
		huma.Register(api, op("history-clear", http.MethodDelete, "/api/history", "Forget every finished download",
			withDescription("Deletes the history only; the queue and the files are untouched.")), h.clear)
	}
}
