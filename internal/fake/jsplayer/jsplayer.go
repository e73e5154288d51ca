// Package jsplayer fakes hoster embed pages that only a browser can play:
// no extractor can read their media URL from the HTML, because the page's
// JavaScript builds it, or a click has to happen first, or the player
// lives in an iframe from another origin. The browser fallback extractor
// (internal/browser Capture) is tested against it.
//
// Two loopback origins serve it: Pages (http://127.0.0.1:<port>) holds the
// embed pages and their media, Frames (http://localhost:<port>) the iframe
// players and theirs, so an iframe is cross-site and Chromium runs it in
// its own process. Media (fakehoster.TestMedia: an MP4 and HLS segments)
// answers 403 unless the request carries the User-Agent that loaded the
// page, a Referer from the page's origin and, on Pages, the session cookie
// the embed page set: only the headers the browser really sent fetch it.
//
// Variants (EmbedURL(variant, id)):
//
//	Pieces     HLS; the script assembles "/hls/<id>/master.m3u8" from
//	           scrambled pieces on load and fetches it (as hls.js does)
//	Click      MP4; a consent banner covers a play overlay; the overlay
//	           only reacts to a trusted (real) click, which sets the video src
//	Iframe     MP4; the page frames a player from Frames that waits for a click
//	IframeAuto HLS; the page frames a player from Frames that loads at once
//	Bait       HLS; the page first loads a BigBuckBunny sample and a tiny ad
//	           pre-roll, then the real media playlist (index.m3u8, 6 s per
//	           segment)
//	Never      a player whose script fails: nothing is ever requested
//
// The media handlers count requests and bytes by who asked: a browser
// (it sends Sec-Fetch-Dest) or a plain client such as the download engine.
package jsplayer

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
)

// Variants of embed pages.
const (
	Pieces     = "pieces"
	Click      = "click"
	Iframe     = "iframe"
	IframeAuto = "iframe-auto"
	Bait       = "bait"
	Never      = "never"
)

// SessionCookie is the cookie the embed pages set and Pages' media wants.
const SessionCookie = "jsp_session"

// Counts are media requests and bytes by who asked.
type Counts struct {
	BrowserRequests, EngineRequests int
	BrowserBytes, EngineBytes       int64
	// Segments counts HLS segment requests by a browser.
	BrowserSegments int
}

// Player is the fake; Close stops both servers.
type Player struct {
	Media  fakehoster.Media
	Pages  *httptest.Server
	Frames *httptest.Server
	// FramesURL is Frames' base URL under the name localhost.
	FramesURL string

	mu       sync.Mutex
	uas      map[string]string // id -> UA that loaded the page
	sessions map[string]string // id -> session cookie value
	counts   Counts
	bait     []byte
	ad       []byte
}

// Start serves media on two loopback origins.
func Start(media fakehoster.Media) *Player {
	p := &Player{Media: media, uas: map[string]string{}, sessions: map[string]string{},
		bait: bytes.Repeat([]byte("bait"), 256<<10), ad: bytes.Repeat([]byte("ad"), 4<<10)}
	p.Pages = httptest.NewServer(http.HandlerFunc(p.servePages))
	p.Frames = httptest.NewServer(http.HandlerFunc(p.serveFrames))
	p.FramesURL = strings.Replace(p.Frames.URL, "127.0.0.1", "localhost", 1)
	return p
}

// Close stops the servers.
func (p *Player) Close() {
	p.Pages.Close()
	p.Frames.Close()
}

// EmbedURL is the embed page of a variant.
func (p *Player) EmbedURL(variant, id string) string {
	return p.Pages.URL + "/e/" + variant + "/" + id
}

// Counts reports the media requests so far.
func (p *Player) Counts() Counts {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts
}

func (p *Player) servePages(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 3 && parts[0] == "e":
		p.embed(w, r, parts[1], parts[2])
	case r.URL.Path == "/bait/BigBuckBunny.mp4":
		p.serveBytes(w, r, "video/mp4", p.bait)
	case r.URL.Path == "/ads/preroll.mp4":
		p.serveBytes(w, r, "video/mp4", p.ad)
	case len(parts) == 3 && (parts[0] == "hls" || parts[0] == "mp4"):
		if p.authorize(w, r, parts[1], p.Pages.URL, true) {
			p.serveMedia(w, r, parts[0], parts[2])
		}
	default:
		http.NotFound(w, r)
	}
}

