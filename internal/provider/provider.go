// Package provider is the seam between the program and the streaming sites:
// the Provider interface, a registry of providers by site name, the result
// types every site client returns, and the Resolver that walks an episode's
// hoster links in preference order until one yields a stream.
package provider

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// Provider is one streaming site (aniworld.to, serienstream.to as "s.to").
type Provider interface {
	// Site is the site's name ("aniworld.to"), used as SearchResult.Site and
	// as the registry key.
	Site() string
	// SeriesURL is the absolute URL of a series page for key.
	SeriesURL(key string) string
	// Search finds series by a free-text query.
	Search(ctx context.Context, query string) ([]SearchResult, error)
	// Series returns a series' details; anime.ErrNotFound for unknown keys.
	Series(ctx context.Context, key string) (SeriesDetails, error)
	// Seasons returns every season with its episodes; movies are season 0.
	Seasons(ctx context.Context, key string) ([]Season, error)
	// Episode returns an episode's languages and hoster links.
	Episode(ctx context.Context, key string, season, episode int) (EpisodeLinks, error)
	// ResolveLink follows a hoster link's redirect and runs the hoster's
	// extractor, answering a playable stream.
	ResolveLink(ctx context.Context, link HosterLink) (anime.Stream, error)
}

// SearchResult is one series found by Search, in the API's search shape.
type SearchResult struct {
	Key             string                `json:"key"`
	Name            string                `json:"name"`
	Site            string                `json:"site"`
	Folder          string                `json:"folder"`
	Link            string                `json:"link"`
	MissingEpisodes anime.MissingEpisodes `json:"missing_episodes"`
	Description     string                `json:"description,omitempty"`
	Cover           string                `json:"cover,omitempty"`
	Year            int                   `json:"year,omitempty"`
	// InLibrary: a series with this key and site is in the library
	// (Folder is then its folder). Filled by the API's search.
	InLibrary bool `json:"in_library"`
	// CoverURL is the product's signed address of Cover (a cached copy an
	// <img> can load under the UI's CSP); filled by the API's search.
	CoverURL string `json:"cover_url,omitempty"`
}

// SeriesDetails is what a series page tells about a show.
type SeriesDetails struct {
	Key         string   `json:"key"`
	Site        string   `json:"site"`
	Link        string   `json:"link"`
	Title       string   `json:"title"`
	AltTitles   []string `json:"alt_titles,omitempty"`
	Description string   `json:"description,omitempty"`
	StartYear   int      `json:"start_year,omitempty"`
	EndYear     int      `json:"end_year,omitempty"` // 0 while ongoing
	Ongoing     bool     `json:"ongoing"`
	Genres      []string `json:"genres,omitempty"`
	Cover       string   `json:"cover,omitempty"` // absolute URL
	IMDbID      string   `json:"imdb_id,omitempty"`
	FSK         int      `json:"fsk,omitempty"`
	// People and places as the page lists them (serienstream).
	Cast      []string `json:"cast,omitempty"`
	Directors []string `json:"directors,omitempty"`
	Producers []string `json:"producers,omitempty"`
	Countries []string `json:"countries,omitempty"`
	// Seasons lists season numbers in ascending order; 0 is the movies
	// entry when the show has one.
	Seasons []int `json:"seasons"`
}

// HasMovies reports whether the show lists a movies ("Filme") entry.
func (d SeriesDetails) HasMovies() bool { return len(d.Seasons) > 0 && d.Seasons[0] == 0 }

// Folder is the display folder name: the sanitised title plus the start
// year when known ("Attack on Titan (2013)").
func (d SeriesDetails) Folder() string { return FolderName(d.Title, d.StartYear) }

// Season is one season (0 = movies) with its episodes in order.
type Season struct {
	Number   int           `json:"season"`
	Episodes []EpisodeInfo `json:"episodes"`
}

// EpisodeInfo is one row of a season page.
type EpisodeInfo struct {
	Number  int    `json:"episode"`
	TitleDE string `json:"title_de,omitempty"`
	TitleEN string `json:"title_en,omitempty"`
	// Languages are the flags shown on the season page; the episode page
	// is authoritative.
	Languages []anime.Language `json:"languages,omitempty"`
	Hosters   []string         `json:"hosters,omitempty"`
	URL       string           `json:"url,omitempty"`
}

// Title is the German title, else the English one.
func (e EpisodeInfo) Title() string {
	if e.TitleDE != "" {
		return e.TitleDE
	}
	return e.TitleEN
}

