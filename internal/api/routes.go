package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aniworld/aniworld/internal/api/docs"
	"github.com/aniworld/aniworld/internal/auth"
	"github.com/aniworld/aniworld/internal/covers"
)

// This file is the route table: every HTTP operation of the product, one
// row each, grouped by who may call it. A row names the operation (tag,
// id, method and path, summary), declares its access (Public, Protected,
// OwnAuth, RateLimited) and names its handler, a method in
// <resource>_handlers.go that decodes, calls one service and encodes.
// The gate, the rate limiter, the OpenAPI document and docs/ROUTES.md all
// read these declarations. A resource's rows are registered only when its
// service is set in Services, so a test builds a server with the parts it
// exercises.

// Services are what the route table calls, one field per resource; a nil
// field leaves its routes out.
type Services struct {
	Auth        AuthService              // /api/auth/*
	Library     Library                  // /api/anime*
	Search      Searcher                 // /api/anime/search
	Series      SeriesPage               // /api/anime/{id}/episodes, rescan, download; DELETE /api/anime/{id}
	Monitor     Monitor                  // /api/anime/{id}/monitor*, /api/monitor/bulk
	NFO         func() NFO               // /api/nfo/* (answers the current service)
	Queue       Queue                    // /api/queue*
	History     History                  // /api/history*
	Wanted      Wanted                   // /api/wanted*
	Config      *ConfigDeps              // /api/config*
	Naming      NamingPreviewer          // /api/config/naming/preview
	Scheduler   *SchedulerDeps           // /api/scheduler/*
	Logging     *LoggingDeps             // /api/logging/*
	Diagnostics *DiagnosticsDeps         // /api/diagnostics/network, system
	Doctor      *ProviderDiagnosticsDeps // /api/diagnostics/providers, hosters
	Automation  *AutomationDeps          // notifications, media servers, calendar
	Sonarr      SonarrSurface            // /api/v3/* (Seerr, own key) and /api/seerr* (its settings)
	Covers      Covers                   // /covers/*: signed image URLs (OwnAuth)

	// Plain handlers (not API operations); each checks what it needs.
	WebSocket http.Handler // GET /ws/connect: token per room
	WSStatus  http.Handler // GET /ws/status
	Metrics   http.Handler // GET /metrics: session or metrics token
	Web       http.Handler // the web UI: pages, /static/, /favicon.ico (public)
}

// SonarrSurface is the Sonarr v3 surface for Jellyseerr/Overseerr
// (package sonarr). It keeps its own route table, because its operations
// answer in Sonarr's shapes and check Sonarr's API key; declare marks each
// operation's access here.
type SonarrSurface interface {
	Register(api huma.API, declare func(huma.Operation) huma.Operation)
	RegisterAdmin(api huma.API, declare func(huma.Operation) huma.Operation)
}

// Resource tags: the groups of the OpenAPI document and docs/ROUTES.md.
const (
	tagHealth        = "Health"
	tagAuth          = "Authentication"
	tagAnime         = "Anime"
	tagMonitor       = "Monitoring"
	tagNFO           = "NFO"
	tagQueue         = "Queue"
	tagHistory       = "History"
	tagWanted        = "Wanted"
	tagConfig        = "Config"
	tagScheduler     = "Scheduler"
	tagLogging       = "Logging"
	tagDiagnostics   = "Diagnostics"
	tagNotifications = "Notifications"
	tagMediaServers  = "Media servers"
	tagCalendar      = "Calendar"
	tagCovers        = "Covers"
)

// routes registers the whole table.
func (s *Server) routes() {
	s.publicRoutes()
	s.libraryRoutes()
	s.queueRoutes()
	s.downloadsRoutes()
	s.settingsRoutes()
	s.operationsRoutes()
	s.ownAuthRoutes()
	for _, reg := range s.deps.testRoutes {
		reg(s.api)
	}
}