func (p *Player) serveFrames(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 2 && parts[0] == "player":
		p.framePlayer(w, r, parts[1], r.URL.Query().Get("auto") == "1")
	case len(parts) == 3 && (parts[0] == "hls" || parts[0] == "mp4"):
		if p.authorize(w, r, parts[1], p.FramesURL, false) {
			p.serveMedia(w, r, parts[0], parts[2])
		}
	default:
		http.NotFound(w, r)
	}
}

// authorize checks a media request: the page's UA, a Referer from origin
// and, when cookie, the page's session cookie.
func (p *Player) authorize(w http.ResponseWriter, r *http.Request, id, origin string, cookie bool) bool {
	p.mu.Lock()
	ua, session := p.uas[id], p.sessions[id]
	p.mu.Unlock()
	reason := ""
	switch {
	case ua == "":
		reason = "no page was loaded for this id"
	case r.UserAgent() != ua:
		reason = "user agent differs from the page's"
	case !strings.HasPrefix(r.Referer(), origin+"/"):
		reason = "referer " + r.Referer() + " is not from " + origin
	case cookie:
		if c, err := r.Cookie(SessionCookie); err != nil || c.Value != session {
			reason = "session cookie missing"
		}
	}
	if reason != "" {
		http.Error(w, "forbidden: "+reason, http.StatusForbidden)
		return false
	}
	return true
}

func (p *Player) serveMedia(w http.ResponseWriter, r *http.Request, kind, file string) {
	switch {
	case kind == "mp4" && file == "video.mp4":
		p.serveBytes(w, r, "video/mp4", p.Media.MP4)
	case kind == "hls" && file == "master.m3u8":
		p.serveBytes(w, r, "application/vnd.apple.mpegurl", []byte("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=1280x720\nindex.m3u8\n"))
	case kind == "hls" && file == "index.m3u8":
		var b strings.Builder
		b.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:0\n")
		for i := range p.Media.Segments {
			fmt.Fprintf(&b, "#EXTINF:6.000,\nseg-%d.ts\n", i)
		}
		b.WriteString("#EXT-X-ENDLIST\n")
		p.serveBytes(w, r, "application/vnd.apple.mpegurl", []byte(b.String()))
	case kind == "hls" && strings.HasPrefix(file, "seg-") && strings.HasSuffix(file, ".ts"):
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(file, "seg-"), ".ts"))
		if err != nil || n < 0 || n >= len(p.Media.Segments) {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Sec-Fetch-Dest") != "" {
			p.mu.Lock()
			p.counts.BrowserSegments++
			p.mu.Unlock()
		}
		p.serveBytes(w, r, "video/mp2t", p.Media.Segments[n])
	default:
		http.NotFound(w, r)
	}
}

// serveBytes serves b with Range support and counts the request (when it
// arrives) and its bytes (when they are written).
func (p *Player) serveBytes(w http.ResponseWriter, r *http.Request, ctype string, b []byte) {
	browser := r.Header.Get("Sec-Fetch-Dest") != ""
	p.mu.Lock()
	if browser {
		p.counts.BrowserRequests++
	} else {
		p.counts.EngineRequests++
	}
	p.mu.Unlock()
	cw := &countingWriter{ResponseWriter: w}
	cw.Header().Set("Content-Type", ctype)
	http.ServeContent(cw, r, "", time.Time{}, bytes.NewReader(b))
	p.mu.Lock()
	defer p.mu.Unlock()
	if browser {
		p.counts.BrowserBytes += cw.n
	} else {
		p.counts.EngineBytes += cw.n
	}
}

type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n += int64(n)
	return n, err
}

// remember records who loaded the page of id and issues its session.
func (p *Player) remember(w http.ResponseWriter, r *http.Request, id string) {
	sb := make([]byte, 8)
	_, _ = rand.Read(sb)
	session := hex.EncodeToString(sb)
	p.mu.Lock()
	p.uas[id] = r.UserAgent()
	p.sessions[id] = session
	p.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: session, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// scrambled is id reversed and base64-encoded, for the page to undo.
func scrambled(id string) string {
	b := []byte(id)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return base64.StdEncoding.EncodeToString(b)
}
