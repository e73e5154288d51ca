// Package anime is the product's vocabulary: series, episodes, languages,
// hosters, streams, download items and the sentinel errors every layer
// shares. It imports only the standard library.
package anime

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Series is one show in the library, identified by its provider Key.
type Series struct {
	Key         string    `json:"key"`
	Name        string    `json:"name"`
	Site        string    `json:"site"`
	Folder      string    `json:"folder"`
	Link        string    `json:"link"`
	Year        int       `json:"year,omitempty"`
	Description string    `json:"description,omitempty"`
	TMDBID      int       `json:"tmdb_id,omitempty"`
	AddedAt     time.Time `json:"added_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// EpisodeRef names one episode of a series. Season 0 holds movies and specials.
type EpisodeRef struct {
	Season  int    `json:"season"`
	Episode int    `json:"episode"`
	Title   string `json:"title"` // always present: "" when neither the client nor the site named it
}

// Code is the compact "<season>-<episode>" form used by the API ("1-3").
func (e EpisodeRef) Code() string { return fmt.Sprintf("%d-%d", e.Season, e.Episode) }

// String is the conventional "S01E03" form.
func (e EpisodeRef) String() string { return fmt.Sprintf("S%02dE%02d", e.Season, e.Episode) }

// MissingEpisodes maps a season number (as a decimal string, for JSON) to the
// episode numbers that are not on disk, in ascending order.
type MissingEpisodes map[string][]int

// Refs lists the missing episodes by season, then episode. A key that is
// not a season number is skipped (the store never writes one).
func (m MissingEpisodes) Refs() []EpisodeRef {
	var out []EpisodeRef
	for key, eps := range m {
		season, err := strconv.Atoi(key)
		if err != nil || season < 0 {
			continue
		}
		for _, e := range eps {
			out = append(out, EpisodeRef{Season: season, Episode: e})
		}
	}
	slices.SortFunc(out, func(a, b EpisodeRef) int {
		if a.Season != b.Season {
			return a.Season - b.Season
		}
		return a.Episode - b.Episode
	})
	return out
}

// Count is the total number of missing episodes over all seasons.
func (m MissingEpisodes) Count() int {
	n := 0
	for _, eps := range m {
		n += len(eps)
	}
	return n
}
