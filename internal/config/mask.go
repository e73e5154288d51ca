package config

import (
	"encoding/json"
	"fmt"
	"strings"
)

// SecretMask replaces a set secret in every config document the API
// answers. A patch that sends it back keeps the stored value.
const SecretMask = "***"

// Mask hides the secrets of a config document.
func Mask(c AppConfig) AppConfig {
	if c.NFO.TMDBAPIKey != "" {
		c.NFO.TMDBAPIKey = SecretMask
	}
	if c.Server.MetricsToken != "" {
		c.Server.MetricsToken = SecretMask
	}
	maskAutomation(&c)
	return c
}

// unmask puts the stored secrets back where a client echoed the mask.
func unmask(next *AppConfig, stored AppConfig) {
	if next.NFO.TMDBAPIKey == SecretMask {
		next.NFO.TMDBAPIKey = stored.NFO.TMDBAPIKey
	}
	if next.Server.MetricsToken == SecretMask {
		next.Server.MetricsToken = stored.Server.MetricsToken
	}
	unmaskAutomation(next, stored)
}

// MergePatch merges a decoded JSON patch over cur (see Merge), keeping
// the stored secret wherever the patch echoes SecretMask.
func MergePatch(cur AppConfig, patch map[string]any) (AppConfig, error) {
	raw, err := json.Marshal(patch)
	if err != nil {
		return cur, fmt.Errorf("encode patch: %w", err)
	}
	next, err := Merge(cur, raw)
	if err != nil {
		return cur, err
	}
	unmask(&next, cur)
	return next, nil
}

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
func maskAutomation(c *AppConfig) {
	targets := make([]NotificationTarget, len(c.Notifications.Targets))
	for i, t := range c.Notifications.Targets {
		t.URL = MaskURL(t.URL)
		targets[i] = t
	}
	c.Notifications.Targets = targets
	servers := make([]MediaServer, len(c.MediaServers))
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
func unmaskAutomation(next *AppConfig, stored AppConfig) {
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
