package hoster

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// loadxCookie is the player cookie LoadX sets on the embed page and
// demands on the getVideo POST and on the media.
const loadxCookie = "fireplayer_player"

// LoadX extracts the stream of a LoadX player.
type LoadX struct {
	// UserAgent is sent and returned; empty means the Doer's (see
	// UserAgenter), else DefaultUserAgent.
	UserAgent string
}

// Name implements Extractor.
func (*LoadX) Name() string { return "LoadX" }

// Hosts implements HostMatcher.
func (*LoadX) Hosts() []string { return []string{"loadx.ws"} }

// Resolve implements Extractor: GET the embed following redirects, keep
// its fireplayer_player cookie, take path segment 2 of the final URL as
// the hash, then POST <final origin>/player/index.php?data=<hash>&do=getVideo
// with the cookie; the download carries the cookie too.
func (x *LoadX) Resolve(ctx context.Context, c Doer, embedURL string) (anime.Stream, error) {
	u, err := parseEmbed("loadx", embedURL)
	if err != nil {
		return anime.Stream{}, err
	}
	ua := pickUA(x.UserAgent, c, u)
	p, err := do(ctx, c, "loadx", "embed page", request{url: u.String(), headers: uaHeaders(ua), embed: true})
	if err != nil {
		return anime.Stream{}, err
	}
	parts := strings.Split(p.final.Path, "/")
	if len(parts) < 3 || parts[2] == "" {
		return anime.Stream{}, fail("loadx", "no hash in %q", p.final.Path)
	}
	cookie := responseCookie(p.header, loadxCookie)
	api := origin(p.final) + "/player/index.php?data=" + url.QueryEscape(parts[2]) + "&do=getVideo"
	h := uaHeaders(ua)
	h.Set("X-Requested-With", "XMLHttpRequest")
	h.Set("Referer", p.final.String())
	h.Set("Origin", origin(p.final))
	if cookie != "" {
		h.Set("Cookie", cookie)
	}
	resp, err := do(ctx, c, "loadx", "getVideo", request{method: http.MethodPost, url: api, headers: h})
	if err != nil {
		return anime.Stream{}, err
	}
	var doc struct {
		VideoSource string `json:"videoSource"`
	}
	if err := json.Unmarshal([]byte(resp.body), &doc); err != nil {
		return anime.Stream{}, fail("loadx", "getVideo: bad json: %v", err)
	}
	if doc.VideoSource == "" {
		return anime.Stream{}, fail("loadx", "getVideo: no videoSource")
	}
	abs, err := resolveRef(p.final, doc.VideoSource)
	if err != nil {
		return anime.Stream{}, fail("loadx", "bad media url: %v", err)
	}
	dh := uaHeaders(ua)
	dh.Set("Accept", "*/*")
	dh.Set("Referer", origin(p.final)+"/")
	dh.Set("Origin", origin(p.final))
	if cookie != "" {
		dh.Set("Cookie", cookie)
	}
	return anime.Stream{URL: abs, Kind: kindOf(abs), Headers: dh, Hoster: "LoadX"}, nil
}

// responseCookie returns "name=value" of the named cookie a response set,
// or "".
func responseCookie(h http.Header, name string) string {
	for _, line := range h.Values("Set-Cookie") {
		if ck, err := http.ParseSetCookie(line); err == nil && ck.Name == name && ck.Value != "" {
			return ck.Name + "=" + ck.Value
		}
	}
	return ""
}
