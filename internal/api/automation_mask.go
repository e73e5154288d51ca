package api

import (
	"strings"

	"github.com/aniworld/aniworld/internal/config"
)

// MaskURL hides a notification URL but its scheme ("discord://***"): the
// secrets of service URLs sit in every other part (user, host, path, query).
func MaskURL(u string) string {
	if u == "" {
		return ""
	}
	scheme, _, ok := strings.Cut(u, "://")
	if !ok {
		return SecretMask
	}
	return scheme + "://" + SecretMask
}

// maskAutomation hides notification URLs and media-server credentials.
// Slices are copied so the stored document is never changed.
func maskAutomation(c *config.AppConfig) {
	targets := make([]config.NotificationTarget, len(c.Notifications.Targets))
	for i, t := range c.Notifications.Targets {
		t.URL = MaskURL(t.URL)
		targets[i] = t
	}
	c.Notifications.Targets = targets
	servers := make([]config.MediaServer, len(c.MediaServers))
	for i, s := range c.MediaServers {
		if s.Token != "" {
			s.Token = SecretMask
		}
		if s.Password != "" {
			s.Password = SecretMask
		}
		servers[i] = s
	}
	c.MediaServers = servers
}

// unmaskAutomation puts stored secrets back where a client echoed the
// mask, matching targets and servers by name.
func unmaskAutomation(next *config.AppConfig, stored config.AppConfig) {
	for i, t := range next.Notifications.Targets {
		for _, o := range stored.Notifications.Targets {
			if strings.EqualFold(o.Name, t.Name) && t.URL == MaskURL(o.URL) {
				next.Notifications.Targets[i].URL = o.URL
			}
		}
	}
	for i, s := range next.MediaServers {
		for _, o := range stored.MediaServers {
			if !strings.EqualFold(o.Name, s.Name) {
				continue
			}
			if s.Token == SecretMask {
				next.MediaServers[i].Token = o.Token
			}
			if s.Password == SecretMask {
				next.MediaServers[i].Password = o.Password
			}
		}
	}
}
