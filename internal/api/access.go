package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aniworld/aniworld/internal/auth"
)

// Access is who may call an operation. Each operation declares it where
// it is registered (Public, Protected); the Gate and the rate limiter
// read the declaration of the operation a request is routed to, so no
// path list elsewhere decides who may call what.
type Access string

// Access levels.
const (
	// AccessPublic needs no token: health, auth status, login, logout and setup.
	AccessPublic Access = "public"
	// AccessProtected needs a valid bearer token; the Gate checks it.
	AccessProtected Access = "protected"
	// AccessOwn routes check what they need themselves: the web UI and
	// static files (public), the WebSocket (token per room), /metrics
	// (session or metrics token).
	AccessOwn Access = "own"
)

// Operation metadata keys of the declarations.
const (
	metaAccess    = "access"
	metaRateLimit = "rate_limit"
)

// Public declares op callable without a token.
func Public(op huma.Operation) huma.Operation {
	setMeta(&op, metaAccess, AccessPublic)
	op.Security = nil
	return op
}

// Protected declares op as needing a bearer token: the Gate enforces it
// and the OpenAPI document shows it.
func Protected(op huma.Operation) huma.Operation {
	setMeta(&op, metaAccess, AccessProtected)
	op.Security = []map[string][]string{{"bearer": {}}}
	return op
}

// OwnAuth declares that op checks its own credential (for example the
// calendar feed's token in the query, which calendar apps can send where
// they cannot send headers); the Gate lets it through and op.Security
// documents the credential.
func OwnAuth(op huma.Operation) huma.Operation {
	setMeta(&op, metaAccess, AccessOwn)
	return op
}

// RateLimited declares that the named rate-limit rule (auth.LimitRule.Name,
// e.g. "login") applies to op.
func RateLimited(rule string, op huma.Operation) huma.Operation {
	setMeta(&op, metaRateLimit, rule)
	if op.Extensions == nil {
		op.Extensions = map[string]any{}
	}
	op.Extensions["x-rate-limit"] = rule // shown in the OpenAPI document
	return op
}

func setMeta(op *huma.Operation, k string, v any) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[k] = v
}

// declaration is what a route declared: who may call it and which
// rate-limit rule applies.
type declaration struct {
	access Access
	limit  string
}

// accessOf reads an operation's declaration; an operation that declares
// nothing is protected (secure by default).
func accessOf(op *huma.Operation) declaration {
	d := declaration{access: AccessProtected}
	if a, ok := op.Metadata[metaAccess].(Access); ok {
		d.access = a
	}
	if l, ok := op.Metadata[metaRateLimit].(string); ok {
		d.limit = l
	}
	return d
}

// collectDeclarations indexes every registered huma operation's
// declaration by its mux pattern ("GET /api/queue/{item_id}"). An
// operation of the product that declares no access is a programming
// error: New panics, so it cannot ship (TestRouteTableDeclaresAccess).
func (s *Server) collectDeclarations() {
	for _, item := range s.api.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Patch, item.Head, item.Options} {
			if op == nil {
				continue
			}
			if _, ok := op.Metadata[metaAccess].(Access); !ok {
				panic("api: operation " + op.OperationID + " (" + op.Method + " " + op.Path +
					") declares no access: wrap it in Public, Protected or OwnAuth in routes.go")
			}
			s.decl[op.Method+" "+op.Path] = accessOf(op)
		}
	}
}

// handle mounts a plain handler (not an API operation) on the mux with
// its declared access; a nil handler is not mounted.
func (s *Server) handle(pattern string, access Access, h http.Handler) {
	if h == nil {
		return
	}
	s.mux.Handle(pattern, h)
	s.decl[pattern] = declaration{access: access}
}

// declareServed declares the access of routes something else mounted
// (huma serves the OpenAPI documents and schemas itself).
func (s *Server) declareServed(access Access, patterns ...string) {
	for _, p := range patterns {
		s.decl[p] = declaration{access: access}
	}
}

// route answers the declaration of the route r is served by; known is
// false for the catch-alls (unknown routes answer 404/405 to everyone).
// A pattern without a declaration is protected.
func (s *Server) route(r *http.Request) (d declaration, known bool) {
	_, p := s.mux.Handler(r)
	if p == "" || isCatchAll(p) {
		return declaration{}, false
	}
	if d, ok := s.decl[p]; ok {
		return d, true
	}
	return declaration{access: AccessProtected}, true
}

// declare puts the routed operation's rate-limit rule into the request's
// context, where the rate limiter (auth.RateLimitMiddleware) reads it.
func (s *Server) declare(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d, ok := s.route(r); ok && d.limit != "" {
			r = r.WithContext(auth.WithLimitRule(r.Context(), d.limit))
		}
		next.ServeHTTP(w, r)
	})
}
