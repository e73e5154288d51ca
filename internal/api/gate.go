package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/aniworld/aniworld/internal/auth"
)

// TokenVerifier is what the gate needs from access control.
type TokenVerifier interface {
	// Configured reports whether the master password has been set up.
	Configured() bool
	// VerifyToken checks a bearer token; a non-nil error says why it is
	// not valid (expired, revoked, ...).
	VerifyToken(ctx context.Context, token string) error
}

// Gate requires a valid bearer token on every /api/* route that is not
// on the contract's public list.
type Gate struct {
	Verifier TokenVerifier
}

// publicAPI lists the /api/* paths that need no token (CONTRACT.md).
var publicAPI = map[string]bool{
	"/api/auth/setup":       true,
	"/api/auth/login":       true,
	"/api/auth/logout":      true,
	"/api/auth/status":      true,
	"/api/health":           true,
	"/api/health/detailed":  true,
	"/api/docs":             true,
	"/api/redoc":            true,
	"/api/openapi.json":     true,
	"/api/openapi.yaml":     true,
	"/api/openapi-3.0.json": true,
	"/api/openapi-3.0.yaml": true,
}

// IsPublic reports whether path is served without a token.
func IsPublic(path string) bool {
	if !strings.HasPrefix(path, "/api/") {
		return true // health, static files, UI pages, WebSocket (checks its own token), metrics (own check)
	}
	return publicAPI[path] || strings.HasPrefix(path, "/api/docs/") || strings.HasPrefix(path, "/api/schemas/")
}

func unauthorized(msg string) *Error {
	return NewError(http.StatusUnauthorized, CodeAuthentication, msg, nil).WithHeader("WWW-Authenticate", `Bearer realm="aniworld"`)
}

func (g *Gate) middleware(mux *http.ServeMux) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodOptions || IsPublic(r.URL.Path) {
				next.ServeHTTP(w, r)
				return
			}
			if _, p := mux.Handler(r); isCatchAll(p) {
				next.ServeHTTP(w, r) // unknown route: 404/405 for everyone
				return
			}
			if !g.Verifier.Configured() {
				WriteError(w, r, unauthorized("Setup required: no master password is configured yet. POST /api/auth/setup first."))
				return
			}
			tok, ok := auth.BearerToken(r)
			if !ok {
				if r.Header.Get("Authorization") != "" {
					WriteError(w, r, unauthorized("Malformed Authorization header: expected 'Bearer <token>'"))
					return
				}
				WriteError(w, r, unauthorized("Authentication required: send Authorization: Bearer <token>"))
				return
			}
			if err := g.Verifier.VerifyToken(r.Context(), tok); err != nil {
				WriteError(w, r, unauthorized("Invalid token: "+err.Error()))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
