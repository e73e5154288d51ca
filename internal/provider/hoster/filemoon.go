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

// Filemoon extracts HLS streams from Filemoon and its Byse domains: the
// 2026 Byse flow (details → challenge → attest → playback), else the
// older GET /api/videos/<code>, else the packed player script.
type Filemoon struct {
	// UserAgent is sent and returned; empty means the Doer's (see
	// UserAgenter), else DefaultUserAgent.
	UserAgent string

	session byseSession
}

// Name implements Extractor.
func (*Filemoon) Name() string { return "Filemoon" }

// Hosts implements HostMatcher with the Filemoon and Byse domains.
func (*Filemoon) Hosts() []string {
	return []string{"filemoon.sx", "filemoon.to", "filemoon.site", "filemoon.eu", "bysekoze.com", "bysezoxexe.com",
		"bysebuho.com", "bysejikuar.com", "bysesayeveum.com", "f75s.com"}
}

// Recognizes implements PageRecognizer: the Byse single-page app.
func (*Filemoon) Recognizes(page string) bool { return strings.Contains(page, "Byse Frontend") }

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
	// Byse: Referer = embed frame, Origin = playback origin.
	res, byseErr := x.fromByse(ctx, c, u, code, ua)
	if byseErr == nil {
		h := uaHeaders(ua)
		h.Set("Referer", res.frame)
		h.Set("Origin", res.playbackOrigin)
		return filemoonStream(res.media, u, h)
	}
	if stop(ctx, byseErr) {
		return anime.Stream{}, byseErr
	}
	// Filemoon wants its own site as Referer (https://filemoon.to); the embed's origin
	// stands in for it because the domain rotates.
	h := uaHeaders(ua)
	h.Set("Referer", origin(u)+"/")
	media, apiErr := x.fromAPI(ctx, c, u, code, ua)
	if apiErr == nil {
		return filemoonStream(media, u, h)
	}
	if stop(ctx, apiErr) {
		return anime.Stream{}, apiErr
	}
	media, base, legacyErr := x.fromPacked(ctx, c, u, ua)
	if legacyErr == nil {
		return filemoonStream(media, base, h)
	}
	return anime.Stream{}, allFailed(byseErr, apiErr, legacyErr)
}

// stop reports errors after which no other form is tried: a challenge or
// a cancelled context.
func stop(ctx context.Context, err error) bool {
	return errors.Is(err, anime.ErrChallenge) || ctx.Err() != nil
}

func filemoonStream(media string, base *url.URL, h map[string][]string) (anime.Stream, error) {
	abs, err := resolveRef(base, media)
	if err != nil {
		return anime.Stream{}, fail("filemoon", "bad media url: %v", err)
	}
	return anime.Stream{URL: abs, Kind: kindOf(abs), Headers: h, Hoster: "Filemoon"}, nil
}

// allFailed joins the messages of every tried form. It matches
// anime.ErrNotFound only when every form said the video is gone, so one
// form's 404 (an endpoint that does not exist on this mirror) does not
// mark a playable video removed.
func allFailed(errs ...error) error {
	msgs := make([]string, len(errs))
	gone := true
	for i, e := range errs {
		msgs[i] = e.Error()
		gone = gone && errors.Is(e, anime.ErrNotFound)
	}
	err := &formsError{msg: strings.Join(msgs, "; ")}
	if gone {
		err.extra = anime.ErrNotFound
	}
	return err
}

type formsError struct {
	msg   string
	extra error
}

func (e *formsError) Error() string { return e.msg }
func (e *formsError) Unwrap() []error {
	if e.extra != nil {
		return []error{anime.ErrProvider, e.extra}
	}
	return []error{anime.ErrProvider}
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

// fromAPI asks the pre-2026 <origin>/api/videos/<code> and decrypts the
// playback.
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
		p, err := do(ctx, c, "filemoon", "embed page", request{url: target, headers: h, embed: true})
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
