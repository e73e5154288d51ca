package hoster

import (
	"net/http/httptest"
	"sort"
)

// Farm runs every fake hoster on its own httptest.Server, so each has its
// own origin as real hosters do.
type Farm struct {
	hosters map[string]*Hoster
	servers map[string]*httptest.Server
}

// Start launches one server per name in Names(), all serving media. Call
// Close when done (t.Cleanup(farm.Close)).
func Start(media Media) *Farm {
	f := &Farm{hosters: map[string]*Hoster{}, servers: map[string]*httptest.Server{}}
	for _, n := range Names() {
		h, err := New(n, media)
		if err != nil {
			panic(err) // Names() and New agree; unreachable
		}
		f.hosters[n] = h
		f.servers[n] = httptest.NewServer(h)
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

// EmbedURL returns the absolute embed URL of video id on the named hoster,
// the URL a site's /redirect/<id> points at.
func (f *Farm) EmbedURL(name, id string) string {
	h, ok := f.hosters[name]
	if !ok {
		return ""
	}
	return f.servers[name].URL + h.EmbedPath(id)
}
