package web_test

import (
	"net/http"
	"net/http/httptest"

	"github.com/aniworld/aniworld/internal/api"
)

// apiServer serves the API built from deps (with the web UI in
// deps.Services.Web) and a stand-in for GET /api/auth/status, which every
// page asks first.
func apiServer(deps api.Deps, authStatus http.Handler) *httptest.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /api/auth/status", authStatus)
	mux.Handle("/", api.New(deps))
	return httptest.NewServer(mux)
}
