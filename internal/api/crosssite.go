package api

import (
	"mime"
	"net/http"
	"strings"
)

// CodeUnsupportedMediaType is the error code of a 415.
const CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"

// CrossSiteGuard refuses what a foreign web page could make a browser send
// to the API:
//
//   - a state-changing request (POST, PUT, PATCH, DELETE) whose Origin
//     header is present and not allowed by originAllowed (the server's own
//     origin and the configured CORS origins): 403;
//   - a request to /api/* with a body that is not declared
//     application/json (a form post or text/plain is what a page can send
//     without a CORS preflight): 415.
//
// Requests without an Origin header (curl, scripts, other servers) are not
// cross-site and pass the first check.
func CrossSiteGuard(originAllowed func(origin string, r *http.Request) bool) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !stateChanging(r.Method) {
				next.ServeHTTP(w, r)
				return
			}
			if o, sent := r.Header["Origin"]; sent && (len(o) != 1 || !originAllowed(o[0], r)) {
				WriteError(w, r, NewError(http.StatusForbidden, CodeAuthorization,
					"Cross-site request refused: this origin may not change state on this server (configure security.allowed_origins to allow it)",
					map[string]any{"origin": strings.Join(o, ", ")}))
				return
			}
			if strings.HasPrefix(r.URL.Path, "/api/") && hasBody(r) && !isJSON(r.Header.Get("Content-Type")) {
				WriteError(w, r, NewError(http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
					"Request bodies must be JSON: send Content-Type: application/json",
					map[string]any{"content_type": r.Header.Get("Content-Type")}))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func stateChanging(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// hasBody reports whether the request carries (or may carry) a body.
func hasBody(r *http.Request) bool {
	return r.ContentLength > 0 || (r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody)
}

// isJSON accepts application/json and application/<x>+json, any parameters.
func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}
