package browser

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
)

// Media kinds a capture returns.
const (
	MediaHLS = "hls" // an HLS master or media playlist
	MediaMP4 = "mp4" // a progressive video file
)

// DefaultMinMediaBytes is the smallest progressive video a capture takes;
// smaller ones are ad pre-rolls, sample clips or probes.
const DefaultMinMediaBytes = 512 << 10

// adHosts are ad and tracking networks whose media is never the episode.
var adHosts = []string{
	"doubleclick.net", "googlesyndication.com", "googleadservices.com", "imasdk.googleapis.com",
	"adnxs.com", "adsrvr.org", "exoclick.com", "exosrv.com", "juicyads.com", "popads.net",
	"propellerads.com", "adsterra.com", "trafficjunky.net", "realsrv.com", "a-ads.com",
	"hilltopads.net", "clickadu.com", "magsrv.com", "vast.", "vpaid.",
}

var hlsTypes = []string{"application/vnd.apple.mpegurl", "application/x-mpegurl", "audio/mpegurl", "audio/x-mpegurl"}

// request is what the watcher knows of one network request.
type request struct {
	url      string
	headers  http.Header // as the page asked for them
	sent     http.Header // as sent on the wire (cookies included), when known
	frameURL string
	session  int // which session saw it: 0 the page, 1.. attached iframes
}

// candidate is a media response waiting to be judged or taken.
type candidate struct {
	id   network.RequestID
	kind string
	size int64 // -1 when unknown
	req  *request
	// swept marks a candidate found in an iframe's resource timing rather
	// than in network events; it waits sweepGrace for the real request's
	// events, which carry the headers as sent.
	swept bool
	found time.Time
}

// sweepGrace is how long a swept candidate waits for the network events
// of the same request.
const sweepGrace = 750 * time.Millisecond

// watcher collects the network events of a page and its iframes. Its
// listeners only record; the capture loop judges.
type watcher struct {
	mu         sync.Mutex
	reqs       map[network.RequestID]*request
	sent       map[network.RequestID]http.Header
	candidates []candidate
	iframes    []string // iframe target IDs to attach
	// paused are media responses held at their headers (interceptMedia);
	// intercepted their request IDs, whose later responses are not judged
	// twice; taken the intercepted ones the handler accepted.
	paused      chan pausedMedia
	intercepted map[network.RequestID]bool
	taken       []candidate
	// mediaBytes counts body bytes the browser received for media
	// (playlists, videos, segments).
	mediaBytes int64
}

func newWatcher() *watcher {
	return &watcher{reqs: map[network.RequestID]*request{}, sent: map[network.RequestID]http.Header{},
		paused: make(chan pausedMedia, 256), intercepted: map[network.RequestID]bool{}}
}

// listener returns the event func for session s.
func (w *watcher) listener(s int) func(ev any) {
	return func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			w.notePaused(e, s)
			return
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if e.Request == nil {
				return
			}
			w.reqs[e.RequestID] = &request{url: e.Request.URL, headers: toHeader(e.Request.Headers), frameURL: e.DocumentURL, session: s}
		case *network.EventRequestWillBeSentExtraInfo:
			w.sent[e.RequestID] = toHeader(e.Headers)
		case *network.EventDataReceived:
			if r := w.reqs[e.RequestID]; r != nil && isMediaPath(r.url) {
				w.mediaBytes += e.DataLength
			}
		case *network.EventResponseReceived:
			r := w.reqs[e.RequestID]
			if r == nil || e.Response == nil || w.intercepted[e.RequestID] {
				return
			}
			kind := mediaKind(r.url, e.Response.MimeType)
			if kind == "" || (e.Response.Status != 200 && e.Response.Status != 206) {
				return
			}
			w.candidates = append(w.candidates, candidate{id: e.RequestID, kind: kind, size: mediaSize(toHeader(e.Response.Headers)), req: r})
		}
	}
}

// noteIframe records an iframe target to attach to.
func (w *watcher) noteIframe(id string) {
	w.mu.Lock()
	w.iframes = append(w.iframes, id)
	w.mu.Unlock()
}

