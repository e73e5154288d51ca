package hoster

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// Hoster names, spelled as the site's <h4> and the extractors' Name().
const (
	VOE        = "VOE"
	Vidoza     = "Vidoza"
	Doodstream = "Doodstream"
	Filemoon   = "Filemoon"
	Vidmoly    = "Vidmoly"
	Streamtape = "Streamtape"
	LoadX      = "LoadX"
	Luluvdo    = "Luluvdo"
	SpeedFiles = "SpeedFiles"
	Vidara     = "Vidara"
	Vidavaca   = "Vidavaca"
)

// Names lists every hoster the package can fake.
func Names() []string {
	return []string{VOE, Vidoza, Doodstream, Filemoon, Vidmoly, Streamtape, LoadX, Luluvdo, SpeedFiles, Vidara, Vidavaca}
}

// Failure is a fault injected into one fake hoster.
type Failure int

// Injectable failures.
const (
	// OK serves everything normally.
	OK Failure = iota
	// EmbedForbidden answers 403 on every page and API endpoint.
	EmbedForbidden
	// EmbedNotFound answers 404 on every page and API endpoint.
	EmbedNotFound
	// Challenge answers every page and API endpoint with a Cloudflare
	// "Just a moment..." interstitial (HTTP 503).
	Challenge
	// NoPayload serves pages and API answers without the stream payload.
	NoPayload
	// BrokenPayload serves a payload that is present but undecodable.
	BrokenPayload
	// MediaForbidden serves pages normally but answers 403 for all media.
	MediaForbidden
	// Removed serves the hoster's "video removed" answer: a 200 page
	// saying so ("Video not found", "has been removed", "File not found",
	// "<title>404", "Maintenance Mode", "im Wartungsmodus", by hoster) or,
	// for JSON APIs, 404/410/451.
	Removed
	// Turnstile answers every page and API endpoint with a 403 page
	// holding a Cloudflare Turnstile widget.
	Turnstile
	// AttestRefused makes Filemoon's Byse attest step answer 403
	// (other hosters serve normally).
	AttestRefused
)

// String names the failure (the doctor's tests print it).
func (f Failure) String() string {
	names := []string{"ok", "embed-forbidden", "embed-not-found", "challenge", "no-payload", "broken-payload",
		"media-forbidden", "removed", "turnstile", "attest-refused"}
	if int(f) >= 0 && int(f) < len(names) {
		return names[f]
	}
	return fmt.Sprintf("failure-%d", int(f))
}

// Hoster is one fake hoster: an http.Handler serving its embed pages,
// APIs and media. It derives every absolute URL it emits from the
// request's Host, so it works behind any listener.
type Hoster struct {
	name  string
	media Media
	rules mediaRules

	mu      sync.Mutex
	failure Failure
	embedUA string // UA of the last page/API request; media demands it
	byse    byseState
	// cookieValue is the player cookie LoadX set last.
	cookieValue string

	pageHits  atomic.Int64
	mediaHits atomic.Int64
}

// New returns the fake for hoster name (one of Names()) serving media.
func New(name string, media Media) (*Hoster, error) {
	h := &Hoster{name: name, media: media}
	switch name {
	case VOE:
		h.rules = mediaRules{referer: true, origin: true}
	case Doodstream, Filemoon, Streamtape, Vidara, Vidavaca:
		h.rules = mediaRules{referer: true}
	case Vidmoly:
		h.rules = mediaRules{refererPrefix: VidmolyReferer}
	case Luluvdo:
		h.rules = mediaRules{referer: true, origin: true, acceptLanguage: true}
	case LoadX:
		h.rules = mediaRules{cookie: loadxCookie}
	case Vidoza, SpeedFiles:
	default:
		return nil, fmt.Errorf("fake hoster: unknown hoster %q", name)
	}
	return h, nil
}

// Name returns the hoster's name.
func (h *Hoster) Name() string { return h.name }

// SetFailure injects f (OK clears it). Safe to call while serving.
func (h *Hoster) SetFailure(f Failure) {
	h.mu.Lock()
	h.failure = f
	h.mu.Unlock()
}

// PageHits counts requests to pages and APIs (not media).
func (h *Hoster) PageHits() int64 { return h.pageHits.Load() }

