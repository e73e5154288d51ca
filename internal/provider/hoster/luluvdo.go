package hoster

import (
	"context"
	"net/url"
	"regexp"

	"github.com/aniworld/aniworld/internal/anime"
)

// LuluvdoUserAgent is the fixed Android Firefox 132 UA Luluvdo expects.
const LuluvdoUserAgent = "Mozilla/5.0 (Android 15; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0"

// luluvdoLanguage is the German Accept-Language the download needs.
const luluvdoLanguage = "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7"

var luluvdoFile = regexp.MustCompile(`file\s*:\s*["']([^"']+)["']`)

// Luluvdo extracts the HLS playlist of a Luluvdo video.
type Luluvdo struct {
	// UserAgent overrides LuluvdoUserAgent when set.
	UserAgent string
}

// Name implements Extractor.
func (*Luluvdo) Name() string { return "Luluvdo" }

// Resolve implements Extractor: GET
// <origin>/dl?op=embed&file_code=<id>&embed=1&referer=<host>&adb=0.
func (x *Luluvdo) Resolve(ctx context.Context, c Doer, embedURL string) (anime.Stream, error) {
	ua := x.UserAgent
	if ua == "" {
		ua = LuluvdoUserAgent
	}
	u, err := parseEmbed("luluvdo", embedURL)
	if err != nil {
		return anime.Stream{}, err
	}
	id := lastSegment(u)
	if id == "" {
		return anime.Stream{}, fail("luluvdo", "no file code in %q", u.Path)
	}
	q := url.Values{"op": {"embed"}, "file_code": {id}, "embed": {"1"}, "referer": {u.Host}, "adb": {"0"}}
	h := uaHeaders(ua)
	h.Set("Origin", origin(u))
	h.Set("Referer", origin(u)+"/")
	p, err := do(ctx, c, "luluvdo", "embed page", request{url: origin(u) + "/dl?" + q.Encode(), headers: h})
	if err != nil {
		return anime.Stream{}, err
	}
	m := luluvdoFile.FindStringSubmatch(p.body)
	if m == nil {
		return anime.Stream{}, fail("luluvdo", "no file in embed page")
	}
	abs, err := resolveRef(p.final, m[1])
	if err != nil {
		return anime.Stream{}, fail("luluvdo", "bad media url: %v", err)
	}
	dh := uaHeaders(ua)
	dh.Set("Accept-Language", luluvdoLanguage)
	dh.Set("Origin", origin(u))
	dh.Set("Referer", origin(u)+"/")
	return anime.Stream{URL: abs, Kind: kindOf(abs), Headers: dh, Hoster: "Luluvdo"}, nil
}
