package app

import (
	"context"
	"net/http"

	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/auth"
	"github.com/aniworld/aniworld/internal/ws"
)

// wireWS builds the WebSocket hub: it receives every event the services
// publish and serves /ws/connect and /ws/status.
func (a *App) wireWS(deps *api.Deps, authSvc *auth.Service) *ws.Hub {
	hub := ws.NewHub(ws.Options{
		Authenticate: func(ctx context.Context, token string) bool {
			_, err := authSvc.Verify(ctx, token)
			return err == nil
		},
		OriginAllowed: func(r *http.Request) bool {
			o := r.Header.Get("Origin")
			return o == "" || a.cors.OriginAllowed(o, r)
		},
		Logger: a.log.With("component", "ws"),
	})
	a.events.add(hub)
	a.hub = hub
	if deps.Extra == nil {
		deps.Extra = map[string]http.Handler{}
	}
	deps.Extra["GET /ws/connect"] = noDeadlines(hub)
	deps.Extra["GET /ws/status"] = hub.StatusHandler()
	return hub
}
