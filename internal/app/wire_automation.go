package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/calendar"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/mediaserver"
	"github.com/aniworld/aniworld/internal/metadata"
	"github.com/aniworld/aniworld/internal/monitor"
	"github.com/aniworld/aniworld/internal/notify"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/queue"
)

// automation is the set of background helpers: monitored series, notifications, media
// servers and the calendar, wired to the library and the queue.
type automation struct {
	a      *App
	mon    *monitor.Service
	notes  *notify.Notifier
	health *notify.HealthWatch
	media  *mediaserver.Dispatcher
	feed   *calendar.Tokens
	lib    *library.Service
	queue  *queue.Service // set once the queue exists
	// diskCheck asks watchDisk to check now (a changed limit or directory).
	diskCheck chan struct{}
	// seasons narrows monitoring to seasons (the Seerr surface sets it,
	// wire_sonarr.go); nil follows every season.
	seasons func(ctx context.Context, key string) func(season int) bool
}

// followedSeasons is the monitor's Seasons hook.
func (au *automation) followedSeasons(ctx context.Context, key string) func(season int) bool {
	if au.seasons == nil {
		return nil
	}
	return au.seasons(ctx, key)
}

// wireAutomation builds the automation services and their routes; the
// queue is handed over later (setQueue), as the queue takes afterDownload.
func (a *App) wireAutomation(cfg config.AppConfig, p *providers, lib *library.Service, deps *api.Deps) (*automation, error) {
	now := a.automationClock()
	// The monitor, the notifiers and the media-server dispatcher read their
	// sections on every run, so changes to them apply without a restart.
	a.cfg.ReadsLive("monitor", "notifications", "media_servers")
	au := &automation{a: a, lib: lib, feed: calendar.NewTokens(filepath.Join(cfg.DataDir, "calendar_feed_token"))}
	au.notes = notify.New(notify.Options{Logger: a.log.With("component", "notify")})
	au.health = notify.NewHealthWatch(au.notes.Notify, now)
	au.watchSteps(p)
	au.media = mediaserver.NewDispatcher(mediaserver.DispatcherOptions{Logger: a.log.With("component", "mediaserver")})
	au.configure(cfg)
	au.diskCheck = make(chan struct{}, 1)
	a.cfg.Subscribe(func(old, new config.AppConfig) {
		if !slices.EqualFunc(old.Notifications.Targets, new.Notifications.Targets, targetEqual) ||
			!slices.EqualFunc(old.MediaServers, new.MediaServers, serverEqual) {
			au.configure(new)
		}
		if old.Notifications.DiskMinFreeMB != new.Notifications.DiskMinFreeMB || old.AnimeDirectory != new.AnimeDirectory {
			au.recheckDisk()
		}
	})
	mon, err := monitor.New(monitor.Options{
		Store: a.db, Catalog: freshCatalog{reg: p.reg}, Enqueue: au.enqueue, Now: now,
		Languages: func() []anime.Language { return languages(a.cfg.Get().Download.LanguageOrder) },
		Interval:  func() time.Duration { return time.Duration(a.cfg.Get().Monitor.RefreshIntervalMinutes) * time.Minute },
		HostGap:   func() time.Duration { return time.Duration(a.cfg.Get().Monitor.HostGapSeconds) * time.Second },
		Enabled:   func() bool { return a.cfg.Get().Monitor.Enabled },
		HostOf:    func(site string) string { return siteHost(a.cfg.Get(), site) },
		OnEvent:   au.monitorEvent,
		Seasons:   au.followedSeasons,
		Logger:    a.log.With("component", "monitor"),
	})
	if err != nil {
		return nil, err
	}
	au.mon = mon
	a.cfg.AddBackupPart(monitoringBackupPart(mon, a.log))
	a.wanted = mon.WantedLanguages
	a.changed = func(ctx context.Context, key string) {
		if _, dir, err := lib.SeriesDir(ctx, key); err == nil {
			au.media.Updated(dir)
		}
	}
	a.events.add(au) // download_complete / download_failed -> notifications
	a.background = append(a.background, au.notes.Run, au.media.Run, func(ctx context.Context) error {
		return mon.Run(ctx, time.Minute)
	}, au.watchDisk)
	deps.Services.Monitor = mon
	deps.Services.Automation = &api.AutomationDeps{
		TestNotification: func(ctx context.Context, name string) error {
			return au.notes.Test(ctx, name, notify.Message{Event: notify.Test, Title: "aniworld test notification",
				Message: "If you read this, notifications reach you.", Time: now().UTC()})
		},
		NotificationStats: au.notes.Stats, Failing: au.health.Failing,
		TestMediaServer: au.media.Test, MediaServerErrors: au.media.LastErrors,
		Calendar: au.calendar, Feed: au.feed, Name: func() string { return a.cfg.Get().Name }, Now: now,
	}
	return au, nil
}

