package hoster

import (
	"context"
	"errors"
	"net/url"
	"regexp"

	"github.com/aniworld/aniworld/internal/anime"
)

// LuluvdoUserAgent is the fixed Android Firefox 132 UA Luluvdo's older
// /dl?op=embed form expects.
const LuluvdoUserAgent = "Mozilla/5.0 (Android 15; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0"

// luluvdoLanguage is the German Accept-Language the download needs.
const luluvdoLanguage = "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7"

var (
	// luluvdoSources is the 2026 form: sources: [{file:"…"}].
	luluvdoSources = regexp.MustCompile(`["']?sources["']?\s*:\s*\[\s*\{\s*["']?file["']?\s*:\s*["']([^"']+)["']`)
	luluvdoFile    = regexp.MustCompile(`file\s*:\s*["']([^"']+)["']`)
)

// Luluvdo extracts the HLS playlist of a Luluvdo video.
type Luluvdo struct {
	// UserAgent is the UA of the direct (2026) form; empty means the
	// Doer's (see UserAgenter), else DefaultUserAgent (a Chrome UA).
	UserAgent string
	// LegacyUserAgent overrides LuluvdoUserAgent for the /dl form.
	LegacyUserAgent string
}

// Name implements Extractor.
func (*Luluvdo) Name() string { return "Luluvdo" }

// Hosts implements HostMatcher.
func (*Luluvdo) Hosts() []string { return []string{"luluvdo.com", "luluvdoo.com", "luluvid.com"} }

// Resolve implements Extractor. It first fetches the link itself with a
// Chrome UA and reads sources: [{file:"…"}] (streamflix 2026), then falls
// back to GET <origin>/dl?op=embed&file_code=<id>&embed=1&referer=<host>&adb=0
// with the fixed Android UA.
func (x *Luluvdo) Resolve(ctx context.Context, c Doer, embedURL string) (anime.Stream, error) {
	u, err := parseEmbed("luluvdo", embedURL)
	if err != nil {
		return anime.Stream{}, err
	}
	ua := pickUA(x.UserAgent, c, u)
	p, err := do(ctx, c, "luluvdo", "embed page", request{url: u.String(), headers: uaHeaders(ua), embed: true})
	if err != nil && (errors.Is(err, anime.ErrNotFound) || errors.Is(err, anime.ErrChallenge) || ctx.Err() != nil) {
		return anime.Stream{}, err
	}
	if err == nil {
		if m := luluvdoSources.FindStringSubmatch(p.body); m != nil {
			return luluvdoStream(p, m[1], ua, u)
		}
	}
	st, lerr := x.legacy(ctx, c, u)
	if lerr != nil && err == nil && errors.Is(lerr, anime.ErrNotFound) {
		// The page is there, only the older /dl endpoint is gone: the page
		// changed, the video is not removed.
		return anime.Stream{}, fail("luluvdo", "no sources in embed page (pattern %s); /dl form: %s", luluvdoSources, lerr.Error())
	}
	return st, lerr
}

// legacy is the /dl?op=embed form with the fixed Android UA.
func (x *Luluvdo) legacy(ctx context.Context, c Doer, u *url.URL) (anime.Stream, error) {
	ua := x.LegacyUserAgent
	if ua == "" {
		ua = LuluvdoUserAgent
	}
	id := lastSegment(u)
	if id == "" {
		return anime.Stream{}, fail("luluvdo", "no file code in %q", u.Path)
	}
	q := url.Values{"op": {"embed"}, "file_code": {id}, "embed": {"1"}, "referer": {u.Host}, "adb": {"0"}}
	h := uaHeaders(ua)
	h.Set("Origin", origin(u))
	h.Set("Referer", origin(u)+"/")
	p, err := do(ctx, c, "luluvdo", "dl embed page", request{url: origin(u) + "/dl?" + q.Encode(), headers: h, embed: true})
	if err != nil {
		return anime.Stream{}, err
	}
	m := luluvdoFile.FindStringSubmatch(p.body)
	if m == nil {
		return anime.Stream{}, fail("luluvdo", "no file in embed page (patterns %s, %s)", luluvdoSources, luluvdoFile)
	}
	return luluvdoStream(p, m[1], ua, u)
}

func luluvdoStream(p page, file, ua string, u *url.URL) (anime.Stream, error) {
	abs, err := resolveRef(p.final, file)
	if err != nil {
		return anime.Stream{}, fail("luluvdo", "bad media url: %v", err)
	}
	if IsBait(abs) {
		return anime.Stream{}, fail("luluvdo", "only a bait sample video")
	}
	dh := uaHeaders(ua)
	dh.Set("Accept-Language", luluvdoLanguage)
	dh.Set("Origin", origin(u))
	dh.Set("Referer", origin(u)+"/")
	return anime.Stream{URL: abs, Kind: kindOf(abs), Headers: dh, Hoster: "Luluvdo"}, nil
}
