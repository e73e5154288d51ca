// Package hoster turns a video hoster's embed page into a playable stream:
// one small extractor per hoster, all behind the Extractor interface.
package hoster

import (
	"context"
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

// Registry finds extractors by hoster name, case-insensitively.
type Registry struct {
	byName map[string]Extractor
	order  []Extractor
}

// NewRegistry builds a registry of the given extractors.
func NewRegistry(xs ...Extractor) *Registry {
	r := &Registry{byName: map[string]Extractor{}}
	for _, x := range xs {
		r.byName[normalize(x.Name())] = x
		r.order = append(r.order, x)
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

func normalize(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}
