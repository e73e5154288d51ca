package api

import (
	"net/http"

	"github.com/aniworld/aniworld/internal/api/docs"
)

func (s *Server) registerDocs() {
	page := func(html string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Security-Policy", docs.CSP)
			_, _ = w.Write([]byte(html))
		}
	}
	for _, p := range []string{"GET /api/docs", "GET /api/redoc", "GET /api/docs/assets/",
		"GET /api/openapi.json", "GET /api/openapi.yaml", "GET /api/openapi-3.0.json", "GET /api/openapi-3.0.yaml",
		"GET /api/schemas/{schema}"} {
		s.decl[p] = declaration{access: AccessPublic} // the pages and the documents huma serves
	}
	s.mux.HandleFunc("GET /api/docs", page(docs.SwaggerPage))
	s.mux.HandleFunc("GET /api/redoc", page(docs.RedocPage))
	files := http.StripPrefix("/api/docs/assets/", http.FileServerFS(docs.Assets()))
	s.mux.Handle("GET /api/docs/assets/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	}))
}
