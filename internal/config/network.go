package config

import (
	"fmt"
	"net/url"
	"strings"
)

// Transport and DNS choices (download.transport, download.dns).
const (
	TransportChrome   = "chrome"
	TransportStandard = "standard"
	DNSDoH            = "doh"
	DNSSystem         = "system"
)

// validateNetwork checks download.transport, download.dns, download.doh_urls
// and the mirror lists.
func validateNetwork(d DownloadConfig, add func(field, format string, args ...any)) {
	switch strings.ToLower(d.Transport) {
	case TransportChrome, TransportStandard:
	default:
		add("download.transport", "must be %s or %s", TransportChrome, TransportStandard)
	}
	switch strings.ToLower(d.DNS) {
	case DNSDoH, DNSSystem:
	default:
		add("download.dns", "must be %s or %s", DNSDoH, DNSSystem)
	}
	for i, u := range d.DoHURLs {
		if !validHTTPURL(u) {
			add(fmt.Sprintf("download.doh_urls[%d]", i), "must be an http(s) URL")
		}
	}
	if strings.ContainsRune(d.CAFile, 0) {
		add("download.ca_file", "must not contain NUL")
	}
	for field, list := range map[string][]string{"download.provider_mirrors": d.ProviderMirrors, "download.sto_mirrors": d.STOMirrors} {
		for i, m := range list {
			if !validBaseURL(m) {
				add(fmt.Sprintf("%s[%d]", field, i), "must be an http(s) base URL without query")
			}
		}
	}
}

// validBaseURL is an http(s) URL without query or fragment (a site mirror).
func validBaseURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && validHTTPURL(s) && u.RawQuery == "" && u.Fragment == ""
}

// splitList reads a comma- or space-separated environment value.
func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
}

// setList writes a list override into dst.
func setList(dst *[]string, v *string) {
	if v != nil {
		*dst = splitList(*v)
	}
}

// keepList restores a list that still holds the override's value.
func keepList(dst *[]string, v *string, orig []string) {
	if v != nil && strings.Join(*dst, ",") == strings.Join(splitList(*v), ",") {
		*dst = append([]string(nil), orig...)
	}
}
