package library

import (
	"slices"
	"strconv"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/store"
)

// ComputeMissing is the provider's episode list minus the episodes on disk.
// With requireWanted, an episode present only in languages outside wanted
// still counts as missing; a file whose language the name does not tell
// always counts as present.
func ComputeMissing(remote map[int][]int, files []store.EpisodeFile, wanted []anime.Language, requireWanted bool) anime.MissingEpisodes {
	type ep struct{ s, e int }
	have := make(map[ep]bool, len(files))
	for _, f := range files {
		if requireWanted && f.Language != anime.LangUnknown && !slices.Contains(wanted, f.Language) {
			continue
		}
		have[ep{f.Season, f.Episode}] = true
	}
	out := anime.MissingEpisodes{}
	for season, eps := range remote {
		var miss []int
		for _, e := range eps {
			if e > 0 && !have[ep{season, e}] {
				miss = append(miss, e)
			}
		}
		if len(miss) > 0 {
			slices.Sort(miss)
			out[strconv.Itoa(season)] = slices.Compact(miss)
		}
	}
	return out
}

// subtractPresent drops the episodes on disk from an older missing map; the
// scanner uses it when the provider cannot be asked.
func subtractPresent(old anime.MissingEpisodes, files []store.EpisodeFile, wanted []anime.Language, requireWanted bool) anime.MissingEpisodes {
	remote := map[int][]int{}
	for s, eps := range old {
		n, err := strconv.Atoi(s)
		if err != nil {
			continue
		}
		remote[n] = eps
	}
	return ComputeMissing(remote, files, wanted, requireWanted)
}

// episodeCodes lists "season-episode" codes, ordered by season then episode.
func episodeCodes(m anime.MissingEpisodes) []string {
	type ep struct{ s, e int }
	var all []ep
	for s, eps := range m {
		n, err := strconv.Atoi(s)
		if err != nil {
			continue
		}
		for _, e := range eps {
			all = append(all, ep{n, e})
		}
	}
	slices.SortFunc(all, func(a, b ep) int {
		if a.s != b.s {
			return a.s - b.s
		}
		return a.e - b.e
	})
	out := make([]string, 0, len(all))
	for _, x := range all {
		out = append(out, anime.EpisodeRef{Season: x.s, Episode: x.e}.Code())
	}
	return out
}
