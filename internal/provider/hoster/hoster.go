// Package hoster turns a video hoster's embed page into a playable stream:
// one small extractor per hoster, all behind the Extractor interface.
package hoster

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// Doer sends HTTP requests. *http.Client and the project's httpclient
// satisfy it; extractors never build their own client.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Extractor resolves one hoster's embed URL to a stream.
type Extractor interface {
	// Name is the hoster's display name as the site's <h4> shows it
	// ("VOE", "Vidoza", "Doodstream", ...).
	Name() string
	// Resolve fetches the embed page at embedURL (and whatever further
	// URLs it names, always derived from embedURL, never a hard-coded
	// domain) and returns the media URL, its kind and the headers the
	// download must send.
	Resolve(ctx context.Context, c Doer, embedURL string) (anime.Stream, error)
}

// HostMatcher is implemented by extractors that know their hoster's
// domains. A domain matches itself and every subdomain ("voe.sx" matches
// "cdn.voe.sx").
type HostMatcher interface {
	Hosts() []string
}

// PageRecognizer is implemented by extractors that can tell their
// hoster's embed page by a cheap signature, for hosts the domain table
// does not know (VOE's random mirror domains).
type PageRecognizer interface {
	Recognizes(page string) bool
}

// Registry finds extractors by hoster name, case-insensitively, and by
// the host a link landed on (see Resolve).
type Registry struct {
	byName   map[string]Extractor
	order    []Extractor
	hosts    map[string]Extractor // domain or host:port -> extractor
	fallback Extractor
}

// NewRegistry builds a registry of the given extractors; their Hosts()
// fill the host table.
func NewRegistry(xs ...Extractor) *Registry {
	r := &Registry{byName: map[string]Extractor{}, hosts: map[string]Extractor{}}
	for _, x := range xs {
		r.byName[normalize(x.Name())] = x
		r.order = append(r.order, x)
		if hm, ok := x.(HostMatcher); ok {
			for _, h := range hm.Hosts() {
				r.hosts[strings.ToLower(h)] = x
			}
		}
	}
	return r
}

// Lookup returns the extractor for a hoster name, if one is registered.
func (r *Registry) Lookup(name string) (Extractor, bool) {
	x, ok := r.byName[normalize(name)]
	return x, ok
}

// All returns every registered extractor in registration order.
func (r *Registry) All() []Extractor { return append([]Extractor(nil), r.order...) }

// MapHost adds host (a domain, matched with its subdomains, or an exact
// "host:port") to the host table for the named extractor. It reports
// false when no extractor has that name. Configuration and tests use it
// for domains the built-in table lacks (fakes on 127.0.0.1:port). Call
// it (and SetFallback) while building the registry, before it resolves.
func (r *Registry) MapHost(host, name string) bool {
	x, ok := r.Lookup(name)
	if ok {
		r.hosts[strings.ToLower(strings.TrimSpace(host))] = x
	}
	return ok
}

// ForHost returns the extractor whose domain table covers host ("host"
// or "host:port"): an exact host:port entry first, then the host name and
// each parent domain.
func (r *Registry) ForHost(host string) (Extractor, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if x, ok := r.hosts[host]; ok {
		return x, true
	}
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	for d := name; d != ""; {
		if x, ok := r.hosts[d]; ok {
			return x, true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
	}
	return nil, false
}

// ForPage returns the first extractor (in registration order) that
// recognises page.
func (r *Registry) ForPage(page string) (Extractor, bool) {
	for _, x := range r.order {
		if pr, ok := x.(PageRecognizer); ok && pr.Recognizes(page) {
			return x, true
		}
	}
	return nil, false
}

// SetFallback installs the extractor run when the chosen one fails with
// anything but anime.ErrNotFound, and directly for links no extractor
// covers (a browser-based extractor, for example). nil removes it.
func (r *Registry) SetFallback(x Extractor) { r.fallback = x }

// Fallback returns the installed fallback extractor, or nil.
func (r *Registry) Fallback() Extractor { return r.fallback }

func normalize(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}