// HosterLink is one hoster's copy of an episode in one language. URL is
// the site's absolute redirect URL (…/redirect/<id>, …/r?t=<token>); Page
// is the episode page it was found on, when the site wants it as Referer.
type HosterLink struct {
	Hoster string         `json:"hoster"`
	Lang   anime.Language `json:"language"`
	URL    string         `json:"url"`
	Page   string         `json:"page,omitempty"`
}

// EpisodeLinks is what an episode page offers.
type EpisodeLinks struct {
	Key         string           `json:"key"`
	Season      int              `json:"season"`
	Episode     int              `json:"episode"`
	TitleDE     string           `json:"title_de,omitempty"`
	TitleEN     string           `json:"title_en,omitempty"`
	Description string           `json:"description,omitempty"`
	Languages   []anime.Language `json:"languages"`
	Links       []HosterLink     `json:"links"`
}

// Registry finds providers by site name.
type Registry struct {
	bySite map[string]Provider
	order  []Provider
	// after starts the patience timer of Search (time.After; tests fire it at once).
	after func(time.Duration) <-chan time.Time
}

// NewRegistry builds a registry; the first provider is the default.
func NewRegistry(ps ...Provider) *Registry {
	r := &Registry{bySite: map[string]Provider{}}
	for _, p := range ps {
		r.bySite[strings.ToLower(p.Site())] = p
		r.order = append(r.order, p)
	}
	return r
}

// Lookup returns the provider for a site name ("aniworld.to");
// anime.ErrNotFound when none is registered.
func (r *Registry) Lookup(site string) (Provider, error) {
	name := strings.ToLower(strings.TrimSpace(site))
	if alias, ok := siteAliases[name]; ok {
		name = alias
	}
	if p, ok := r.bySite[name]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("provider %q: %w", site, anime.ErrNotFound)
}

// Default is the first registered provider, or nil.
func (r *Registry) Default() Provider {
	if len(r.order) == 0 {
		return nil
	}
	return r.order[0]
}

// All returns every provider in registration order.
func (r *Registry) All() []Provider { return append([]Provider(nil), r.order...) }

// ForURL finds the provider whose series URLs have the same origin and path
// prefix as rawURL and returns it with the parsed reference. A URL on an
// unregistered host falls back to the site ParseURL names.
func (r *Registry) ForURL(rawURL string) (Provider, URLRef, error) {
	ref, err := ParseURL(rawURL)
	if err != nil {
		return nil, URLRef{}, err
	}
	u, _ := url.Parse(strings.TrimSpace(rawURL))
	for _, p := range r.order {
		pu, err := url.Parse(p.SeriesURL(ref.Key))
		if err == nil && strings.EqualFold(pu.Host, u.Host) && strings.HasPrefix(u.Path, pu.Path) {
			return p, ref, nil
		}
	}
	p, err := r.Lookup(ref.Site)
	if err != nil {
		return nil, URLRef{}, err
	}
	return p, ref, nil
}

// siteAliases are other names users give a registered site.
var siteAliases = map[string]string{"serienstream.to": SiteSerienstream, "serienstream.cx": SiteSerienstream}

// ValidKey is anime.ValidKey, the one slug check.
func ValidKey(key string) bool { return anime.ValidKey(key) }

// CheckKey refuses anything but a slug (anime.ErrInvalid), so a series key
// never reaches a URL path unescaped.
func CheckKey(key string) error {
	if !ValidKey(key) {
		return fmt.Errorf("%w: series key %q is not a slug", anime.ErrInvalid, key)
	}
	return nil
}

// CheckSeason refuses a series key that is not a slug and a negative
// season (0 is the movies entry) with anime.ErrInvalid.
func CheckSeason(key string, season int) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if season < 0 {
		return fmt.Errorf("%w: season %d", anime.ErrInvalid, season)
	}
	return nil
}

// CheckEpisode is CheckSeason that also refuses an episode below 1.
func CheckEpisode(key string, season, episode int) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if season < 0 || episode < 1 {
		return fmt.Errorf("%w: episode %d of season %d", anime.ErrInvalid, episode, season)
	}
	return nil
}

// SortLanguages orders languages by their site key, deduplicated.
func SortLanguages(ls []anime.Language) []anime.Language {
	seen := map[anime.Language]bool{}
	var out []anime.Language
	for _, l := range ls {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

type ctxKey int

const freshKey ctxKey = 1

// WithFreshData marks a context so providers skip cached pages (and store
// what they fetch), e.g. for a user-triggered rescan.
func WithFreshData(ctx context.Context) context.Context {
	return context.WithValue(ctx, freshKey, true)
}

// WantsFreshData reports whether ctx was marked by WithFreshData.
func WantsFreshData(ctx context.Context) bool {
	v, _ := ctx.Value(freshKey).(bool)
	return v
}
