package hoster

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

var (
	filemoonFile  = regexp.MustCompile(`file\s*:\s*["']([^"']+)["']`)
	filemoonM3U8  = regexp.MustCompile(`https?://[^"'\s]+\.m3u8[^"'\s]*`)
	filemoonFrame = regexp.MustCompile(`(?i)<iframe[^>]+src=["']([^"']+)["']`)
)

// Filemoon extracts HLS streams from Filemoon (and its Byse domains), via
// the encrypted /api/videos answer or, on older pages, the packed player
// script.
type Filemoon struct {
	// UserAgent is sent and returned; empty means the Doer's (see
	// UserAgenter), else DefaultUserAgent.
	UserAgent string
}

// Name implements Extractor.
func (*Filemoon) Name() string { return "Filemoon" }

// Resolve implements Extractor.
func (x *Filemoon) Resolve(ctx context.Context, c Doer, embedURL string) (anime.Stream, error) {
	u, err := parseEmbed("filemoon", embedURL)
	if err != nil {
		return anime.Stream{}, err
	}
	ua := pickUA(x.UserAgent, c, u)
	code := filemoonCode(u)
	if code == "" {
		return anime.Stream{}, fail("filemoon", "no video code in %q", u.Path)
	}
	base := u
	media, apiErr := x.fromAPI(ctx, c, u, code, ua)
	if apiErr != nil {
		if errors.Is(apiErr, anime.ErrChallenge) || ctx.Err() != nil {
			return anime.Stream{}, apiErr
		}
		var legacyErr error
		media, base, legacyErr = x.fromPacked(ctx, c, u, ua)
		if legacyErr != nil {
			return anime.Stream{}, errors.Join(apiErr, legacyErr)
		}
	}
	abs, err := resolveRef(base, media)
	if err != nil {
		return anime.Stream{}, fail("filemoon", "bad media url: %v", err)
	}
	// The spec names "Referer: https://filemoon.to"; the embed's origin
	// stands in for it because the domain rotates.
	h := uaHeaders(ua)
	h.Set("Referer", origin(u)+"/")
	return anime.Stream{URL: abs, Kind: kindOf(abs), Headers: h, Hoster: "Filemoon"}, nil
}

// filemoonCode takes the code from /d/<code> or /e/<code> (or the last
// segment).
func filemoonCode(u *url.URL) string {
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] == "d" || parts[i] == "e" {
			return parts[i+1]
		}
	}
	return lastSegment(u)
}

// fromAPI asks <origin>/api/videos/<code> and decrypts the playback.
func (x *Filemoon) fromAPI(ctx context.Context, c Doer, u *url.URL, code, ua string) (string, error) {
	h := uaHeaders(ua)
	h.Set("Referer", u.String())
	h.Set("Accept", "application/json")
	p, err := do(ctx, c, "filemoon", "api videos", request{url: origin(u) + "/api/videos/" + url.PathEscape(code), headers: h})
	if err != nil {
		return "", err
	}
	var doc struct {
		Playback *filemoonPlayback `json:"playback"`
	}
	if err := json.Unmarshal([]byte(p.body), &doc); err != nil {
		return "", fail("filemoon", "api videos: bad json: %v", err)
	}
	if doc.Playback == nil {
		return "", fail("filemoon", "api videos: no playback")
	}
	media, err := decryptFilemoon(*doc.Playback)
	if err != nil {
		return "", fail("filemoon", "decrypt playback: %v", err)
	}
	return media, nil
}

// fromPacked fetches the embed page (following one iframe) and unpacks the
// player script.
func (x *Filemoon) fromPacked(ctx context.Context, c Doer, u *url.URL, ua string) (string, *url.URL, error) {
	target := u.String()
	for hop := 0; hop < 2; hop++ {
		h := uaHeaders(ua)
		h.Set("Referer", origin(u)+"/")
		p, err := do(ctx, c, "filemoon", "embed page", request{url: target, headers: h})
		if err != nil {
			return "", nil, err
		}
		if strings.Contains(p.body, packedStart) {
			js, err := unpackJS(p.body)
			if err != nil {
				return "", nil, fail("filemoon", "unpack player script: %v", err)
			}
			if m := filemoonFile.FindStringSubmatch(js); m != nil {
				return m[1], p.final, nil
			}
			if m := filemoonM3U8.FindString(js); m != "" {
				return m, p.final, nil
			}
			return "", nil, fail("filemoon", "no file in unpacked script")
		}
		m := filemoonFrame.FindStringSubmatch(p.body)
		if m == nil {
			break
		}
		next, err := resolveRef(p.final, m[1])
		if err != nil {
			return "", nil, fail("filemoon", "bad iframe url: %v", err)
		}
		target = next
	}
	return "", nil, fail("filemoon", "no payload in embed page")
}
