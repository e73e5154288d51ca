package hoster

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

var (
	voeJSONScript = regexp.MustCompile(`(?is)<script[^>]*type\s*=\s*["']application/json["'][^>]*>(.*?)</script>`)
	voeA168c      = regexp.MustCompile(`a168c\s*=\s*['"]([^'"]+)['"]`)
	voeMKGMa      = regexp.MustCompile(`MKGMa\s*=\s*['"]([^'"]+)['"]`)
	voeLegacyHLS  = regexp.MustCompile(`['"]hls['"]\s*:\s*['"]([^'"]+)['"]`)
	voeLegacyMP4  = regexp.MustCompile(`['"]mp4['"]\s*:\s*['"]([^'"]+)['"]`)
	voeRedirect   = regexp.MustCompile(`window\.location(?:\.href)?\s*=\s*['"]([^'"\s]+)['"]`)
	voeLoader     = regexp.MustCompile(`(?i)<script[^>]+src\s*=\s*["']((?:[^"']*/)?js/loader\.[^"'/]*\.js[^"']*)["']`)
)

// voeMaxHops bounds how many mirror pages VOE may bounce through.
const voeMaxHops = 3

// VOE extracts streams from voe.sx and its rotating mirror domains.
type VOE struct {
	// UserAgent is sent on every request and returned in the stream
	// headers; empty means the Doer's (see UserAgenter), else
	// DefaultUserAgent.
	UserAgent string
}

// Name implements Extractor.
func (*VOE) Name() string { return "VOE" }

// Hosts implements HostMatcher: voe.sx, its CDNs and a few known mirror
// domains (the rest are recognised by their page).
func (*VOE) Hosts() []string {
	return []string{"voe.sx", "voe.to", "edgeon-bandwidth.com", "orbitcache.com",
		"jilliandescribecompany.com", "lancewhosedifficult.com"}
}

// Recognizes implements PageRecognizer: a VOE player page carries one of
// its payload variables, or an application/json payload beside VOE's
// name.
func (*VOE) Recognizes(page string) bool {
	if strings.Contains(page, "a168c") || strings.Contains(page, "MKGMa") {
		return true
	}
	lower := strings.ToLower(page)
	return strings.Contains(lower, "voe") && (voeJSONScript.MatchString(page) || voeLoader.MatchString(page))
}

// Resolve implements Extractor. It prefers the HLS "source", then the MP4
// "direct_access_url", then "fallback", skipping bait sample videos.
func (x *VOE) Resolve(ctx context.Context, c Doer, embedURL string) (anime.Stream, error) {
	first, err := parseEmbed("voe", embedURL)
	if err != nil {
		return anime.Stream{}, err
	}
	ua := pickUA(x.UserAgent, c, first)
	target := embedURL
	for hop := 0; hop < voeMaxHops; hop++ {
		u, err := parseEmbed("voe", target)
		if err != nil {
			return anime.Stream{}, err
		}
		p, err := do(ctx, c, "voe", "embed page", request{url: u.String(), headers: uaHeaders(ua), embed: true})
		if err != nil {
			return anime.Stream{}, err
		}
		junk := x.junkLists(ctx, c, p, ua)
		mediaURL, kind, err := voePayload(p.body, junk...)
		if err != nil {
			return anime.Stream{}, err
		}
		if mediaURL != "" {
			abs, err := resolveRef(p.final, mediaURL)
			if err != nil {
				return anime.Stream{}, fail("voe", "bad media url: %v", err)
			}
			// VOE wants its own site as Referer (https://voe.sx/), but it rotates
			// domains, so the page's own origin stands in for it.
			h := uaHeaders(ua)
			h.Set("Referer", origin(p.final)+"/")
			h.Set("Origin", origin(p.final))
			return anime.Stream{URL: abs, Kind: kind, Headers: h, Hoster: "VOE"}, nil
		}
		m := voeRedirect.FindStringSubmatch(p.body)
		if m == nil {
			return anime.Stream{}, fail("voe", "no payload in embed page (no application/json script, a168c, MKGMa, 'hls' or forward)")
		}
		next, err := resolveRef(p.final, m[1])
		if err != nil || next == p.final.String() {
			return anime.Stream{}, fail("voe", "bad redirect url %q", m[1])
		}
		target = next
	}
	return anime.Stream{}, fail("voe", "too many redirect pages")
}

