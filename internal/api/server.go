// Package api is the HTTP surface: one route table (routes.go), the
// handlers per resource (<resource>_handlers.go), middleware, error
// mapping in one place, the OpenAPI document and the embedded docs pages.
package api

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/aniworld/aniworld/internal/auth"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/diagnostics"
	"github.com/aniworld/aniworld/internal/logging"
	"github.com/aniworld/aniworld/internal/store"
)

// Deps is everything the HTTP surface needs. The services behind the
// routes are in Services; one that is nil leaves its routes out, so tests
// can build a server with only the parts they exercise.
type Deps struct {
	Config    *config.Manager
	DB        *store.DB
	Logger    *slog.Logger
	Version   string
	StartedAt time.Time
	// Services are what the route table (routes.go) calls.
	Services Services
	// Gate, when set, authenticates every protected /api/* route.
	Gate *Gate
	// Outer wraps the whole handler inside request-id/logging (CORS, rate limits).
	Outer []Middleware
	// ClientAddr derives the client address of a request (default: the
	// socket peer's IP).
	ClientAddr func(*http.Request) string
	// Browser, when set, adds the built-in browser to /health/detailed.
	Browser diagnostics.BrowserStatuser
	// Remux says whether the download engine can remux HLS downloads
	// (ffmpeg), for /health/detailed (*download.Engine).
	Remux diagnostics.RemuxChecker

	// testRoutes registers operations only tests use (the error paths).
	testRoutes []func(huma.API)
}

// Server is the assembled HTTP handler plus its huma API.
type Server struct {
	deps    Deps
	decl    map[string]declaration // by mux pattern: who may call it, its rate limit
	mux     *http.ServeMux
	api     huma.API
	handler http.Handler
}

// New builds the route table and the middleware chain.
func New(d Deps) *Server {
	hookErrors()
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	s := &Server{deps: d, mux: http.NewServeMux(), decl: map[string]declaration{}}
	if d.Config != nil {
		d.Config.ReadsLive("server.max_body_bytes") // maxBody reads it per request
	}
	cfg := huma.DefaultConfig("aniworld API", d.Version)
	cfg.CreateHooks = nil // no $schema fields or Link describedby headers in bodies
	cfg.DocsPath = ""     // our own embedded pages, no CDN
	cfg.OpenAPIPath = "/api/openapi"
	cfg.SchemasPath = "/api/schemas"
	cfg.Info.Description = "Self-hosted anime library and download manager. " +
		"Protected routes need `Authorization: Bearer <token>` from POST /api/auth/login. " +
		"Every error has the body {success:false, error, message, details, request_id}."
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", BearerFormat: "JWT"},
	}
	// Errors returned as *Error by handlers get the request id here.
	cfg.Transformers = append(cfg.Transformers, func(ctx huma.Context, _ string, v any) (any, error) {
		if e, ok := v.(*Error); ok {
			e.RequestID = logging.RequestID(ctx.Context())
			if e.Details == nil {
				e.Details = map[string]any{}
			}
		}
		return v, nil
	})
	s.api = humago.New(s.mux, cfg)
	s.routes()
	s.collectDeclarations()
	s.mux.HandleFunc("/api/", s.unknownRoute)
	if d.Services.Web == nil {
		s.mux.HandleFunc("/", s.unknownRoute)
	}

	if d.ClientAddr == nil {
		d.ClientAddr = func(r *http.Request) string { return auth.ClientIP(r, nil) }
	}
	mws := []Middleware{
		requestID(d.Logger),
		accessLog(d.Logger),
		securityHeaders,
		withClient(d.ClientAddr),
	}
	mws = append(mws, s.declare)
	mws = append(mws, d.Outer...)
	mws = append(mws, bodyLimit(s.maxBody), s.methodAndRouteCheck)
	if d.Gate != nil {
		mws = append(mws, d.Gate.middleware(s.route))
	}
	s.handler = chain(s.mux, mws...)
	return s
}

// API is the huma API, for registering operations.
func (s *Server) API() huma.API { return s.api }

// Handler is the complete HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) maxBody() int64 {
	if s.deps.Config == nil {
		return 1 << 20
	}
	return s.deps.Config.Get().Server.MaxBodyBytes
}

// NewHTTPServer wraps h in an http.Server with sane timeouts.
func NewHTTPServer(addr string, h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(_ net.Listener) context.Context { return context.Background() },
	}
}
