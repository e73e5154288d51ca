package app

import (
	"context"
	"net/http"
	"time"

	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/auth"
	"github.com/aniworld/aniworld/internal/ws"
)

// wireWS builds the WebSocket hub: it receives every event the services
// publish and serves /ws/connect and /ws/status.
func (a *App) wireWS(deps *api.Deps, authSvc *auth.Service) *ws.Hub {
	hub := ws.NewHub(ws.Options{
		Authenticate: func(ctx context.Context, token string) (time.Time, bool) {
			c, err := authSvc.Verify(ctx, token)
			return c.ExpiresAt, err == nil
		},
		OriginAllowed: func(r *http.Request) bool {
			o := r.Header.Get("Origin")
			return o == "" || a.cors.OriginAllowed(o, r)
		},
		ClientAddr: deps.ClientAddr,
		Refuse:     refuseHandshake,
		Logger:     a.log.With("component", "ws"),
	})
	// Logout and reset end sessions: their sockets close with 1008.
	authSvc.OnInvalidate(func() { hub.Revalidate(context.Background()) })
	a.events.add(hub)
	a.hub = hub
	deps.Services.WebSocket = noDeadlines(hub)
	deps.Services.WSStatus = hub.StatusHandler()
	return hub
}

// refuseHandshake answers a refused WebSocket handshake in the contract's
// error format: 429 (with Retry-After) when the client's address holds its
// share of sockets, 503 when the server is full or shutting down, 403 for
// a foreign origin.
func refuseHandshake(w http.ResponseWriter, r *http.Request, status int, msg string) {
	var e *api.Error
	switch status {
	case http.StatusTooManyRequests:
		e = api.NewError(status, api.CodeRateLimit, msg, map[string]any{"retry_after": 5}).WithHeader("Retry-After", "5")
	case http.StatusForbidden:
		e = api.NewError(status, api.CodeAuthorization, msg, nil)
	default:
		e = api.NewError(status, api.CodeUnavailable, msg, nil).WithHeader("Retry-After", "5")
	}
	api.WriteError(w, r, e)
}
