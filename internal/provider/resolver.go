package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// DefaultHosterOrder is the hoster preference used when the config names
// none; hosters not listed follow in page order.
func DefaultHosterOrder() []string {
	return []string{"VOE", "Vidmoly", "Vidoza", "Doodstream", "Vidara", "Vidavaca", "Filemoon", "LoadX", "Luluvdo", "Streamtape", "SpeedFiles"}
}

// Preferences orders an episode's links. Languages not listed are never
// used; hosters not listed come after the listed ones.
type Preferences struct {
	Languages []anime.Language
	Hosters   []string
}

// withDefaults fills empty lists with anime.DefaultLanguageOrder and
// DefaultHosterOrder.
func (p Preferences) withDefaults() Preferences {
	if len(p.Languages) == 0 {
		p.Languages = append([]anime.Language(nil), anime.DefaultLanguageOrder...)
	}
	if len(p.Hosters) == 0 {
		p.Hosters = DefaultHosterOrder()
	}
	return p
}

// Candidates orders links language first (by preference), then hoster (by
// preference, unlisted hosters last in page order), dropping links in
// languages the preferences do not name.
func Candidates(links []HosterLink, prefs Preferences) []HosterLink {
	prefs = prefs.withDefaults()
	rank := func(name string) int {
		for i, h := range prefs.Hosters {
			if strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(name)) {
				return i
			}
		}
		return len(prefs.Hosters)
	}
	var out []HosterLink
	for _, lang := range prefs.Languages {
		var group []HosterLink
		for _, l := range links {
			if l.Lang == lang {
				group = append(group, l)
			}
		}
		// stable insertion sort by hoster rank keeps page order among ties
		for i := 1; i < len(group); i++ {
			for j := i; j > 0 && rank(group[j].Hoster) < rank(group[j-1].Hoster); j-- {
				group[j], group[j-1] = group[j-1], group[j]
			}
		}
		out = append(out, group...)
	}
	return out
}

// Attempt is one try of one hoster link. Err is nil for the attempt that
// succeeded. Hoster is the site's label; Landing and Extractor say where
// the link really went and what ran there.
type Attempt struct {
	Hoster    string         `json:"hoster"`
	Lang      anime.Language `json:"language"`
	URL       string         `json:"url"`
	Landing   string         `json:"landing_host,omitempty"`
	Extractor string         `json:"extractor,omitempty"`
	Via       string         `json:"chosen_by,omitempty"`
	Err       error          `json:"-"`
	Reason    string         `json:"reason,omitempty"`
	// Note tells how a fallback saved the link.
	Note string `json:"note,omitempty"`
}

// String is "VOE (German Dub) → voe.sx [VOE]: ok" or
// "Vidara (German Dub) → voe.sx [VOE]: <reason>"; without a landing host
// (the redirect failed) "VOE (German Dub): <reason>".
func (a Attempt) String() string {
	head := fmt.Sprintf("%s (%s)", a.Hoster, a.Lang)
	if a.Landing != "" {
		x := a.Extractor
		if x == "" {
			x = "no extractor"
		}
		head += fmt.Sprintf(" → %s [%s]", a.Landing, x)
	}
	if a.Err == nil {
		if a.Note != "" {
			return head + ": ok (" + a.Note + ")"
		}
		return head + ": ok"
	}
	return head + ": " + a.Reason
}

// Name is the hoster that handled the link: the extractor when one ran,
// else the label.
func (a Attempt) Name() string {
	if a.Extractor != "" {
		return a.Extractor
	}
	return a.Hoster
}

// OutcomeRecorder receives the outcome of every link the Resolver tries
// (per-hoster success counts for /metrics and the System page).
type OutcomeRecorder interface {
	RecordAttempt(a Attempt)
}

// Resolution is a resolved stream, the link it came from and every attempt
// made on the way ("VOE 403, completed via Vidoza").
type Resolution struct {
	Stream   anime.Stream `json:"stream"`
	Link     HosterLink   `json:"link"`
	Attempts []Attempt    `json:"attempts"`
}

// Fallbacks is the number of failed attempts before the successful one.
func (r Resolution) Fallbacks() int { return max(len(r.Attempts)-1, 0) }

// ResolveError is returned when no link of an episode yielded a stream. It
// lists every attempt and matches anime.ErrUnavailable and each attempt's
// error (errors.Is(err, anime.ErrChallenge) when a challenge was met).
type ResolveError struct {
	Key       string
	Season    int
	Episode   int
	Offered   []anime.Language // languages the episode page offered
	Attempts  []Attempt
	Preferred []anime.Language
}