// configure (re)builds notification targets and media servers.
func (au *automation) configure(c config.AppConfig) {
	var targets []notify.Target
	for _, t := range c.Notifications.Targets {
		if !t.Enabled {
			continue
		}
		s, err := notify.NewSender(t.URL, notify.SenderOptions{})
		if err != nil {
			au.a.log.Warn("notification target unusable", "target", t.Name, "error", err)
			continue
		}
		events := make([]notify.Kind, 0, len(t.Events))
		for _, e := range t.Events {
			events = append(events, notify.Kind(e))
		}
		targets = append(targets, notify.Target{Name: t.Name, Key: t.URL, Events: events, Sender: s})
	}
	au.notes.Configure(targets)
	var servers []mediaserver.Server
	for _, m := range c.MediaServers {
		if !m.Enabled {
			continue
		}
		maps := make([]mediaserver.Mapping, 0, len(m.PathMap))
		for _, pm := range m.PathMap {
			maps = append(maps, mediaserver.Mapping{From: pm.From, To: pm.To})
		}
		s, err := mediaserver.New(mediaserver.Config{Name: m.Name, Kind: m.Kind, URL: m.URL, Token: m.Token,
			Username: m.Username, Password: m.Password, PathMap: maps}, nil)
		if err != nil {
			au.a.log.Warn("media server unusable", "server", m.Name, "error", err)
			continue
		}
		servers = append(servers, s)
	}
	au.media.SetServers(servers)
}

func targetEqual(a, b config.NotificationTarget) bool {
	return a.Name == b.Name && a.URL == b.URL && a.Enabled == b.Enabled && slices.Equal(a.Events, b.Events)
}

func serverEqual(a, b config.MediaServer) bool {
	return a.Name == b.Name && a.Kind == b.Kind && a.URL == b.URL && a.Token == b.Token && a.Username == b.Username &&
		a.Password == b.Password && a.Enabled == b.Enabled && slices.Equal(a.PathMap, b.PathMap)
}

func (au *automation) setQueue(q *queue.Service) { au.queue = q }

// enqueue is the monitor's way into the download queue.
func (au *automation) enqueue(ctx context.Context, s anime.Series, eps []anime.EpisodeRef) error {
	if au.queue == nil {
		return errors.New("the download queue is not running")
	}
	added, _, err := au.queue.Add(ctx, queue.AddRequest{SerieID: s.Key, SerieFolder: s.Folder, SerieName: s.Name,
		Episodes: eps, Priority: anime.PriorityNormal})
	if err != nil || len(added) == 0 {
		return err
	}
	// Set and forget: what the monitor queues gets downloaded. A stopped
	// queue (also a fresh one) is started; a paused one stays paused.
	if started, err := au.queue.StartIfStopped(ctx, "Queue processing started: monitoring queued new episodes"); err != nil {
		au.a.log.Warn("start the queue for monitored episodes", "error", err)
	} else if started {
		au.a.log.Info("queue started for monitored episodes", "series", s.Key, "episodes", len(added))
	}
	return nil
}