// MediaHits counts media requests, allowed or refused.
func (h *Hoster) MediaHits() int64 { return h.mediaHits.Load() }

// EmbedPath is the path of video id's embed page, the one the site's
// /redirect/<id> would point at. Prefix id with a variant (see the
// package doc) to get an alternative page shape.
func (h *Hoster) EmbedPath(id string) string {
	switch h.name {
	case Vidoza:
		return "/embed-" + id + ".html"
	case Vidmoly:
		if rest, ok := strings.CutPrefix(id, "v-"); ok {
			return "/v/" + rest // the /v/<id> form the sites hand out
		}
		return "/embed-" + id + ".html"
	case LoadX:
		return "/vid/" + id
	default:
		return "/e/" + id
	}
}

// ServeHTTP implements http.Handler.
func (h *Hoster) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if rest, ok := strings.CutPrefix(p, "/hls/"); ok {
		h.serveMedia(w, r, "hls/"+rest)
		return
	}
	if rest, ok := strings.CutPrefix(p, "/mp4/"); ok {
		h.serveMedia(w, r, "mp4/"+rest)
		return
	}
	if strings.HasPrefix(p, "/dood/") || p == "/get_video" {
		h.signedMedia(w, r)
		return
	}
	h.pageHits.Add(1)
	f := h.pageFailure(w, r)
	if f == -1 {
		return
	}
	switch h.name {
	case VOE:
		h.voe(w, r, f)
	case Vidoza:
		h.vidoza(w, r, f)
	case Doodstream:
		h.doodstream(w, r, f)
	case Filemoon:
		h.filemoon(w, r, f)
	case Vidmoly:
		h.vidmoly(w, r, f)
	case Streamtape:
		h.streamtape(w, r, f)
	case LoadX:
		h.loadx(w, r, f)
	case Vidavaca:
		h.vidara(w, r, f)
	case Luluvdo:
		h.luluvdo(w, r, f)
	case SpeedFiles:
		h.speedfiles(w, r, f)
	case Vidara:
		h.vidara(w, r, f)
	}
}

// pageFailure records the UA and applies page-level failures. It returns
// -1 when it has answered the request, else the current failure.
func (h *Hoster) pageFailure(w http.ResponseWriter, r *http.Request) Failure {
	h.mu.Lock()
	f := h.failure
	h.mu.Unlock()
	switch f {
	case EmbedForbidden:
		http.Error(w, "403 Forbidden", http.StatusForbidden)
		return -1
	case EmbedNotFound:
		http.Error(w, "File was deleted", http.StatusNotFound)
		return -1
	case Challenge:
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.Header().Set("Cf-Mitigated", "challenge")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, challengePage)
		return -1
	case Turnstile:
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, turnstilePage)
		return -1
	case Removed:
		if h.removed(w, r) {
			return -1
		}
	}
	// Pages that need the download media bind it to this UA.
	h.mu.Lock()
	h.embedUA = r.UserAgent()
	h.mu.Unlock()
	return f
}

const challengePage = `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head>
<body><div id="challenge-body-text">Checking your browser before accessing the site.</div>
<script>window._cf_chl_opt={cvId:'3',cType:'managed'};</script>
<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script></body></html>`

// turnstilePage is a 2026 Turnstile gate in front of a hoster page.
const turnstilePage = `<!DOCTYPE html><html><head><title>Verifying you are human</title>
<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script></head>
<body><form method="post"><div class="cf-turnstile" data-sitekey="0x4AAAAAAADnPIDROrmt1Wwj"></div></form></body></html>`

// jsdScript is Cloudflare's JavaScript Detections script, injected into
// every healthy page of many zones; it is not a challenge.
const jsdScript = `<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js" defer></script>`

// originOf is the scheme and host the request arrived at.
func originOf(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// hlsURL and mp4URL are the absolute media URLs for video id.
func hlsURL(r *http.Request, id string) string { return originOf(r) + "/hls/" + id + "/master.m3u8" }
func mp4URL(r *http.Request, id string) string { return originOf(r) + "/mp4/" + id + "/video.mp4" }

// html writes a small HTML page around body.
func html(w http.ResponseWriter, title, body string) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	fmt.Fprintf(w, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%s</title></head><body>\n%s\n%s</body></html>\n", title, body, jsdScript)
}
