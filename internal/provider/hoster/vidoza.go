package hoster

import (
	"context"
	"regexp"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

var (
	vidozaSrc    = regexp.MustCompile(`src\s*:\s*["']([^"']+)["']`)
	vidozaSource = regexp.MustCompile(`(?i)<source[^>]+src=["']([^"']+)["']`)
)

// Vidoza extracts the MP4 from a Vidoza JW-player page.
type Vidoza struct {
	// UserAgent is sent and returned; empty means the Doer's (see
	// UserAgenter), else DefaultUserAgent.
	UserAgent string
}

// Name implements Extractor.
func (*Vidoza) Name() string { return "Vidoza" }

// Hosts implements HostMatcher.
func (*Vidoza) Hosts() []string { return []string{"videzz.net", "vidoza.net", "vidoza.org"} }

// Resolve implements Extractor.
func (x *Vidoza) Resolve(ctx context.Context, c Doer, embedURL string) (anime.Stream, error) {
	u, err := parseEmbed("vidoza", embedURL)
	if err != nil {
		return anime.Stream{}, err
	}
	ua := pickUA(x.UserAgent, c, u)
	p, err := do(ctx, c, "vidoza", "embed page", request{url: u.String(), headers: uaHeaders(ua), embed: true})
	if err != nil {
		return anime.Stream{}, err
	}
	var src string
	if i := strings.Index(p.body, "sourcesCode:"); i >= 0 {
		if m := vidozaSrc.FindStringSubmatch(p.body[i:]); m != nil {
			src = m[1]
		}
	}
	if src == "" {
		if m := vidozaSource.FindStringSubmatch(p.body); m != nil {
			src = m[1]
		}
	}
	if src == "" {
		return anime.Stream{}, fail("vidoza", "no source in embed page")
	}
	abs, err := resolveRef(p.final, src)
	if err != nil {
		return anime.Stream{}, fail("vidoza", "bad media url: %v", err)
	}
	return anime.Stream{URL: abs, Kind: kindOf(abs), Headers: uaHeaders(ua), Hoster: "Vidoza"}, nil
}
