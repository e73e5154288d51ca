package hoster

import (
	"context"
	"net/url"
	"regexp"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

var vidmolyFile = regexp.MustCompile(`file\s*:\s*["']((?:https?:)?//[^"']+)["']`)

// Vidmoly defaults: only vidmoly.net serves
// /embed-<id>.html, and page and playlist want a vidmoly.biz Referer.
const (
	VidmolyEmbedHost = "vidmoly.net"
	VidmolyReferer   = "https://vidmoly.biz/"
)

// Vidmoly extracts the HLS playlist from a Vidmoly player page.
type Vidmoly struct {
	// UserAgent is sent and returned; empty means the Doer's (see
	// UserAgenter), else DefaultUserAgent.
	UserAgent string
	// EmbedHost is the host a /v/<id> link is rewritten to
	// (VidmolyEmbedHost when empty); tests point it at a fake.
	EmbedHost string
	// Referer is sent with the page and returned for the download
	// (VidmolyReferer when empty).
	Referer string
}

// Name implements Extractor.
func (*Vidmoly) Name() string { return "Vidmoly" }

// Hosts implements HostMatcher.
func (*Vidmoly) Hosts() []string {
	return []string{"vidmoly.net", "vidmoly.me", "vidmoly.to", "vidmoly.biz"}
}

// Resolve implements Extractor. A /v/<id> link becomes
// <scheme>://<EmbedHost>/embed-<id>.html, the embed's scheme kept.
func (x *Vidmoly) Resolve(ctx context.Context, c Doer, embedURL string) (anime.Stream, error) {
	u, err := parseEmbed("vidmoly", embedURL)
	if err != nil {
		return anime.Stream{}, err
	}
	ua := pickUA(x.UserAgent, c, u)
	if rest, ok := strings.CutPrefix(u.Path, "/v/"); ok && strings.Trim(rest, "/") != "" {
		host := x.EmbedHost
		if host == "" {
			host = VidmolyEmbedHost
		}
		u = &url.URL{Scheme: u.Scheme, Host: host, Path: "/embed-" + strings.Trim(rest, "/") + ".html"}
	}
	ref := x.Referer
	if ref == "" {
		ref = VidmolyReferer
	}
	h := uaHeaders(ua)
	h.Set("Referer", ref)
	p, err := do(ctx, c, "vidmoly", "embed page", request{url: u.String(), headers: h, embed: true})
	if err != nil {
		return anime.Stream{}, err
	}
	var pick string
	for _, m := range vidmolyFile.FindAllStringSubmatch(p.body, -1) {
		if IsBait(m[1]) || strings.HasSuffix(strings.ToLower(m[1]), ".vtt") {
			continue
		}
		if pick == "" || (kindOf(m[1]) == anime.StreamHLS && kindOf(pick) != anime.StreamHLS) {
			pick = m[1]
		}
	}
	if pick == "" {
		return anime.Stream{}, fail("vidmoly", "no file in embed page (pattern %s)", vidmolyFile)
	}
	abs, err := resolveRef(p.final, pick)
	if err != nil {
		return anime.Stream{}, fail("vidmoly", "bad media url: %v", err)
	}
	dh := uaHeaders(ua)
	dh.Set("Referer", ref)
	return anime.Stream{URL: abs, Kind: kindOf(abs), Headers: dh, Hoster: "Vidmoly"}, nil
}
