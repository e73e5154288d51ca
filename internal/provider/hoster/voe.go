package hoster

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"

	"github.com/aniworld/aniworld/internal/anime"
)

var (
	voeJSONScript = regexp.MustCompile(`(?is)<script[^>]*type=["']application/json["'][^>]*>(.*?)</script>`)
	voeA168c      = regexp.MustCompile(`var\s+a168c\s*=\s*'([^']+)'`)
	voeLegacyHLS  = regexp.MustCompile(`'hls'\s*:\s*'([^']+)'`)
	voeLegacyMP4  = regexp.MustCompile(`'mp4'\s*:\s*'([^']+)'`)
	voeRedirect   = regexp.MustCompile(`window\.location\.href\s*=\s*['"]([^'"]*/e/[^'"]+)['"]`)
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

// Resolve implements Extractor. It prefers the HLS "source", then the MP4
// "direct_access_url", then "fallback".
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
		p, err := do(ctx, c, "voe", "embed page", request{url: u.String(), headers: uaHeaders(ua)})
		if err != nil {
			return anime.Stream{}, err
		}
		mediaURL, kind, err := voePayload(p.body)
		if err != nil {
			return anime.Stream{}, err
		}
		if mediaURL != "" {
			abs, err := resolveRef(p.final, mediaURL)
			if err != nil {
				return anime.Stream{}, fail("voe", "bad media url: %v", err)
			}
			// The spec names a fixed "https://voe.sx/" Referer; VOE rotates
			// domains, so the page's own origin stands in for it.
			h := uaHeaders(ua)
			h.Set("Referer", origin(p.final)+"/")
			h.Set("Origin", origin(p.final))
			return anime.Stream{URL: abs, Kind: kind, Headers: h, Hoster: "VOE"}, nil
		}
		m := voeRedirect.FindStringSubmatch(p.body)
		if m == nil {
			return anime.Stream{}, fail("voe", "no payload in embed page")
		}
		next, err := resolveRef(p.final, m[1])
		if err != nil {
			return anime.Stream{}, fail("voe", "bad redirect url: %v", err)
		}
		target = next
	}
	return anime.Stream{}, fail("voe", "too many redirect pages")
}

// voePayload finds and decodes the media URL in a VOE page. It returns an
// empty URL and no error when the page has no payload at all.
func voePayload(body string) (string, anime.StreamKind, error) {
	var encoded []string
	for _, m := range voeJSONScript.FindAllStringSubmatch(body, -1) {
		raw := []byte(m[1])
		var s string
		if json.Unmarshal(raw, &s) == nil {
			encoded = append(encoded, s)
			continue
		}
		var list []string
		if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
			encoded = append(encoded, list[0])
		}
	}
	if m := voeA168c.FindStringSubmatch(body); m != nil {
		encoded = append(encoded, m[1])
	}
	var lastErr error
	for _, e := range encoded {
		js, err := decodeVOE(e)
		if err != nil {
			lastErr = err
			continue
		}
		var src voeSources
		if err := json.Unmarshal(js, &src); err != nil {
			lastErr = err
			continue
		}
		switch {
		case src.Source != "":
			return src.Source, kindOf(src.Source), nil
		case src.DirectAccessURL != "":
			return src.DirectAccessURL, anime.StreamMP4, nil
		case src.fallbackURL() != "":
			f := src.fallbackURL()
			return f, kindOf(f), nil
		}
		lastErr = fmt.Errorf("no source in decoded payload")
	}
	if m := voeLegacyHLS.FindStringSubmatch(body); m != nil {
		if b, err := decodeB64(m[1]); err == nil && isHTTPURL(string(b)) {
			return string(b), anime.StreamHLS, nil
		}
		if isHTTPURL(m[1]) {
			return m[1], anime.StreamHLS, nil
		}
	}
	if m := voeLegacyMP4.FindStringSubmatch(body); m != nil && isHTTPURL(m[1]) {
		return m[1], anime.StreamMP4, nil
	}
	if lastErr != nil {
		return "", "", fail("voe", "decode payload: %v", lastErr)
	}
	return "", "", nil
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