// publicRoutes need no token: health, auth status, login, logout, setup
// and the API's own documents.
func (s *Server) publicRoutes() {
	api := s.api
	h := healthHandlers{deps: &s.deps}
	huma.Register(api, Public(op(tagHealth, "health", "GET /health", "Basic health check")), h.basic)
	huma.Register(api, Public(op(tagHealth, "health-detailed", "GET /health/detailed", summaryDetailedHealth,
		withDescription(docDetailedHealth), withResponses(detailedHealthResponses))), h.detailed)
	huma.Register(api, Public(op(tagHealth, "api-health", "GET /api/health", "Basic health check")), h.basic)
	huma.Register(api, Public(op(tagHealth, "api-health-detailed", "GET /api/health/detailed", summaryDetailedHealth,
		withDescription(docDetailedHealth), withResponses(detailedHealthResponses))), h.detailed)

	s.handle("GET /api/docs", AccessPublic, docsPage(docs.SwaggerPage))
	s.handle("GET /api/redoc", AccessPublic, docsPage(docs.RedocPage))
	s.handle("GET /api/docs/assets/", AccessPublic, docsAssets())
	s.declareServed(AccessPublic, "GET /api/openapi.json", "GET /api/openapi.yaml", "GET /api/openapi-3.0.json",
		"GET /api/openapi-3.0.yaml", "GET /api/schemas/{schema}") // huma serves these

	if svc := s.deps.Services.Auth; svc != nil {
		a := authHandlers{svc: svc, cfg: s.deps.Config}
		huma.Register(api, RateLimited(auth.RuleSetup, Public(op(tagAuth, "auth-setup", "POST /api/auth/setup", "Set the master password (once)",
			withStatus(http.StatusCreated), withDescription(docAuthSetup), withErrors(400, 429)))), a.setup)
		huma.Register(api, RateLimited(auth.RuleLogin, Public(op(tagAuth, "auth-login", "POST /api/auth/login", "Log in with the master password",
			withDescription(docAuthLogin), withErrors(401, 429)))), a.login)
		huma.Register(api, Public(op(tagAuth, "auth-logout", "POST /api/auth/logout", "Log out: revoke the bearer token",
			withDescription(docAuthLogout))), a.logout)
		huma.Register(api, Public(op(tagAuth, "auth-status", "GET /api/auth/status", "Is a master password configured, and is the caller authenticated?",
			withDescription(docAuthStatus))), a.status)
	}
}

