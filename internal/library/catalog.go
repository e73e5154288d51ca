package library

import (
	"context"
	"strconv"

	"github.com/aniworld/aniworld/internal/anime"
)

// Candidate is one series as the provider describes it.
type Candidate struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Site        string `json:"site"`
	Link        string `json:"link"`
	Year        int    `json:"year,omitempty"`
	Description string `json:"description,omitempty"`
}

// Catalog is what the library needs from the provider. Implementations
// cache: a rescan asks for every series' episodes again and must not
// re-fetch the site each time.
type Catalog interface {
	// Search finds series by title.
	Search(ctx context.Context, query string) ([]Candidate, error)
	// Series answers one series' details (name, year, description).
	Series(ctx context.Context, site, key string) (Candidate, error)
	// Episodes answers the episode numbers per season (0 = movies and
	// specials) the provider lists for a series.
	Episodes(ctx context.Context, site, key string) (map[int][]int, error)
	// EpisodeList answers the same episodes with their titles (naming,
	// the queue's episode titles). An empty or unknown site is the
	// default site's.
	EpisodeList(ctx context.Context, site, key string) ([]EpisodeInfo, error)
}

// EpisodeInfo is one episode the provider lists, with its titles.
type EpisodeInfo struct {
	Season  int
	Episode int
	TitleDE string
	TitleEN string
}

// MatchFolder picks the candidate a marker-less folder confidently belongs
// to: exactly one candidate whose normalised title equals the folder's
// (year stripped), and whose year agrees when both are known. ok is false
// for no match or an ambiguous one, with a reason; it never guesses.
func MatchFolder(folder string, cands []Candidate) (best Candidate, ok bool, reason string) {
	name, year := anime.SplitYear(folder)
	want := anime.NormalizeTitle(name)
	if want == "" {
		return Candidate{}, false, "folder name has no title"
	}
	var hits []Candidate
	for _, c := range cands {
		if !ValidKey(c.Key) {
			continue
		}
		if anime.NormalizeTitle(c.Name) != want && anime.NormalizeTitle(SanitizeFolderName(c.Name)) != want {
			continue
		}
		if year != 0 && c.Year != 0 && year != c.Year {
			continue
		}
		hits = append(hits, c)
	}
	switch {
	case len(hits) == 1:
		return hits[0], true, ""
	case len(hits) > 1:
		// Several equal titles: a year on both sides decides, nothing else.
		var exact []Candidate
		for _, c := range hits {
			if year != 0 && c.Year == year {
				exact = append(exact, c)
			}
		}
		if len(exact) == 1 {
			return exact[0], true, ""
		}
		return Candidate{}, false, "ambiguous: " + strconv.Itoa(len(hits)) + " series share this title"
	case len(cands) == 0:
		return Candidate{}, false, "no search results"
	}
	return Candidate{}, false, "no search result has this title"
}
