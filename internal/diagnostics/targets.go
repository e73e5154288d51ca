package diagnostics

import (
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/provider/serienstream"
)

// DefaultHosterHosts are the video hosters the network diagnosis checks
// besides the configured site and TMDB URLs. A config can replace them
// with other.diagnostics_hosts (a list of URLs or host names).
var DefaultHosterHosts = []string{"https://voe.sx", "https://filemoon.sx", "https://vidoza.net"}

// Targets are the outside parties of c (the aniworld and s.to sites,
// TMDB) plus hosters, or the hosts other.diagnostics_hosts lists instead.
func Targets(c config.AppConfig, hosters []string) []string {
	out := []string{c.Download.ProviderURL, serienstream.BaseURLs(c.Download.STOURL)[0], c.NFO.TMDBAPIURL}
	if list, ok := c.Other["diagnostics_hosts"].([]any); ok && len(list) > 0 {
		var custom []string
		for _, v := range list {
			if s, ok := v.(string); ok && s != "" {
				custom = append(custom, s)
			}
		}
		if len(custom) > 0 {
			hosters = custom
		}
	}
	return append(out, hosters...)
}