// afterDownload is the queue hook: the monitor's history and upgrade
// clean-up, then the media servers.
func (au *automation) afterDownload(ctx context.Context, item queue.Item) error {
	_, dir, err := au.lib.SeriesDir(ctx, item.SerieID)
	if err != nil {
		return err
	}
	if err := au.mon.Downloaded(ctx, item.SerieID, dir, item.Episode, item.Language, item.FilePath); err != nil {
		au.a.log.Warn("monitor after download", "key", item.SerieID, "error", err)
	}
	au.media.Updated(item.FilePath)
	return nil
}

// Publish turns queue events into notifications (event.Publisher).
func (au *automation) Publish(e event.Event) {
	d, ok := e.Data.(event.DownloadData)
	if !ok {
		return
	}
	season, ep := d.Season, d.EpisodeNo
	m := notify.Message{Time: e.Time, SeriesKey: d.Key, SeriesName: d.SerieName, Season: &season, Episode: &ep, Path: d.FilePath}
	name := d.SerieName
	if name == "" {
		name = d.Key
	}
	code := fmt.Sprintf("S%02dE%02d", season, ep)
	switch e.Type {
	case event.DownloadComplete:
		m.Event, m.Title, m.Message = notify.DownloadFinished, "Downloaded: "+name+" "+code, filepath.Base(d.FilePath)
	case event.DownloadFailed:
		m.Event, m.Title, m.Message, m.Error = notify.DownloadFailed, "Download failed: "+name+" "+code, d.Error, d.Error
	default:
		return
	}
	au.notes.Notify(m)
}

// monitorEvent turns what the monitor noticed into notifications and
// health observations.
func (au *automation) monitorEvent(ctx context.Context, e monitor.Event) {
	switch e.Kind {
	case monitor.EventFound, monitor.EventLanguage:
		season, ep := e.Episode.Season, e.Episode.Episode
		title := fmt.Sprintf("New episode: %s S%02dE%02d", e.Series.Name, season, ep)
		msg := e.Episode.Title
		if e.Kind == monitor.EventLanguage {
			title = fmt.Sprintf("New language: %s S%02dE%02d (%s)", e.Series.Name, season, ep, e.Language)
		}
		au.notes.Notify(notify.Message{Event: notify.EpisodeFound, Title: title, Message: msg, SeriesKey: e.Series.Key,
			SeriesName: e.Series.Name, Season: &season, Episode: &ep, Language: langName(e.Language)})
	case monitor.EventRefreshFailed:
		err := e.Err
		if err == nil {
			err = errors.New(e.Error)
		}
		au.a.observeSite(ctx, e.Series.Site, err)
	case monitor.EventRefreshOK:
		au.a.observeSite(ctx, e.Series.Site, nil)
	}
}

func langName(l anime.Language) string {
	if l == anime.LangUnknown {
		return ""
	}
	return l.String()
}

// SetMonitor stores the settings POST /api/anime/add carried.
func (au *automation) SetMonitor(ctx context.Context, key string, s monitor.Settings) error {
	_, _, err := au.mon.Set(ctx, key, s)
	return err
}

// seriesAdded notifies about a new series.
func (au *automation) seriesAdded(res library.AddResult) {
	au.notes.Notify(notify.Message{Event: notify.SeriesAdded, Title: "Series added: " + res.Folder, SeriesKey: res.Key,
		Message: fmt.Sprintf("%d episodes missing", res.TotalMissing)})
}

