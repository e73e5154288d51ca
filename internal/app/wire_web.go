package app

import (
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/version"
	"github.com/aniworld/aniworld/internal/web"
)

// wireWeb mounts the web UI: the pages (and the friendly HTML 404 for
// every unknown non-API path) at "/", the embedded files at "/static/".
func (a *App) wireWeb(deps *api.Deps) {
	ui := web.New(web.Options{Logger: a.log, Version: version.String()})
	deps.Services.Web = ui
}
