package api

import (
	"context"
	"net/http"

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

// Gate requires a valid bearer token on every route whose operation
// declares AccessProtected (see access.go); public routes, routes that
// check their own credentials and unknown routes pass.
type Gate struct {
	Verifier TokenVerifier
}

func unauthorized(msg string) *Error {
	return NewError(http.StatusUnauthorized, CodeAuthentication, msg, nil).WithHeader("WWW-Authenticate", `Bearer realm="aniworld"`)
}

func (g *Gate) middleware(route func(*http.Request) (declaration, bool)) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			d, known := route(r)
			if r.Method == http.MethodOptions || !known || d.access != AccessProtected {
				next.ServeHTTP(w, r) // unknown routes: 404/405 for everyone
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
