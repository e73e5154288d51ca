package tmdb

import (
	"fmt"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// MinMatchScore is the lowest score BestMatch accepts as a confident match.
const MinMatchScore = 0.6

// Normalize is anime.NormalizeTitle of the title without its trailing
// "(yyyy)".
func Normalize(title string) string {
	title, _ = anime.SplitYear(title)
	return anime.NormalizeTitle(title)
}

// Similarity scores two titles in [0,1]: the better of a character edit
// ratio, a word overlap (Dice) and a word-prefix score on the normalised
// forms.
func Similarity(a, b string) float64 {
	a, b = Normalize(a), Normalize(b)
	if a == "" || b == "" {
		return 0
	}
	if a == b {
		return 1
	}
	wa, wb := strings.Fields(a), strings.Fields(b)
	return max(editRatio(a, b), dice(wa, wb), prefixScore(wa, wb))
}

// prefixScore is 0.65 when one title's words start the other's ("Frieren"
// and "Frieren: Beyond Journey's End"), else 0.
func prefixScore(a, b []string) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) == 0 {
		return 0
	}
	for i := range a {
		if a[i] != b[i] {
			return 0
		}
	}
	return 0.65
}

// Score rates one search result against a wanted title and year (0 = any):
// the best similarity to name or original_name, plus 0.1 for the same first
// air year, 0.05 for one year off, minus 0.15 for more than two years off.
func Score(r SearchResult, title string, year int) float64 {
	s := nameSimilarity(r, title)
	if year > 0 && r.Year() > 0 {
		switch d := abs(r.Year() - year); {
		case d == 0:
			s += 0.1
		case d == 1:
			s += 0.05
		case d > 2:
			s -= 0.15
		}
	}
	return s
}

func nameSimilarity(r SearchResult, title string) float64 {
	return max(Similarity(title, r.Name), Similarity(title, r.OriginalName))
}

// BestMatch picks the highest-scoring result (ties keep TMDB's order).
// Unless its score and its title similarity alone (a matching year never
// rescues a poor title) reach MinMatchScore, it returns anime.ErrNotFound.
func BestMatch(results []SearchResult, title string, year int) (SearchResult, error) {
	best, bestScore := -1, 0.0
	for i, r := range results {
		if s := Score(r, title, year); best < 0 || s > bestScore {
			best, bestScore = i, s
		}
	}
	switch {
	case best < 0:
		return SearchResult{}, fmt.Errorf("%w: tmdb has no show matching %q", anime.ErrNotFound, title)
	case bestScore < MinMatchScore || nameSimilarity(results[best], title) < MinMatchScore:
		return SearchResult{}, fmt.Errorf("%w: no confident tmdb match for %q (closest %q, id %d, score %.2f)",
			anime.ErrNotFound, title, results[best].Name, results[best].ID, bestScore)
	}
	return results[best], nil
}

func editRatio(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[len(rb)])/float64(max(len(ra), len(rb)))
}

func dice(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	count := map[string]int{}
	for _, w := range a {
		count[w]++
	}
	common := 0
	for _, w := range b {
		if count[w] > 0 {
			count[w]--
			common++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