// junkLists are the token lists to try: one from the page itself, one
// from its /js/loader.*.js script; the built-in list is always tried last.
func (x *VOE) junkLists(ctx context.Context, c Doer, p page, ua string) [][]string {
	var out [][]string
	if t := VOETokens(p.body); t != nil {
		out = append(out, t)
	}
	if m := voeLoader.FindStringSubmatch(p.body); m != nil {
		if src, err := resolveRef(p.final, m[1]); err == nil {
			h := uaHeaders(ua)
			h.Set("Referer", p.final.String())
			if js, err := do(ctx, c, "voe", "loader script", request{url: src, headers: h}); err == nil {
				if t := VOETokens(js.body); t != nil {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// voePayload finds and decodes the media URL in a VOE page, trying each
// junk list and then the built-in one. It returns an empty URL and no
// error when the page has no payload at all.
func voePayload(body string, junk ...[]string) (string, anime.StreamKind, error) {
	type candidate struct {
		enc    string
		simple bool // also try a168c's base64 → reverse → JSON form
	}
	var cands []candidate
	for _, m := range voeJSONScript.FindAllStringSubmatch(body, -1) {
		raw := []byte(strings.TrimSpace(m[1]))
		var s string
		if json.Unmarshal(raw, &s) == nil {
			cands = append(cands, candidate{enc: s})
			continue
		}
		var list []string
		if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
			cands = append(cands, candidate{enc: list[0]})
		}
	}
	for _, m := range voeMKGMa.FindAllStringSubmatch(body, -1) {
		cands = append(cands, candidate{enc: m[1]})
	}
	for _, m := range voeA168c.FindAllStringSubmatch(body, -1) {
		cands = append(cands, candidate{enc: m[1], simple: true})
	}
	lists := append(append([][]string(nil), junk...), voeJunk)
	var lastErr error
	sawBait := false
	for _, cand := range cands {
		var js []byte
		var err error
		for _, l := range lists {
			if js, err = decodeVOEWith(cand.enc, l); err == nil {
				break
			}
		}
		if err != nil && cand.simple {
			js, err = decodeVOESimple(cand.enc)
		}
		if err != nil {
			lastErr = err
			continue
		}
		var src voeSources
		if err := json.Unmarshal(js, &src); err != nil {
			lastErr = err
			continue
		}
		u, kind, bait := src.pick()
		if u != "" {
			return u, kind, nil
		}
		sawBait = sawBait || bait
		lastErr = fmt.Errorf("no source in decoded payload")
	}
	if u, kind, ok := voeLegacy(body); ok {
		return u, kind, nil
	}
	if sawBait {
		return "", "", fail("voe", "payload holds only bait sample videos")
	}
	if lastErr != nil {
		return "", "", fail("voe", "decode payload: %v", lastErr)
	}
	return "", "", nil
}

// voeLegacy reads the older 'hls': '<b64 or url>' / 'mp4': '<url>' form.
func voeLegacy(body string) (string, anime.StreamKind, bool) {
	if m := voeLegacyHLS.FindStringSubmatch(body); m != nil {
		if b, err := decodeB64(m[1]); err == nil && isHTTPURL(string(b)) && !IsBait(string(b)) {
			return string(b), anime.StreamHLS, true
		}
		if isHTTPURL(m[1]) && !IsBait(m[1]) {
			return m[1], anime.StreamHLS, true
		}
	}
	if m := voeLegacyMP4.FindStringSubmatch(body); m != nil && isHTTPURL(m[1]) && !IsBait(m[1]) {
		return m[1], anime.StreamMP4, true
	}
	return "", "", false
}

// pick returns the first non-bait URL of source, direct_access_url and
// fallback, and whether a bait URL was skipped.
func (v voeSources) pick() (string, anime.StreamKind, bool) {
	bait := false
	for _, c := range []struct {
		url  string
		kind anime.StreamKind
	}{{v.Source, kindOf(v.Source)}, {v.DirectAccessURL, anime.StreamMP4}} {
		if c.url == "" {
			continue
		}
		if IsBait(c.url) {
			bait = true
			continue
		}
		return c.url, c.kind, bait
	}
	for _, f := range v.fallbackURLs() {
		if IsBait(f) {
			bait = true
			continue
		}
		return f, kindOf(f), bait
	}
	return "", "", bait
}

// isHTTPURL reports whether s is an absolute or protocol-relative http(s)
// URL.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	return u.Scheme == "http" || u.Scheme == "https" || u.Scheme == ""
}