// libraryRoutes (protected): the series, their monitoring and their NFOs.
func (s *Server) libraryRoutes() {
	api, sv := s.api, s.deps.Services
	if lib := sv.Library; lib != nil {
		a := animeHandlers{lib: lib}
		huma.Register(api, Protected(op(tagAnime, "anime-status", "GET /api/anime/status", "Library directory and series count")), a.status)
		huma.Register(api, Protected(op(tagAnime, "anime-list", "GET /api/anime", "List library series (by default those with missing episodes)",
			withDescription(docAnimeList))), a.list)
		huma.Register(api, Protected(op(tagAnime, "anime-add", "POST /api/anime/add", "Add a series to the library",
			withDescription(docAnimeAdd), withErrors(409, 422, 502))), a.add)
		huma.Register(api, Protected(op(tagAnime, "anime-rescan", "POST /api/anime/rescan", "Rescan the library in the background",
			withDescription(docAnimeRescan), withErrors(409))), a.rescan)
		huma.Register(api, Protected(op(tagAnime, "anime-detail", "GET /api/anime/{anime_id}", "One series' details",
			withDescription(docAnimeDetail), withErrors(404))), a.detail)
	}
	if svc := sv.Series; svc != nil {
		a := seriesHandlers{svc: svc}
		huma.Register(api, Protected(op(tagAnime, "anime-episodes", "GET /api/anime/{anime_id}/episodes", "A series with every episode and its state here",
			withDescription(docAnimeEpisodes), withErrors(404))), a.episodes)
		huma.Register(api, Protected(op(tagAnime, "anime-series-rescan", "POST /api/anime/{anime_id}/rescan", "Rescan one series with fresh site data",
			withDescription(docAnimeSeriesRescan), withErrors(404, 502))), a.rescan)
		huma.Register(api, Protected(op(tagAnime, "anime-download", "POST /api/anime/{anime_id}/download", "Queue episodes of a series, optionally in one language",
			withStatus(http.StatusCreated), withDescription(docAnimeDownload), withErrors(404, 422))), a.download)
		huma.Register(api, Protected(op(tagAnime, "anime-remove", "DELETE /api/anime/{anime_id}", "Remove a series from the library",
			withDescription(docAnimeRemove), withErrors(404))), a.remove)
	}
	if search := sv.Search; search != nil {
		a := searchHandlers{search: search}
		huma.Register(api, Protected(op(tagAnime, "anime-search", "GET /api/anime/search", "Search the provider for series",
			withDescription(docAnimeSearch), withErrors(422, 502, 503))), a.get)
		huma.Register(api, Protected(op(tagAnime, "anime-search-post", "POST /api/anime/search", "Search the provider (query in the body)",
			withErrors(422, 502, 503))), a.post)
	}
	if m := sv.Monitor; m != nil {
		a := monitorHandlers{m: m}
		huma.Register(api, Protected(op(tagMonitor, "monitor-get", "GET /api/anime/{anime_id}/monitor", "A series' monitoring settings",
			withDescription(docMonitorGet), withErrors(404))), a.get)
		huma.Register(api, Protected(op(tagMonitor, "monitor-set", "PUT /api/anime/{anime_id}/monitor", "Set a series' monitoring settings",
			withDescription(docMonitorSet), withErrors(404, 422))), a.set)
		huma.Register(api, Protected(op(tagMonitor, "monitor-refresh", "POST /api/anime/{anime_id}/monitor/refresh", "Refresh a series from its site now",
			withDescription(docMonitorRefresh), withErrors(404, 409, 502, 503))), a.refresh)
		huma.Register(api, Protected(op(tagMonitor, "monitor-bulk", "POST /api/monitor/bulk", "Change the monitoring of many series",
			withDescription(docMonitorBulk), withErrors(422))), a.bulk)
	}
	if svc := sv.NFO; svc != nil {
		a := nfoHandlers{svc: svc}
		nfo := func(id, route, summary string, opts ...opOption) huma.Operation {
			return Protected(op(tagNFO, id, route, summary, append([]opOption{withErrors(404, 503)}, opts...)...))
		}
		huma.Register(api, nfo("nfo-check", "GET /api/nfo/{serie_id}/check", "Does the series have a tvshow.nfo and artwork?"), a.check)
		huma.Register(api, nfo("nfo-create", "POST /api/nfo/{serie_id}/create", "Create tvshow.nfo and artwork from TMDB",
			withErrors(404, 409, 503), withDescription("409 when tvshow.nfo exists and overwrite_existing is false.")), a.create)
		huma.Register(api, nfo("nfo-update", "PUT /api/nfo/{serie_id}/update", "Refresh tvshow.nfo from TMDB (404 when there is none yet)"), a.update)
		huma.Register(api, nfo("nfo-content", "GET /api/nfo/{serie_id}/content", "The tvshow.nfo XML"), a.content)
		huma.Register(api, nfo("nfo-media-status", "GET /api/nfo/{serie_id}/media/status", "Which artwork files exist"), a.mediaStatus)
		huma.Register(api, nfo("nfo-media-download", "POST /api/nfo/{serie_id}/media/download", "Download missing artwork (needs an NFO for the TMDB id)"), a.mediaDownload)
		huma.Register(api, nfo("nfo-media-file", "GET /api/nfo/{serie_id}/media/{kind}", "The artwork file itself (poster.jpg, logo.png, fanart.jpg)",
			withDescription(docNFOMediaFile), withErrors(404)), a.mediaFile)
		huma.Register(api, nfo("nfo-batch-create", "POST /api/nfo/batch/create", "Create NFOs for many series",
			withErrors(422, 503), withDescription(docNFOBatch)), a.batchCreate)
		huma.Register(api, nfo("nfo-missing", "GET /api/nfo/missing", "Series without tvshow.nfo"), a.missing)
	}
}

