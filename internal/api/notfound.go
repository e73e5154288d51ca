package api

import (
	"net/http"
	"sort"
	"strings"
)

var methods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// allowedMethods lists the methods for which the mux has a specific
// route at r's path (the catch-alls do not count).
func allowedMethods(mux *http.ServeMux, r *http.Request) []string {
	var allow []string
	for _, m := range methods {
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, p := mux.Handler(r2); p != "" && !isCatchAll(p) {
			allow = append(allow, m)
		}
	}
	sort.Strings(allow)
	return allow
}

func isCatchAll(pattern string) bool {
	return pattern == "/api/" || pattern == "/" || pattern == "GET /"
}

// unknownRoute answers 405 when the path exists with other methods, and
// 404 otherwise, both in the error format.
func (s *Server) unknownRoute(w http.ResponseWriter, r *http.Request) {
	if allow := allowedMethods(s.mux, r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		WriteError(w, r, NewError(http.StatusMethodNotAllowed, CodeMethod,
			"Method "+r.Method+" is not allowed on "+r.URL.Path, map[string]any{"allowed_methods": allow}))
		return
	}
	WriteError(w, r, NewError(http.StatusNotFound, CodeNotFound, "No route matches "+r.Method+" "+r.URL.Path, nil))
}

// methodAndRouteCheck turns the mux's own plain-text 405 (a path that
// exists, another method) into the error format before anything else runs.
func (s *Server) methodAndRouteCheck(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, p := s.mux.Handler(r); p == "" || isCatchAll(p) {
			// Another method on a known path is a 405 everywhere; an
			// unknown /api/ path is a JSON 404; other paths go to the UI.
			if len(allowedMethods(s.mux, r)) > 0 || p == "" || strings.HasPrefix(r.URL.Path, "/api/") {
				s.unknownRoute(w, r)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
