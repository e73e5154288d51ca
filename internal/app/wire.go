package app

import (
	"context"

	"github.com/aniworld/aniworld/internal/api"
)

// wire builds the feature services and adds their routes, handlers and
// background loops to deps and the app.
func (a *App) wire(ctx context.Context, deps *api.Deps) error {
	return nil
}
