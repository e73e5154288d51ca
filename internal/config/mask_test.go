package config

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestMaskAndEchoKeepSecrets: Mask hides every secret; a client that
// sends the masked document back (or a part of it) keeps the stored
// secrets, and a new value replaces them.
func TestMaskAndEchoKeepSecrets(t *testing.T) {
	stored := Default()
	stored.NFO.TMDBAPIKey = "tmdb-key"
	stored.Server.MetricsToken = "metrics-token"
	stored.Notifications.Targets = []NotificationTarget{{Name: "Phone", URL: "ntfy://user:pw@ntfy.example/topic", Enabled: true}}
	stored.MediaServers = []MediaServer{{Name: "Jelly", Kind: "jellyfin", URL: "http://jelly.local", Token: "jelly-token", Password: "pw"}}

	masked := Mask(stored)
	raw, _ := json.Marshal(masked)
	for _, secret := range []string{"tmdb-key", "metrics-token", "user:pw", "jelly-token", `"pw"`} {
		if strings.Contains(string(raw), secret) {
			t.Fatalf("masked document shows %s: %s", secret, raw)
		}
	}
	if stored.MediaServers[0].Token != "jelly-token" || stored.Notifications.Targets[0].URL == MaskURL(stored.Notifications.Targets[0].URL) {
		t.Fatal("Mask changed the stored document")
	}

	tests := []struct {
		name  string
		patch map[string]any
		check func(AppConfig) bool
	}{
		{"whole masked document echoed", decodeMap(t, raw), func(c AppConfig) bool {
			return c.NFO.TMDBAPIKey == "tmdb-key" && c.Server.MetricsToken == "metrics-token" &&
				c.Notifications.Targets[0].URL == stored.Notifications.Targets[0].URL &&
				c.MediaServers[0].Token == "jelly-token" && c.MediaServers[0].Password == "pw"
		}},
		{"new key replaces", map[string]any{"nfo": map[string]any{"tmdb_api_key": "new"}}, func(c AppConfig) bool {
			return c.NFO.TMDBAPIKey == "new" && c.Server.MetricsToken == "metrics-token"
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next, err := MergePatch(stored, tc.patch)
			if err != nil || !tc.check(next) {
				t.Fatalf("%v: %+v %+v %+v", err, next.NFO, next.Notifications, next.MediaServers)
			}
		})
	}
}

func decodeMap(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