// Error lists every attempt.
func (e *ResolveError) Error() string {
	ref := anime.EpisodeRef{Season: e.Season, Episode: e.Episode}
	if len(e.Attempts) == 0 {
		return fmt.Sprintf("no stream for %s %s: no hoster link in %s (offered: %s)",
			e.Key, ref, langList(e.Preferred), langList(e.Offered))
	}
	parts := make([]string, len(e.Attempts))
	for i, a := range e.Attempts {
		parts[i] = a.String()
	}
	return fmt.Sprintf("no stream for %s %s after %d attempts: %s", e.Key, ref, len(e.Attempts), strings.Join(parts, "; "))
}

// Permanent reports whether no retry can help: links were tried and every
// one led to a removed video (anime.ErrNotFound). The queue asks it.
func (e *ResolveError) Permanent() bool {
	if len(e.Attempts) == 0 {
		return false
	}
	for _, a := range e.Attempts {
		if !errors.Is(a.Err, anime.ErrNotFound) {
			return false
		}
	}
	return true
}

// Unwrap exposes anime.ErrUnavailable and every attempt's error.
func (e *ResolveError) Unwrap() []error {
	out := []error{anime.ErrUnavailable}
	for _, a := range e.Attempts {
		if a.Err != nil {
			out = append(out, a.Err)
		}
	}
	return out
}

func (r *Resolver) record(a Attempt) {
	if r.rec != nil {
		r.rec.RecordAttempt(a)
	}
}

func langList(ls []anime.Language) string {
	if len(ls) == 0 {
		return "none"
	}
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = l.String()
	}
	return strings.Join(s, ", ")
}

// Resolver picks a stream for an episode: it walks the episode's links in
// preference order and falls back to the next hoster or language when one
// fails.
type Resolver struct {
	p     Provider
	prefs Preferences
	rec   OutcomeRecorder
}

// NewResolver builds a resolver over p. Empty preference lists mean the
// defaults (German Dub, German Sub, English Sub; DefaultHosterOrder, then
// the rest).
func NewResolver(p Provider, prefs Preferences) *Resolver {
	return &Resolver{p: p, prefs: prefs.withDefaults()}
}

// Recording makes the resolver report every attempt to rec (nil: none).
func (r *Resolver) Recording(rec OutcomeRecorder) *Resolver {
	r.rec = rec
	return r
}

// Resolve fetches the episode page and resolves the best working link.
func (r *Resolver) Resolve(ctx context.Context, key string, season, episode int) (Resolution, error) {
	ep, err := r.p.Episode(ctx, key, season, episode)
	if err != nil {
		return Resolution{}, err
	}
	return r.ResolveLinks(ctx, ep)
}

// ResolveLinks resolves the best working link of an already fetched
// episode page.
func (r *Resolver) ResolveLinks(ctx context.Context, ep EpisodeLinks) (Resolution, error) {
	rerr := &ResolveError{Key: ep.Key, Season: ep.Season, Episode: ep.Episode, Offered: ep.Languages, Preferred: r.prefs.Languages}
	for _, link := range Candidates(ep.Links, r.prefs) {
		if err := ctx.Err(); err != nil {
			return Resolution{Attempts: rerr.Attempts}, err
		}
		lctx, tr := WithLinkTrace(ctx)
		st, err := r.p.ResolveLink(lctx, link)
		a := Attempt{Hoster: link.Hoster, Lang: link.Lang, URL: link.URL, Landing: tr.Host,
			Extractor: tr.Extractor, Via: tr.Via, Note: tr.Note}
		if err == nil {
			if st.Hoster == "" {
				st.Hoster = link.Hoster
			}
			if st.Lang == anime.LangUnknown {
				st.Lang = link.Lang
			}
			rerr.Attempts = append(rerr.Attempts, a)
			r.record(a)
			return Resolution{Stream: st, Link: link, Attempts: rerr.Attempts}, nil
		}
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return Resolution{Attempts: rerr.Attempts}, err
		}
		// A removed video (anime.ErrNotFound) is not retried here: the next
		// link is tried at once.
		a.Err, a.Reason = err, err.Error()
		rerr.Attempts = append(rerr.Attempts, a)
		r.record(a)
	}
	return Resolution{Attempts: rerr.Attempts}, rerr
}