// calendar lists history since a time plus the planned refreshes.
func (au *automation) calendar(ctx context.Context, since time.Time) ([]calendar.Entry, error) {
	hist, err := au.mon.History(ctx, since)
	if err != nil {
		return nil, err
	}
	out := make([]calendar.Entry, 0, len(hist))
	for _, h := range hist {
		out = append(out, calendar.Entry{Kind: h.Kind, At: h.At, SeriesKey: h.SeriesKey, SeriesName: h.SeriesName,
			Season: h.Season, Episode: h.Episode, Title: h.Title, Language: h.Language})
	}
	up, err := au.mon.Upcoming(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range up {
		out = append(out, calendar.Entry{Kind: "check", At: u.At, SeriesKey: u.Key, SeriesName: u.Name})
	}
	if au.a.nextRescan != nil {
		if at := au.a.nextRescan(); at != nil {
			out = append(out, calendar.Entry{Kind: "rescan", At: *at, SeriesName: "Library"})
		}
	}
	return out, nil
}

// siteHost is the host that serves a site (for the per-host refresh gap).
func siteHost(c config.AppConfig, site string) string {
	raw := c.Download.ProviderURL
	if site == library.SiteSTo {
		raw = c.Download.STOURL
	}
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return site
}

// monitoredLibrary adds monitoring at add time and the "series added"
// notification to the anime routes' library.
type monitoredLibrary struct {
	api.Library
	au *automation
}

func (l monitoredLibrary) Add(ctx context.Context, link, name string) (library.AddResult, error) {
	res, err := l.Library.Add(ctx, link, name)
	if err == nil {
		l.au.seriesAdded(res)
	}
	return res, err
}

// SetMonitor implements api.MonitorOnAdd.
func (l monitoredLibrary) SetMonitor(ctx context.Context, key string, s monitor.Settings) error {
	return l.au.SetMonitor(ctx, key, s)
}

// freshCatalog reads a series for the monitor: the series page, its
// newest season, the movies and the seasons the monitor calls active
// bypass the provider cache (that is where new episodes and languages
// appear); other seasons come from the cache when it is fresh. Results
// are written back to the cache either way.
type freshCatalog struct{ reg *provider.Registry }

type seasonReader interface {
	Season(ctx context.Context, key string, season int) (provider.Season, error)
}

func (c freshCatalog) Seasons(ctx context.Context, site, key string, active func(int) bool) ([]provider.Season, error) {
	p := c.reg.Default()
	if sp, err := c.reg.Lookup(site); err == nil {
		p = sp
	}
	if p == nil {
		return nil, fmt.Errorf("%w: no provider for %q", anime.ErrUnavailable, site)
	}
	fresh := provider.WithFreshData(ctx)
	sr, ok := p.(seasonReader)
	if !ok {
		return p.Seasons(fresh, key)
	}
	d, err := p.Series(fresh, key)
	if err != nil {
		return nil, err
	}
	out := make([]provider.Season, 0, len(d.Seasons))
	for i, n := range d.Seasons {
		sctx := ctx
		if n == 0 || i == len(d.Seasons)-1 || active(n) {
			sctx = fresh
		}
		s, err := sr.Season(sctx, key, n)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// seriesChanged tells the media servers about a changed series folder.
func (a *App) seriesChanged(ctx context.Context, key string) {
	if a.changed != nil {
		a.changed(ctx, key)
	}
}

// nfoTold tells the media servers after the NFO routes changed a series'
// NFO or artwork.
type nfoTold struct {
	api.NFO
	told func(ctx context.Context, key string)
}

func (n nfoTold) Create(ctx context.Context, key string, opts metadata.CreateOptions) (metadata.NFOResult, error) {
	r, err := n.NFO.Create(ctx, key, opts)
	if err == nil {
		n.told(ctx, key)
	}
	return r, err
}

func (n nfoTold) Update(ctx context.Context, key string, downloadMedia bool) (metadata.NFOResult, error) {
	r, err := n.NFO.Update(ctx, key, downloadMedia)
	if err == nil {
		n.told(ctx, key)
	}
	return r, err
}

func (n nfoTold) DownloadMedia(ctx context.Context, key string, opts metadata.MediaOptions) (metadata.MediaFiles, error) {
	r, err := n.NFO.DownloadMedia(ctx, key, opts)
	if err == nil {
		n.told(ctx, key)
	}
	return r, err
}