// queueRoutes (protected): the download queue.
func (s *Server) queueRoutes() {
	q := s.deps.Services.Queue
	if q == nil {
		return
	}
	api, h := s.api, queueHandlers{q}
	row := func(id, route, summary string, opts ...opOption) huma.Operation {
		return Protected(op(tagQueue, id, route, summary, opts...))
	}
	huma.Register(api, row("queue-status", "GET /api/queue/status", "Queue state, items and statistics", withDescription(docQueueStatus)), h.status)
	huma.Register(api, row("queue-add", "POST /api/queue/add", "Add episodes to the queue",
		withStatus(http.StatusCreated), withDescription(docQueueAdd)), h.add)
	huma.Register(api, row("queue-start", "POST /api/queue/start", "Start processing the queue"), h.start)
	huma.Register(api, row("queue-stop", "POST /api/queue/stop", "Stop starting new downloads (active ones finish)"), h.stop)
	huma.Register(api, row("queue-pause", "POST /api/queue/pause", "Pause the queue (active downloads finish)"), h.pause)
	huma.Register(api, row("queue-resume", "POST /api/queue/resume", "Resume the queue"), h.resume)
	huma.Register(api, row("queue-clear-completed", "DELETE /api/queue/completed", "Clear completed items"), h.clearCompleted)
	huma.Register(api, row("queue-clear-failed", "DELETE /api/queue/failed", "Clear failed items"), h.clearFailed)
	huma.Register(api, row("queue-clear-pending", "DELETE /api/queue/pending", "Clear pending items"), h.clearPending)
	huma.Register(api, row("queue-item", "GET /api/queue/{item_id}", "One item, with its attempt log",
		withErrors(404), withDescription(docQueueItem)), h.item)
	huma.Register(api, row("queue-priority", "POST /api/queue/{item_id}/priority", "Change a pending item's priority",
		withErrors(404, 409, 422), withDescription(docQueuePriority)), h.setPriority)
	huma.Register(api, row("queue-remove", "DELETE /api/queue/{item_id}", "Remove one item (cancels an active download and deletes its partial data)",
		withStatus(http.StatusNoContent), withErrors(404)), h.remove)
	huma.Register(api, row("queue-remove-many", "DELETE /api/queue", "Remove several items", withStatus(http.StatusNoContent)), h.removeMany)
	huma.Register(api, row("queue-reorder", "POST /api/queue/reorder", "Reorder pending items",
		withDescription("Sets the order of the pending items named, within their priority.")), h.reorder)
	huma.Register(api, row("queue-retry", "POST /api/queue/retry", "Retry failed items",
		withDescription("Empty item_ids retries every failed item.")), h.retry)
}

// downloadsRoutes (protected): the download history and the missing
// episodes across the library.
func (s *Server) downloadsRoutes() {
	api, sv := s.api, s.deps.Services
	if hist := sv.History; hist != nil {
		h := historyHandlers{hist}
		huma.Register(api, Protected(op(tagHistory, "history-list", "GET /api/history", "Finished downloads, newest first",
			withDescription(docHistoryList))), h.list)
		huma.Register(api, Protected(op(tagHistory, "history-get", "GET /api/history/{id}", "One finished download, with its attempt log",
			withErrors(404))), h.get)
		huma.Register(api, Protected(op(tagHistory, "history-clear", "DELETE /api/history", "Forget every finished download",
			withDescription(docHistoryClear))), h.clear)
	}
	if w := sv.Wanted; w != nil {
		h := wantedHandlers{w}
		huma.Register(api, Protected(op(tagWanted, "wanted-list", "GET /api/wanted", "Missing episodes across the library",
			withDescription(docWantedList))), h.list)
		huma.Register(api, Protected(op(tagWanted, "wanted-download", "POST /api/wanted/download", "Queue missing episodes",
			withErrors(422), withDescription(docWantedDownload))), h.download)
	}
}