// takeIframes returns the iframes noted since the last call.
func (w *watcher) takeIframes() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.iframes
	w.iframes = nil
	return out
}

// takeCandidates returns the candidates found since the last call, those
// the interception handler accepted first, with the wire headers attached
// where they arrived.
func (w *watcher) takeCandidates() []candidate {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := append(w.taken, w.candidates...)
	w.taken, w.candidates = nil, nil
	for _, c := range out {
		if h, ok := w.sent[c.id]; ok {
			c.req.sent = h
		}
	}
	return out
}

// mediaKind classifies a response as HLS, progressive video or neither
// (HLS segments and other media pieces are neither).
func mediaKind(rawURL, mime string) string {
	mime = strings.ToLower(strings.TrimSpace(strings.Split(mime, ";")[0]))
	p := ""
	if u, err := url.Parse(rawURL); err == nil {
		if u.Scheme != "http" && u.Scheme != "https" {
			return ""
		}
		p = strings.ToLower(path.Ext(u.Path))
	}
	for _, t := range hlsTypes {
		if mime == t {
			return MediaHLS
		}
	}
	if p == ".m3u8" {
		return MediaHLS
	}
	if mime == "video/mp2t" || p == ".ts" || p == ".m4s" {
		return ""
	}
	if strings.HasPrefix(mime, "video/") || p == ".mp4" || p == ".m4v" || p == ".webm" || p == ".mkv" {
		return MediaMP4
	}
	return ""
}

// isMediaPath reports a URL of a playlist, video or segment by its
// extension.
func isMediaPath(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	switch strings.ToLower(path.Ext(u.Path)) {
	case ".m3u8", ".mp4", ".m4v", ".webm", ".mkv", ".ts", ".m4s":
		return true
	}
	return false
}

// mediaSize is the full size of a response: Content-Range's total for a
// 206, else Content-Length; -1 when unknown.
func mediaSize(h http.Header) int64 {
	if cr := h.Get("Content-Range"); cr != "" {
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			if n, err := strconv.ParseInt(strings.TrimSpace(cr[i+1:]), 10, 64); err == nil {
				return n
			}
		}
	}
	if n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err == nil {
		return n
	}
	return -1
}

// isAdHost reports whether host belongs to an ad network.
func isAdHost(host string) bool {
	host = strings.ToLower(host)
	for _, a := range adHosts {
		if strings.HasSuffix(a, ".") {
			if strings.HasPrefix(host, a) || strings.Contains(host, "."+a) {
				return true
			}
			continue
		}
		if host == a || strings.HasSuffix(host, "."+a) {
			return true
		}
	}
	return false
}

// toHeader converts DevTools headers.
func toHeader(h network.Headers) http.Header {
	out := http.Header{}
	for k, v := range h {
		switch s := v.(type) {
		case string:
			// Raw wire headers join repeated values with newlines.
			for line := range strings.SplitSeq(s, "\n") {
				out.Add(k, line)
			}
		default:
			out.Add(k, fmt.Sprint(s))
		}
	}
	return out
}

// droppedHeaders are not handed to the download engine: transport and
// range headers it sets itself, and fetch metadata that only a browser
// sends.
var droppedHeaders = map[string]bool{
	"Range": true, "Accept-Encoding": true, "Connection": true, "Host": true, "Content-Length": true,
	"If-Range": true, "If-None-Match": true, "If-Modified-Since": true, "Cache-Control": true, "Pragma": true,
	"Upgrade-Insecure-Requests": true, "Priority": true, "Dnt": true,
}

// downloadHeaders are the headers the browser sent for the media, minus
// those the engine must not copy.
func downloadHeaders(r *request) http.Header {
	src := r.sent
	if src == nil {
		src = r.headers
	}
	out := http.Header{}
	for k, vs := range src {
		ck := http.CanonicalHeaderKey(k)
		if strings.HasPrefix(k, ":") || droppedHeaders[ck] || strings.HasPrefix(ck, "Sec-") {
			continue
		}
		out[ck] = append([]string(nil), vs...)
	}
	return out
}
