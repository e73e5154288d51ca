package nfo

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/metadata/tmdb"
)

// MapOptions tunes FromShow.
type MapOptions struct {
	// Country picks the content rating (ISO 3166-1, "DE"); US is the fallback.
	Country string
	// Lang is the preferred image language (ISO 639-1, "de").
	Lang string
	// ImageURL builds artwork URLs (tmdb.Client.ImageURL).
	ImageURL func(size, path string) string
	// MaxImages caps thumbs per aspect; default 5.
	MaxImages int
}

// Artwork is the chosen primary artwork of a show, as TMDB file paths.
type Artwork struct {
	Poster        string
	Logo          string
	Fanart        string
	SeasonPosters map[int]string
	// Posters, Logos and Backdrops are every candidate, best first.
	Posters, Logos, Backdrops []string
}

// PickArtwork orders a show's images by language preference (posters and
// logos: lang, English, none; backdrops: none, lang, English) then votes,
// falling back to poster_path/backdrop_path when the images list is empty.
func PickArtwork(s *tmdb.Show, lang string) Artwork {
	a := Artwork{
		Posters:       ranked(s.Images.Posters, lang, "en", ""),
		Logos:         ranked(s.Images.Logos, lang, "en", ""),
		Backdrops:     ranked(s.Images.Backdrops, "", lang, "en"),
		SeasonPosters: map[int]string{},
	}
	if len(a.Posters) == 0 && s.PosterPath != "" {
		a.Posters = []string{s.PosterPath}
	}
	if len(a.Backdrops) == 0 && s.BackdropPath != "" {
		a.Backdrops = []string{s.BackdropPath}
	}
	if len(a.Posters) > 0 {
		a.Poster = a.Posters[0]
	}
	if len(a.Logos) > 0 {
		a.Logo = a.Logos[0]
	}
	if len(a.Backdrops) > 0 {
		a.Fanart = a.Backdrops[0]
	}
	for _, se := range s.Seasons {
		if se.PosterPath != "" {
			a.SeasonPosters[se.SeasonNumber] = se.PosterPath
		}
	}
	return a
}

func ranked(imgs []tmdb.Image, langs ...string) []string {
	rank := func(l string) int {
		for i, want := range langs {
			if strings.EqualFold(l, want) {
				return i
			}
		}
		return len(langs)
	}
	sorted := slices.Clone(imgs)
	slices.SortStableFunc(sorted, func(a, b tmdb.Image) int {
		if ra, rb := rank(a.Lang), rank(b.Lang); ra != rb {
			return ra - rb
		}
		switch {
		case a.VoteAverage > b.VoteAverage:
			return -1
		case a.VoteAverage < b.VoteAverage:
			return 1
		}
		return 0
	})
	var out []string
	for _, im := range sorted {
		if im.FilePath != "" && !slices.Contains(out, im.FilePath) {
			out = append(out, im.FilePath)
		}
	}
	return out
}

// KodiStatus maps TMDB's status to Kodi/Jellyfin's Continuing or Ended.
func KodiStatus(tmdbStatus string) string {
	switch strings.ToLower(strings.TrimSpace(tmdbStatus)) {
	case "returning series", "in production", "planned", "pilot", "returning", "continuing":
		return "Continuing"
	case "ended", "canceled", "cancelled":
		return "Ended"
	}
	return ""
}

// FromShow maps TMDB show details to a tvshow.nfo (mapping of Kodi's TMDB
// TV scraper: ids, titles, plot, dates, ratings, genres, studios, cast and
// artwork as Kodi writes them).
func FromShow(s *tmdb.Show, o MapOptions) *TVShow {
	if o.MaxImages <= 0 {
		o.MaxImages = 5
	}
	img := func(p string) string {
		if o.ImageURL == nil || p == "" {
			return ""
		}
		return o.ImageURL("original", p)
	}
	t := &TVShow{
		Title:         s.Name,
		OriginalTitle: s.OriginalName,
		SortTitle:     s.Name,
		Year:          s.Year(),
		Premiered:     s.FirstAirDate,
		Status:        KodiStatus(s.Status),
		Plot:          s.Overview,
		Outline:       s.Overview,
		Tagline:       s.Tagline,
		Runtime:       s.Runtime(),
		MPAA:          s.Rating(strings.ToUpper(o.Country)),
	}
	for _, n := range s.Networks {
		t.Studios = append(t.Studios, n.Name)
	}
	for _, g := range s.Genres {
		t.Genres = append(t.Genres, g.Name)
	}
	guide := struct {
		TMDB string `json:"tmdb,omitempty"`
		IMDb string `json:"imdb,omitempty"`
		TVDB string `json:"tvdb,omitempty"`
	}{TMDB: strconv.Itoa(s.ID)}
	t.UniqueIDs = append(t.UniqueIDs, UniqueID{Type: "tmdb", Default: true, Value: guide.TMDB})
	if id := s.ExternalIDs.IMDbID; id != "" {
		guide.IMDb = id
		t.UniqueIDs = append(t.UniqueIDs, UniqueID{Type: "imdb", Value: id})
	}
	if id := s.ExternalIDs.TVDBID; id > 0 {
		guide.TVDB = strconv.Itoa(id)
		t.UniqueIDs = append(t.UniqueIDs, UniqueID{Type: "tvdb", Value: guide.TVDB})
	}
	if b, err := json.Marshal(guide); err == nil {
		t.EpisodeGuide = string(b)
	}
	if s.VoteCount > 0 || s.VoteAverage > 0 {
		t.Ratings = &Ratings{Rating: []Rating{{Name: "themoviedb", Max: 10, Default: true, Value: s.VoteAverage, Votes: s.VoteCount}}}
	}
	art := PickArtwork(s, o.Lang)
	for _, p := range first(art.Posters, o.MaxImages) {
		t.Thumbs = append(t.Thumbs, Thumb{Aspect: "poster", URL: img(p)})
	}
	for _, p := range first(art.Logos, o.MaxImages) {
		t.Thumbs = append(t.Thumbs, Thumb{Aspect: "clearlogo", URL: img(p)})
	}
	for _, se := range s.Seasons {
		if se.PosterPath != "" {
			t.Thumbs = append(t.Thumbs, Thumb{Aspect: "poster", Type: "season",
				Season: strconv.Itoa(se.SeasonNumber), URL: img(se.PosterPath)})
		}
	}
	if len(art.Backdrops) > 0 {
		t.Fanart = &Fanart{}
		for _, p := range first(art.Backdrops, o.MaxImages) {
			t.Fanart.Thumbs = append(t.Fanart.Thumbs, Thumb{URL: img(p)})
		}
	}
	for _, se := range s.Seasons {
		if se.Name != "" {
			t.NamedSeasons = append(t.NamedSeasons, NamedSeason{Number: se.SeasonNumber, Name: se.Name})
		}
	}
	for _, c := range s.Credits.Cast {
		t.Actors = append(t.Actors, Actor{Name: c.Name, Role: c.Character, Order: c.Order, Thumb: img(c.ProfilePath)})
	}
	return t
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
