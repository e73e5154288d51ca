package httpclient

import (
	"net/http"
	"regexp"
	"strings"
)

// chromeMajorRe finds the Chrome (or Chromium) major version in a
// User-Agent.
var chromeMajorRe = regexp.MustCompile(`(?:Chrome|Chromium)/(\d+)\.`)

// setClientHints sets the sec-ch-ua client hints Chrome sends with every
// request, derived from ua so that the hints, the User-Agent and (for
// Chrome 133) the TLS fingerprint tell the same story. A User-Agent that is
// not Chrome's gets no hints, as Firefox and Safari send none. force
// replaces hints already set (after a solver bound the host to another
// User-Agent).
func setClientHints(h http.Header, ua string, force bool) {
	m := chromeMajorRe.FindStringSubmatch(ua)
	if m == nil {
		if force {
			h.Del("Sec-Ch-Ua")
			h.Del("Sec-Ch-Ua-Mobile")
			h.Del("Sec-Ch-Ua-Platform")
		}
		return
	}
	set := setDefault
	if force {
		set = func(h http.Header, k, v string) { h.Set(k, v) }
	}
	set(h, "Sec-Ch-Ua", `"Not(A:Brand";v="99", "Google Chrome";v="`+m[1]+`", "Chromium";v="`+m[1]+`"`)
	mobile := "?0"
	if strings.Contains(ua, " Mobile") {
		mobile = "?1"
	}
	set(h, "Sec-Ch-Ua-Mobile", mobile)
	set(h, "Sec-Ch-Ua-Platform", `"`+uaPlatform(ua)+`"`)
}

// uaPlatform is the sec-ch-ua-platform value for ua.
func uaPlatform(ua string) string {
	for _, p := range []struct{ marker, name string }{
		{"Android", "Android"}, {"Windows", "Windows"}, {"Macintosh", "macOS"},
		{"CrOS", "Chrome OS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, p.marker) {
			return p.name
		}
	}
	return "Unknown"
}
