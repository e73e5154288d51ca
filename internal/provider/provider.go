// Package provider is the seam between the program and the streaming sites:
// the Provider interface, a registry of providers by site name, the result
// types every site client returns, and the Resolver that walks an episode's
// hoster links in preference order until one yields a stream.
package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

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

// URLRef is what a site URL names: a series, and optionally a season and
// episode (Season 0 = movies). Season/Episode are -1 when absent.
type URLRef struct {
	Site    string
	Key     string
	Season  int
	Episode int
}

// siteAliases are other names users give a registered site.
var siteAliases = map[string]string{"serienstream.to": SiteSerienstream, "serienstream.cx": SiteSerienstream}

// Site names of the providers ParseURL knows.
const (
	SiteAniWorld = "aniworld.to"
	// SiteSerienstream is serienstream.to, registered under its historic
	// name so series stored as "s.to" keep their site.
	SiteSerienstream = "s.to"
)

var (
	// urlPathRe is aniworld's engine: /anime/stream/<slug>… and legacy
	// s.to's /serie/stream/<slug>….
	urlPathRe = regexp.MustCompile(`^/(anime|serie)/stream/([a-zA-Z0-9][a-zA-Z0-9-]*)(?:/staffel-(\d+)(?:/episode-(\d+))?|/(filme)(?:/film-(\d+))?)?/?$`)
	// serienstreamPathRe is serienstream.to since 2026-01-29:
	// /serie/<slug>[/staffel-N[/episode-M]].
	serienstreamPathRe = regexp.MustCompile(`^/serie/([a-zA-Z0-9][a-zA-Z0-9-]*)(?:/staffel-(\d+)(?:/episode-(\d+))?)?/?$`)
)

// ParseURL parses a series, season, movie or episode URL of aniworld.to
// (/anime/stream/<slug>…), serienstream.to (/serie/<slug>…, on any mirror)
// or legacy s.to (/serie/stream/<slug>…, site "s.to" as well). The site is
// decided by the path, so mirrors and local fakes work.
func ParseURL(rawURL string) (URLRef, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Path == "" {
		return URLRef{}, fmt.Errorf("%w: not a series url: %q", anime.ErrInvalid, rawURL)
	}
	var ref URLRef
	var season, episode string
	if m := urlPathRe.FindStringSubmatch(u.Path); m != nil {
		ref = URLRef{Site: SiteAniWorld, Key: m[2], Season: -1, Episode: -1}
		if m[1] == "serie" {
			ref.Site = SiteSerienstream
		}
		season, episode = m[3], m[4]
		if m[5] != "" {
			season, episode = "0", m[6]
		}
	} else if m := serienstreamPathRe.FindStringSubmatch(u.Path); m != nil {
		ref = URLRef{Site: SiteSerienstream, Key: m[1], Season: -1, Episode: -1}
		season, episode = m[2], m[3]
	} else {
		return URLRef{}, fmt.Errorf("%w: not a series url (want /anime/stream/<slug>, /serie/<slug> or /serie/stream/<slug>): %q", anime.ErrInvalid, rawURL)
	}
	num := func(s string) int {
		n, e := strconv.Atoi(s)
		if e != nil && err == nil {
			err = fmt.Errorf("%w: number %q out of range in %q", anime.ErrInvalid, s, rawURL)
		}
		return n
	}
	if season != "" {
		ref.Season = num(season)
		if episode != "" {
			ref.Episode = num(episode)
		}
	}
	if err != nil {
		return URLRef{}, err
	}
	return ref, nil
}

// IsLegacySToURL reports whether rawURL is in the retired s.to form (host
// s.to, or the /serie/stream/ path of the old engine): such links are
// understood but never requested, and stored ones are rewritten.
func IsLegacySToURL(rawURL string) bool {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return false
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	return host == "s.to" || strings.HasPrefix(u.Path, "/serie/stream/")
}

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
