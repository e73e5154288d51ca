package config

import (
	"fmt"
	"net/url"
	"strings"
)

// MonitorConfig configures the refresh of monitored series: new episodes
// of followed series are queued, and better languages optionally too.
type MonitorConfig struct {
	// Enabled runs the refresh loop; per-series settings say what is followed.
	Enabled bool `json:"enabled"`
	// RefreshIntervalMinutes is how often each monitored series is read
	// from its site; refreshes are spread over the interval.
	RefreshIntervalMinutes int `json:"refresh_interval_minutes"`
	// HostGapSeconds is the least time between two refreshes on one site.
	HostGapSeconds int `json:"host_gap_seconds"`
}

// NotificationsConfig configures where events are sent.
type NotificationsConfig struct {
	Targets []NotificationTarget `json:"targets"`
	// DiskMinFreeMB: less free space than this on the data or anime
	// directory's disk is a health problem, notified and shown by
	// /health/detailed (0 turns the check off).
	DiskMinFreeMB int `json:"disk_min_free_mb"`
}

// NotificationTarget is one place notifications go. URL is a shoutrrr
// service URL (discord://, telegram://, ntfy://, gotify://, pushover://,
// matrix://, smtp://, slack://, generic://…) or an http(s):// URL that
// receives our own JSON payload. The URL is a secret.
type NotificationTarget struct {
	Name    string   `json:"name"`
	URL     string   `json:"url"`
	Events  []string `json:"events"`
	Enabled bool     `json:"enabled"`
}

// NotificationEvents are the event names a target can subscribe to.
var NotificationEvents = []string{"download_finished", "download_failed", "episode_found", "series_added", "health"}

// MediaServer is a Jellyfin, Emby, Plex or Kodi server told about new
// files. Token (and Password) are secrets.
type MediaServer struct {
	Name     string        `json:"name"`
	Kind     string        `json:"kind"`
	URL      string        `json:"url"`
	Token    string        `json:"token,omitempty"`
	Username string        `json:"username,omitempty"`
	Password string        `json:"password,omitempty"`
	PathMap  []PathMapping `json:"path_map"`
	Enabled  bool          `json:"enabled"`
}

// PathMapping rewrites a library path prefix to the media server's view.
type PathMapping struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// MediaServerKinds are the supported media servers.
var MediaServerKinds = []string{"jellyfin", "emby", "plex", "kodi"}

func defaultMonitor() MonitorConfig {
	return MonitorConfig{Enabled: true, RefreshIntervalMinutes: 360, HostGapSeconds: 5}
}

func defaultNotifications() NotificationsConfig {
	return NotificationsConfig{Targets: []NotificationTarget{}, DiskMinFreeMB: 2048}
}

// validateAutomation checks the monitor, notification and media-server
// sections.
func (c AppConfig) validateAutomation(add func(field, format string, args ...any)) {
	m := c.Monitor
	if m.RefreshIntervalMinutes < 5 || m.RefreshIntervalMinutes > 7*24*60 {
		add("monitor.refresh_interval_minutes", "must be between 5 and 10080")
	}
	if m.HostGapSeconds < 0 || m.HostGapSeconds > 3600 {
		add("monitor.host_gap_seconds", "must be between 0 and 3600")
	}
	n := c.Notifications
	if n.DiskMinFreeMB < 0 {
		add("notifications.disk_min_free_mb", "must not be negative")
	}
	names := map[string]bool{}
	for i, t := range n.Targets {
		f := fmt.Sprintf("notifications.targets[%d]", i)
		if strings.TrimSpace(t.Name) == "" || len(t.Name) > 100 {
			add(f+".name", "must be 1-100 characters")
		} else if names[strings.ToLower(t.Name)] {
			add(f+".name", "is used by another target")
		}
		names[strings.ToLower(t.Name)] = true
		if u, err := url.Parse(t.URL); err != nil || u.Scheme == "" || len(t.URL) > 4096 {
			add(f+".url", "must be a service URL like discord://token@id or https://host/hook")
		} else if strings.HasSuffix(t.URL, "://***") {
			add(f+".url", "is masked: send the full URL (a masked URL is kept only for a target of the same name)")
		}
		for j, e := range t.Events {
			if !contains(NotificationEvents, e) {
				add(fmt.Sprintf("%s.events[%d]", f, j), "must be one of %s", strings.Join(NotificationEvents, ", "))
			}
		}
	}
	names = map[string]bool{}
	for i, s := range c.MediaServers {
		f := fmt.Sprintf("media_servers[%d]", i)
		if strings.TrimSpace(s.Name) == "" || len(s.Name) > 100 {
			add(f+".name", "must be 1-100 characters")
		} else if names[strings.ToLower(s.Name)] {
			add(f+".name", "is used by another media server")
		}
		names[strings.ToLower(s.Name)] = true
		if !contains(MediaServerKinds, s.Kind) {
			add(f+".kind", "must be one of %s", strings.Join(MediaServerKinds, ", "))
		}
		if !validHTTPURL(s.URL) {
			add(f+".url", "must be an http(s) URL")
		}
		if s.Token == "***" || s.Password == "***" {
			add(f+".token", "is masked: send the real token (a masked one is kept only for a server of the same name)")
		}
		for j, p := range s.PathMap {
			if strings.TrimSpace(p.From) == "" || strings.TrimSpace(p.To) == "" {
				add(fmt.Sprintf("%s.path_map[%d]", f, j), "from and to must not be empty")
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
