package provider

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// This file is the one owner of the series-link grammar: which paths name a
// series, a season or an episode on the sites. ParseURL reads whole links;
// CutSeriesPath is the part of the grammar that finds the slug below a
// prefix, used by the library (links on its configured addresses, see
// library.ParseLink) and by the site clients (links on their pages).

// Site names of the providers ParseURL knows.
const (
	SiteAniWorld = "aniworld.to"
	// SiteSerienstream is serienstream.to, registered under its historic
	// name so series stored as "s.to" keep their site.
	SiteSerienstream = "s.to"
)

// URLRef is what a site URL names: a series, and optionally a season and
// episode (Season 0 = movies). Season/Episode are -1 when absent.
type URLRef struct {
	Site    string
	Key     string
	Season  int
	Episode int
}

// linkForm is one path form of series links.
type linkForm struct {
	site   string
	prefix string // the path before the slug
	movies bool   // "/filme[/film-N]" below the series
}

// linkForms are the path forms ParseURL knows, in the order they are
// tried: aniworld's engine (/anime/stream/<slug>…), the retired s.to form
// of the same engine (/serie/stream/<slug>…, before /serie/ so it is never
// read as the series "stream"), and serienstream.to since 2026-01-29
// (/serie/<slug>[/staffel-N[/episode-M]], no movies).
var linkForms = []linkForm{
	{site: SiteAniWorld, prefix: "/anime/stream/", movies: true},
	{site: SiteSerienstream, prefix: "/serie/stream/", movies: true},
	{site: SiteSerienstream, prefix: "/serie/"},
}

// CutSeriesPath reads path as prefix, a series slug (anime.ValidKey) and
// the rest ("" or starting with "/": a season, an episode, a trailing
// slash). ok is false when path does not start with prefix or no valid
// slug follows it.
func CutSeriesPath(path, prefix string) (key, rest string, ok bool) {
	after, found := strings.CutPrefix(path, prefix)
	if !found {
		return "", "", false
	}
	key, rest, _ = strings.Cut(after, "/")
	if !ValidKey(key) {
		return "", "", false
	}
	if len(after) > len(key) {
		rest = after[len(key):]
	}
	return key, rest, true
}

// ParseURL parses a series, season, movie or episode URL of aniworld.to
// (/anime/stream/<slug>…), serienstream.to (/serie/<slug>…, on any mirror)
// or legacy s.to (/serie/stream/<slug>…, site "s.to" as well). The site is
// decided by the path, so mirrors and local fakes work; a query string and
// one trailing slash are ignored.
func ParseURL(rawURL string) (URLRef, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Path == "" {
		return URLRef{}, fmt.Errorf("%w: not a series url: %q", anime.ErrInvalid, rawURL)
	}
	for _, f := range linkForms {
		key, rest, ok := CutSeriesPath(u.Path, f.prefix)
		if !ok {
			continue
		}
		season, episode, err := parseEpisodePath(rest, f.movies)
		if err != nil {
			return URLRef{}, fmt.Errorf("%w in %q", err, rawURL)
		}
		return URLRef{Site: f.site, Key: key, Season: season, Episode: episode}, nil
	}
	return URLRef{}, fmt.Errorf("%w: not a series url (want /anime/stream/<slug>, /serie/<slug> or /serie/stream/<slug>): %q", anime.ErrInvalid, rawURL)
}

// parseEpisodePath reads what follows a series slug: nothing,
// /staffel-N[/episode-M], or (movies) /filme[/film-M] as season 0, each
// with an optional trailing slash. Absent numbers are -1.
func parseEpisodePath(rest string, movies bool) (season, episode int, err error) {
	rest = strings.TrimSuffix(rest, "/")
	if rest == "" {
		return -1, -1, nil
	}
	parts := strings.Split(strings.TrimPrefix(rest, "/"), "/")
	if !strings.HasPrefix(rest, "/") || len(parts) > 2 {
		return 0, 0, fmt.Errorf("%w: not a season or episode path %q", anime.ErrInvalid, rest)
	}
	episodeWord := "episode-"
	if movies && parts[0] == "filme" {
		season, episodeWord = 0, "film-"
	} else if season, err = pathNumber(parts[0], "staffel-"); err != nil {
		return 0, 0, err
	}
	episode = -1
	if len(parts) == 2 {
		if episode, err = pathNumber(parts[1], episodeWord); err != nil {
			return 0, 0, err
		}
	}
	return season, episode, nil
}

// pathNumber reads "<word><digits>" (staffel-2, episode-11, film-3).
func pathNumber(segment, word string) (int, error) {
	digits, ok := strings.CutPrefix(segment, word)
	if !ok || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, fmt.Errorf("%w: not a season or episode segment %q", anime.ErrInvalid, segment)
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return 0, fmt.Errorf("%w: number %q out of range", anime.ErrInvalid, digits)
	}
	return n, nil
}
