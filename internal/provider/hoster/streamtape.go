package hoster

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

var (
	// streamtapeLink reads both the old 'robotlink' and the 2026
	// 'botlink' script: innerHTML = '<A>' + ('<B>')[.substring(n)…].
	streamtapeLink = regexp.MustCompile(`['"](?:ro)?botlink['"]\s*\)\.innerHTML\s*=\s*['"]([^'"]*)['"]\s*\+\s*\(?\s*['"]([^'"]*)['"]\s*\)?((?:\.substring\(\s*\d+\s*\))*)`)
	streamtapeSub  = regexp.MustCompile(`\.substring\(\s*(\d+)\s*\)`)
)

// Streamtape extracts the MP4 link Streamtape assembles in its
// "robotlink" script.
type Streamtape struct {
	// UserAgent is sent and returned; empty means the Doer's (see
	// UserAgenter), else DefaultUserAgent.
	UserAgent string
}

// Name implements Extractor.
func (*Streamtape) Name() string { return "Streamtape" }

// Hosts implements HostMatcher.
func (*Streamtape) Hosts() []string {
	return []string{"streamtape.com", "streamtape.to", "streamtape.net", "streamta.pe", "strtape.cloud"}
}

// Recognizes implements PageRecognizer: the (ro)botlink script.
func (*Streamtape) Recognizes(page string) bool { return streamtapeLink.MatchString(page) }

// Resolve implements Extractor. The script reads
// innerHTML = '<A>'+ ('xcd<B>')[.substring(n)…]; the link is A + B with
// the substring calls applied (or the "xcd" decoy cut when there are
// none), and a protocol-relative A takes the embed URL's scheme.
func (x *Streamtape) Resolve(ctx context.Context, c Doer, embedURL string) (anime.Stream, error) {
	u, err := parseEmbed("streamtape", embedURL)
	if err != nil {
		return anime.Stream{}, err
	}
	ua := pickUA(x.UserAgent, c, u)
	p, err := do(ctx, c, "streamtape", "embed page", request{url: u.String(), headers: uaHeaders(ua), embed: true})
	if err != nil {
		return anime.Stream{}, err
	}
	m := streamtapeLink.FindStringSubmatch(p.body)
	if m == nil {
		return anime.Stream{}, fail("streamtape", "botlink/robotlink script not found (pattern %s)", streamtapeLink)
	}
	tail := m[2]
	if m[3] == "" {
		tail = strings.TrimPrefix(tail, "xcd")
	}
	for _, s := range streamtapeSub.FindAllStringSubmatch(m[3], -1) {
		n, err := strconv.Atoi(s[1])
		if err != nil || n > len(tail) {
			return anime.Stream{}, fail("streamtape", "bad substring offset")
		}
		tail = tail[n:]
	}
	link := m[1] + tail
	if !strings.HasPrefix(link, "//") && !strings.HasPrefix(link, "http") {
		return anime.Stream{}, fail("streamtape", "robotlink is not a url: %q", link)
	}
	abs, err := resolveRef(p.final, link)
	if err != nil {
		return anime.Stream{}, fail("streamtape", "bad media url: %v", err)
	}
	h := uaHeaders(ua)
	h.Set("Referer", origin(p.final)+"/")
	return anime.Stream{URL: abs, Kind: anime.StreamMP4, Headers: h, Hoster: "Streamtape"}, nil
}
