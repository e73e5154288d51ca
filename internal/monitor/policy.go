// Package monitor follows the series a user cares about: per-series
// monitoring settings, a refresh of each monitored series from its site on
// a schedule that spreads the work and respects the site, detection of new
// episodes and newly available languages, and the decision which of them
// to queue in which language (with the Dub -> Sub fallback after N days
// and the opt-in upgrade to a better-ranked language). See README.md.
package monitor

import (
	"fmt"
	"regexp"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// Mode says which episodes of a series are followed.
type Mode string

// Modes.
const (
	// ModeAll queues every episode that is not on disk.
	ModeAll Mode = "all"
	// ModeFuture queues only episodes that appear on the site after
	// monitoring began.
	ModeFuture Mode = "future"
	// ModeNone follows nothing (the default).
	ModeNone Mode = "none"
)

// Settings are a series' monitoring wishes.
type Settings struct {
	Mode Mode `json:"mode" enum:"all,future,none" doc:"all: every episode not on disk; future: only episodes that appear after monitoring began; none: not monitored"`
	// Languages override the global download.language_order when not empty.
	Languages []string `required:"false" json:"languages" maxItems:"4" doc:"Wanted languages in order of preference (German Dub, German Sub, English Sub, English Dub); empty uses download.language_order"`
	// FallbackDays: the language at position i of the list is taken only
	// once the episode has been on the site for i*FallbackDays days; 0
	// takes the best available at once.
	FallbackDays int  `required:"false" json:"fallback_days" minimum:"0" maximum:"365" doc:"Wait this many days for the first language before taking the next one (cumulative per step); 0: take the best available at once"`
	Movies       bool `required:"false" json:"movies" doc:"Also follow movies (season 0 entries that are not specials)"`
	Specials     bool `required:"false" json:"specials" doc:"Also follow specials (season 0 entries titled Special, OVA, OAD, Recap, ...)"`
	Upgrade      bool `required:"false" json:"upgrade" doc:"Replace a file when the episode later appears in a better-ranked language (the old file is kept until the new one is complete)"`
}

// Default is the settings of a series nobody configured: not monitored.
func Default() Settings { return Settings{Mode: ModeNone, Languages: []string{}} }

// Monitored reports whether anything of the series is followed.
func (s Settings) Monitored() bool { return s.Mode == ModeAll || s.Mode == ModeFuture }

var specialRe = regexp.MustCompile(`(?i)\b(special|specials|ova|oad|ona|recap|bonus|extra|picture drama)\b`)

// IsSpecial reports whether a season-0 entry is a special rather than a
// movie, by its title. The sites list both under "Filme"; titles are all
// that tells them apart.
func IsSpecial(title string) bool { return specialRe.MatchString(title) }

// Episode is what the monitor knows about one episode on the site.
type Episode struct {
	Ref       anime.EpisodeRef
	FirstSeen time.Time
	// Baseline: listed on the site when monitoring began.
	Baseline bool
	// Available maps each language the site offers to when it was first seen.
	Available map[anime.Language]time.Time
}

// Decision is what to do about one episode now.
type Decision struct {
	Language anime.Language
	// Upgrade: a file in a worse-ranked language is on disk.
	Upgrade bool
}

// Languages is the series' effective preference order: its own list, or
// the global one.
func (s Settings) languages(global []anime.Language) []anime.Language {
	var out []anime.Language
	for _, n := range s.Languages {
		if l, err := anime.ParseLanguage(n); err == nil {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		out = append(out, global...)
	}
	if len(out) == 0 {
		out = append(out, anime.DefaultLanguageOrder...)
	}
	return out
}

// allowed reports whether the language at rank i of the order may be taken
// for an episode first seen at first.
func (s Settings) allowed(i int, first, now time.Time) bool {
	if i == 0 || s.FallbackDays <= 0 {
		return true
	}
	return now.Sub(first) >= time.Duration(i*s.FallbackDays)*24*time.Hour
}

// follows reports whether the settings cover the episode at all.
func (s Settings) follows(ep Episode, title string) bool {
	if !s.Monitored() {
		return false
	}
	if ep.Ref.Season == 0 {
		if IsSpecial(title) {
			return s.Specials
		}
		return s.Movies
	}
	return s.Mode == ModeAll || !ep.Baseline
}

// Decide answers whether to queue ep now, and in which language. onDisk
// are the languages of the episode's files (anime.LangUnknown for a file
// whose name does not tell; it counts as wanted). Nothing is queued when
// the best allowed language is not available yet.
func Decide(s Settings, global []anime.Language, ep Episode, onDisk []anime.Language, now time.Time) (Decision, bool) {
	if !s.follows(ep, ep.Ref.Title) {
		return Decision{}, false
	}
	order := s.languages(global)
	best := -1
	for i, l := range order {
		if _, ok := ep.Available[l]; ok && s.allowed(i, ep.FirstSeen, now) {
			best = i
			break
		}
	}
	if best < 0 {
		return Decision{}, false
	}
	if len(onDisk) == 0 {
		return Decision{Language: order[best]}, true
	}
	have := len(order) // rank of the best file on disk; unlisted languages rank last
	for _, l := range onDisk {
		if l == anime.LangUnknown {
			return Decision{}, false
		}
		for i, o := range order {
			if o == l && i < have {
				have = i
			}
		}
	}
	if s.Upgrade && best < have {
		return Decision{Language: order[best], Upgrade: true}, true
	}
	return Decision{}, false
}

// Wanted answers the languages a download of the episode may use: when
// the monitor queued it in a language, that one and the better-ranked ones
// (a worse one would undo the wait of the fallback); else the series' own
// order; nil when the series has none (the global order applies).
func Wanted(s Settings, global []anime.Language, queued anime.Language) []anime.Language {
	order := s.languages(global)
	if queued != anime.LangUnknown {
		for i, l := range order {
			if l == queued {
				return order[:i+1]
			}
		}
	}
	if len(s.Languages) == 0 {
		return nil
	}
	return order
}

// Normalize checks the settings and answers them with canonical language
// names; an error wraps anime.ErrInvalid.
func (s Settings) Normalize() (Settings, error) {
	switch s.Mode {
	case ModeAll, ModeFuture, ModeNone:
	case "":
		s.Mode = ModeNone
	default:
		return s, fmt.Errorf("%w: mode must be all, future or none, got %q", anime.ErrInvalid, s.Mode)
	}
	if s.FallbackDays < 0 || s.FallbackDays > 365 {
		return s, fmt.Errorf("%w: fallback_days must be between 0 and 365", anime.ErrInvalid)
	}
	out := []string{}
	seen := map[anime.Language]bool{}
	for _, n := range s.Languages {
		l, err := anime.ParseLanguage(n)
		if err != nil {
			return s, err
		}
		if !seen[l] {
			seen[l] = true
			out = append(out, l.String())
		}
	}
	s.Languages = out
	return s, nil
}
