package hoster

import (
	"net/http/httptest"
	"sort"
	"strings"
)

// Farm runs every fake hoster on its own httptest.Server, so each has its
// own origin as real hosters do, plus a second "mirror" server per hoster
// that stands for a domain no host table knows (VOE's random mirrors).
type Farm struct {
	hosters map[string]*Hoster
	servers map[string]*httptest.Server
	mirrors map[string]*httptest.Server
}

// Start launches one server per name in Names(), all serving media. Call
// Close when done (t.Cleanup(farm.Close)).
func Start(media Media) *Farm {
	f := &Farm{hosters: map[string]*Hoster{}, servers: map[string]*httptest.Server{}, mirrors: map[string]*httptest.Server{}}
	for _, n := range Names() {
		h, err := New(n, media)
		if err != nil {
			panic(err) // Names() and New agree; unreachable
		}
		f.hosters[n] = h
		f.servers[n] = httptest.NewServer(h)
		f.mirrors[n] = httptest.NewServer(h)
	}
	return f
}

// Close shuts every server down.
func (f *Farm) Close() {
	names := make([]string, 0, len(f.servers))
	for n := range f.servers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f.servers[n].Close()
		f.mirrors[n].Close()
	}
}

// Hoster returns the named fake (nil if unknown), e.g. to SetFailure.
func (f *Farm) Hoster(name string) *Hoster { return f.hosters[name] }

// URL returns the named hoster's origin ("http://127.0.0.1:port").
func (f *Farm) URL(name string) string {
	if s, ok := f.servers[name]; ok {
		return s.URL
	}
	return ""
}

// Host returns the named hoster's "host:port", the key to map to its
// extractor in a host table (hoster.Registry.MapHost).
func (f *Farm) Host(name string) string {
	if s, ok := f.servers[name]; ok {
		return strings.TrimPrefix(s.URL, "http://")
	}
	return ""
}

// Hosts maps every hoster's "host:port" to its name.
func (f *Farm) Hosts() map[string]string {
	out := map[string]string{}
	for n := range f.servers {
		out[f.Host(n)] = n
	}
	return out
}

// MirrorEmbedURL is EmbedURL on the hoster's mirror server, an origin no
// host table maps (the extractor must be found by the page).
func (f *Farm) MirrorEmbedURL(name, id string) string {
	h, ok := f.hosters[name]
	if !ok {
		return ""
	}
	return f.mirrors[name].URL + h.EmbedPath(id)
}

// EmbedURL returns the absolute embed URL of video id on the named hoster,
// the URL a site's /redirect/<id> points at.
func (f *Farm) EmbedURL(name, id string) string {
	h, ok := f.hosters[name]
	if !ok {
		return ""
	}
	return f.servers[name].URL + h.EmbedPath(id)
}
