package hoster

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// LoadX extracts the stream of a LoadX player.
type LoadX struct {
	// UserAgent is sent and returned; empty means the Doer's (see
	// UserAgenter), else DefaultUserAgent.
	UserAgent string
}

// Name implements Extractor.
func (*LoadX) Name() string { return "LoadX" }

// Resolve implements Extractor: HEAD the embed following redirects, take
// path segment 2 of the final URL as the hash, then POST
// <final origin>/player/index.php?data=<hash>&do=getVideo.
func (x *LoadX) Resolve(ctx context.Context, c Doer, embedURL string) (anime.Stream, error) {
	u, err := parseEmbed("loadx", embedURL)
	if err != nil {
		return anime.Stream{}, err
	}
	ua := pickUA(x.UserAgent, c, u)
	head, err := do(ctx, c, "loadx", "embed head", request{method: http.MethodHead, url: u.String(), headers: uaHeaders(ua)})
	if err != nil && !errors.Is(err, anime.ErrChallenge) && !errors.Is(err, anime.ErrNotFound) && ctx.Err() == nil {
		// Some mirrors refuse HEAD; a GET follows the same redirects.
		head, err = do(ctx, c, "loadx", "embed page", request{url: u.String(), headers: uaHeaders(ua)})
	}
	if err != nil {
		return anime.Stream{}, err
	}
	parts := strings.Split(head.final.Path, "/")
	if len(parts) < 3 || parts[2] == "" {
		return anime.Stream{}, fail("loadx", "no hash in %q", head.final.Path)
	}
	hash := parts[2]
	api := origin(head.final) + "/player/index.php?data=" + url.QueryEscape(hash) + "&do=getVideo"
	h := uaHeaders(ua)
	h.Set("X-Requested-With", "XMLHttpRequest")
	h.Set("Referer", head.final.String())
	h.Set("Origin", origin(head.final))
	p, err := do(ctx, c, "loadx", "getVideo", request{method: http.MethodPost, url: api, headers: h})
	if err != nil {
		return anime.Stream{}, err
	}
	var doc struct {
		VideoSource string `json:"videoSource"`
	}
	if err := json.Unmarshal([]byte(p.body), &doc); err != nil {
		return anime.Stream{}, fail("loadx", "getVideo: bad json: %v", err)
	}
	if doc.VideoSource == "" {
		return anime.Stream{}, fail("loadx", "getVideo: no videoSource")
	}
	abs, err := resolveRef(head.final, doc.VideoSource)
	if err != nil {
		return anime.Stream{}, fail("loadx", "bad media url: %v", err)
	}
	dh := uaHeaders(ua)
	dh.Set("Accept", "*/*")
	dh.Set("Referer", origin(head.final)+"/")
	return anime.Stream{URL: abs, Kind: kindOf(abs), Headers: dh, Hoster: "LoadX"}, nil
}