// settingsRoutes (protected): the configuration, its backups and
// sections, the naming preview, the scheduler and the logging settings.
func (s *Server) settingsRoutes() {
	api, sv := s.api, s.deps.Services
	if d := sv.Config; d != nil {
		c := newConfigHandlers(*d)
		huma.Register(api, Protected(op(tagConfig, "get-config", "GET /api/config", "Get the configuration", withDescription(docGetConfig))), c.get)
		huma.Register(api, Protected(op(tagConfig, "update-config", "PUT /api/config", "Update the configuration (partial, deep-merged)",
			withDescription(docUpdateConfig))), c.update)
		huma.Register(api, Protected(op(tagConfig, "validate-config", "POST /api/config/validate", "Validate a configuration without applying it",
			withDescription(docValidateConfig))), c.validate)
		huma.Register(api, Protected(op(tagConfig, "list-config-backups", "GET /api/config/backups", "List configuration backups (newest first)")), c.listBackups)
		huma.Register(api, Protected(op(tagConfig, "create-config-backup", "POST /api/config/backups", "Back up the current configuration")), c.createBackup)
		huma.Register(api, Protected(op(tagConfig, "restore-config-backup", "POST /api/config/backups/{backup_name}/restore", "Restore a backup",
			withDescription(docRestoreBackup))), c.restoreBackup)
		huma.Register(api, Protected(op(tagConfig, "delete-config-backup", "DELETE /api/config/backups/{backup_name}", "Delete a backup")), c.deleteBackup)
		huma.Register(api, Protected(op(tagConfig, "set-anime-directory", "POST /api/config/directory", "Change the anime directory and re-sync the library",
			withDescription(docSetDirectory))), c.setDirectory)
		huma.Register(api, Protected(op(tagConfig, "get-config-advanced", "GET /api/config/section/advanced",
			"Advanced settings (a view over download.* and advanced.enable_debug_mode)")), c.getAdvanced)
		huma.Register(api, Protected(op(tagConfig, "update-config-advanced", "POST /api/config/section/advanced", "Update advanced settings",
			withDescription(docUpdateAdvanced))), c.updateAdvanced)
		huma.Register(api, Protected(op(tagConfig, "export-config", "POST /api/config/export", "Download the configuration as a JSON file",
			withDescription(docExportConfig), withResponses(exportConfigResponses))), c.export)
		huma.Register(api, Protected(op(tagConfig, "reset-config", "POST /api/config/reset", "Reset the configuration to defaults",
			withDescription(docResetConfig))), c.reset)
	}
	if p := sv.Naming; p != nil {
		huma.Register(api, Protected(op(tagConfig, "preview-naming-template", "POST /api/config/naming/preview",
			"Render a naming template for a real episode (nothing is saved)", withDescription(docNamingPreview))), namingHandlers{p}.preview)
	}
	if d := sv.Scheduler; d != nil {
		h := schedulerHandlers{*d}
		huma.Register(api, Protected(op(tagScheduler, "get-scheduler-config", "GET /api/scheduler/config", "Scheduler settings and state",
			withDescription(docSchedulerConfig))), h.get)
		huma.Register(api, Protected(op(tagScheduler, "update-scheduler-config", "POST /api/scheduler/config",
			"Change scheduler settings (partial; applied at once and saved)")), h.update)
		huma.Register(api, Protected(op(tagScheduler, "trigger-rescan", "POST /api/scheduler/trigger-rescan", "Start a library rescan now",
			withDescription(docTriggerRescan), withResponses(triggerRescanResponses))), h.trigger)
	}
	if d := sv.Logging; d != nil {
		h := newLoggingHandlers(*d)
		huma.Register(api, Protected(op(tagLogging, "get-logging-config", "GET /api/logging/config", "Logging settings")), h.getConfig)
		huma.Register(api, Protected(op(tagLogging, "update-logging-config", "POST /api/logging/config",
			"Change logging settings (partial; applied at once and saved)")), h.updateConfig)
		huma.Register(api, Protected(op(tagLogging, "list-log-files", "GET /api/logging/files", "List log files (newest first)")), h.list)
		huma.Register(api, Protected(op(tagLogging, "download-log-file", "GET /api/logging/files/{filename}/download", "Download a log file",
			withDescription("403 for a name that leaves the log directory, 404 for a missing file."), withResponses(downloadLogResponses))), h.download)
		huma.Register(api, Protected(op(tagLogging, "tail-log-file", "GET /api/logging/files/{filename}/tail", "Last lines of a log file (plain text)",
			withDescription(docTailLog), withResponses(tailLogResponses))), h.tail)
		huma.Register(api, Protected(op(tagLogging, "test-logging", "POST /api/logging/test", "Write one test message at each level")), h.test)
		huma.Register(api, Protected(op(tagLogging, "cleanup-logs", "POST /api/logging/cleanup", "Delete old log files",
			withDescription(docCleanupLogs))), h.cleanup)
	}
}

