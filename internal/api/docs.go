package api

import (
	"net/http"

	"github.com/aniworld/aniworld/internal/api/docs"
)

// docsPage serves one of the embedded docs pages (Swagger UI, ReDoc)
// under their own content security policy.
func docsPage(html string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", docs.CSP)
		_, _ = w.Write([]byte(html))
	})
}

// docsAssets serves the docs pages' embedded scripts and styles.
func docsAssets() http.Handler {
	files := http.StripPrefix("/api/docs/assets/", http.FileServerFS(docs.Assets()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}