// operationsRoutes (protected): diagnostics, notifications, media
// servers, the calendar and the Seerr settings.
func (s *Server) operationsRoutes() {
	api, sv := s.api, s.deps.Services
	if d := sv.Diagnostics; d != nil {
		h := newDiagnosticsHandlers(*d)
		huma.Register(api, Protected(op(tagDiagnostics, "diagnostics-network", "GET /api/diagnostics/network",
			"Check DNS and reachability of the outside parties", withDescription(docDiagnosticsNetwork))), h.network)
		huma.Register(api, Protected(op(tagDiagnostics, "diagnostics-system", "GET /api/diagnostics/system", "Basic system information",
			withDescription(docDiagnosticsSystem))), h.system)
	}
	if d := sv.Doctor; d != nil {
		h := doctorHandlers{*d}
		huma.Register(api, Protected(op(tagDiagnostics, "diagnostics-providers", "GET /api/diagnostics/providers",
			"Check every site and hoster live, step by step", withDescription(docDiagnosticsProviders))), h.providers)
		huma.Register(api, Protected(op(tagDiagnostics, "diagnostics-hosters", "GET /api/diagnostics/hosters",
			"Per-hoster outcomes of real downloads", withDescription(docDiagnosticsHosters))), h.hosters)
	}
	if d := sv.Automation; d != nil {
		h := newAutomationHandlers(*d)
		huma.Register(api, Protected(op(tagNotifications, "notifications-test", "POST /api/notifications/test", "Send a test notification",
			withErrors(404, 422, 502), withDescription(docNotificationsTest))), h.testNotification)
		huma.Register(api, Protected(op(tagNotifications, "notifications-status", "GET /api/notifications/status",
			"Delivery counters and failing health checks")), h.notificationStatus)
		huma.Register(api, Protected(op(tagMediaServers, "media-servers-test", "POST /api/media-servers/test", "Test a media server connection",
			withErrors(404, 422, 502), withDescription(docMediaServersTest))), h.testMediaServer)
		huma.Register(api, Protected(op(tagCalendar, "calendar", "GET /api/calendar", "Recent and planned monitor activity",
			withDescription(docCalendar))), h.calendar)
		huma.Register(api, Protected(op(tagCalendar, "calendar-feed", "GET /api/calendar/feed", "The iCal feed's address (with its token)")), h.feed)
		huma.Register(api, Protected(op(tagCalendar, "calendar-feed-rotate", "POST /api/calendar/feed/rotate", "Replace the feed token",
			withDescription("The old feed address stops working at once."))), h.rotateFeed)
	}
	if sn := sv.Sonarr; sn != nil { // the Seerr settings (/api/seerr*): package sonarr's admin table
		sn.RegisterAdmin(api, Protected)
	}
}

// ownAuthRoutes check their own credential: the calendar feed (its token
// in the query), the Sonarr v3 surface for Seerr (its API key), the covers
// (a signature in the URL), the WebSocket (a token per room), /metrics (a
// session or the metrics token) and the web UI and its files (public).
func (s *Server) ownAuthRoutes() {
	api, sv := s.api, s.deps.Services
	if d := sv.Automation; d != nil {
		addFeedTokenScheme(api)
		huma.Register(api, OwnAuth(op(tagCalendar, "calendar-ics", "GET /feed/calendar.ics", "iCalendar feed",
			withErrors(401), withSecurity("feedToken"), withDescription(docCalendarICS), withResponses(calendarICSResponses))),
			newAutomationHandlers(*d).ics)
	}
	if sn := sv.Sonarr; sn != nil { // package sonarr's own table: Sonarr's shapes, its API key, its rate limit
		sn.Register(api, func(o huma.Operation) huma.Operation { return RateLimited(auth.RuleSonarr, OwnAuth(o)) })
	}
	if c := sv.Covers; c != nil {
		addCoverSignatureScheme(api)
		h := coverHandlers{c: c}
		huma.Register(api, OwnAuth(op(tagCovers, "cover-series", "GET "+covers.SeriesPath+"{key}", "A library series' cover",
			withErrors(401, 404), withSecurity("coverSignature"), withDescription(docCoverSeries), withResponses(coverResponses))), h.series)
		huma.Register(api, OwnAuth(op(tagCovers, "cover-remote", "GET "+covers.RemotePath, "A cover a site sent (search results)",
			withErrors(401), withSecurity("coverSignature"), withDescription(docCoverRemote), withResponses(coverResponses))), h.remote)
	}
	s.handle("GET /ws/connect", AccessOwn, sv.WebSocket)
	s.handle("GET /ws/status", AccessOwn, sv.WSStatus)
	s.handle("GET /metrics", AccessOwn, sv.Metrics)
	s.handle("/", AccessOwn, sv.Web) // the pages, and the friendly HTML 404 for unknown paths
	s.handle("/static/", AccessOwn, sv.Web)
	s.handle("/favicon.ico", AccessOwn, sv.Web)
}
