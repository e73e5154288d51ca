// Package site is a fake aniworld.to for tests: an http.Handler that serves
// search JSON, series, season, movie and episode pages in the real site's
// markup (with navigation, scripts, ads and footer as noise), /redirect/<id>
// answers pointing at configurable hoster embed URLs, and switchable
// anti-bot and breakage modes. The catalogue is a plain Go value, so a test
// can build a site with any number of series and episodes.
//
//	s := site.New(site.Options{Catalog: site.Demo(), EmbedURL: farm.EmbedURL})
//	srv := httptest.NewServer(s)
//	s.SetFaults(site.FaultDDoSGuard)
package site

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html/template"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/aniworld/aniworld/internal/anime"
)

//go:embed templates/*.html
var templateFS embed.FS

// Fault switches the site into a failure mode. Faults combine as bits.
type Fault uint32

// Faults.
const (
	// FaultDDoSGuard answers every request 403 with DDoS-Guard's server
	// header and __ddg cookies.
	FaultDDoSGuard Fault = 1 << iota
	// FaultJustAMoment answers every request with Cloudflare's
	// "Just a moment..." challenge page (403).
	FaultJustAMoment
	// FaultSearchBOM prefixes search JSON with a BOM and puts control
	// characters in it.
	FaultSearchBOM
	// FaultSearchNotJSON makes POST /ajax/search answer an HTML page, so
	// clients must fall back to /ajax/seriesSearch.
	FaultSearchNotJSON
	// FaultSearchDown makes POST /ajax/search answer 500.
	FaultSearchDown
)

// Options configures the fake site.
type Options struct {
	// Catalog is the site's content; Demo() when empty.
	Catalog Catalog
	// PathPrefix precedes slugs; "/anime/stream/" by default, "/serie/stream/"
	// for the legacy s.to engine.
	PathPrefix string
	// RedirectTarget maps a link id to the embed URL /redirect/<id> sends
	// to; "" answers 404. Nil uses the hosters' public URL shapes
	// (https://voe.sx/e/<id>, …), which tests cannot reach.
	RedirectTarget func(linkID string) string
	// EmbedURL is the alternative to RedirectTarget that also receives the
	// link's hoster name; fake/hoster's (*Farm).EmbedURL fits as is:
	//
	//	site.New(site.Options{EmbedURL: farm.EmbedURL})
	EmbedURL func(hoster, linkID string) string
}

// LinkInfo is where a link id lives.
type LinkInfo struct {
	Link
	Slug    string
	Season  int // 0 = movies
	Episode int
}

// Site is the fake. It is safe for concurrent use.
type Site struct {
	opts   Options
	tmpl   *template.Template
	faults atomic.Uint32
	// cat guards the catalogue (opts.Catalog, links, bySlug, nextID):
	// requests read it, AddEpisode changes it.
	cat    sync.RWMutex
	links  map[string]LinkInfo
	bySlug map[string]*Series
	nextID int

	mu   sync.Mutex
	hits map[string]int
}

// New builds the site, assigning ids to links that have none.
func New(o Options) *Site {
	if len(o.Catalog.Series) == 0 {
		o.Catalog = Demo()
	}
	if o.PathPrefix == "" {
		o.PathPrefix = "/anime/stream/"
	}
	o.PathPrefix = "/" + strings.Trim(o.PathPrefix, "/") + "/"
	s := &Site{opts: o, links: map[string]LinkInfo{}, bySlug: map[string]*Series{}, hits: map[string]int{}}
	s.opts.Catalog = cloneCatalog(o.Catalog)
	s.nextID = 100000
	for i := range s.opts.Catalog.Series {
		sr := &s.opts.Catalog.Series[i]
		s.bySlug[sr.Slug] = sr
		for e := range sr.Movies {
			s.assignLinks(sr.Slug, 0, e+1, &sr.Movies[e])
		}
		for si := range sr.Seasons {
			for e := range sr.Seasons[si] {
				s.assignLinks(sr.Slug, si+1, e+1, &sr.Seasons[si][e])
			}
		}
	}
	s.tmpl = template.Must(template.New("site").Funcs(template.FuncMap{
		"join":  strings.Join,
		"inc":   func(i int) int { return i + 1 },
		"short": shorten,
		"first": func(xs []string) string {
			if len(xs) == 0 {
				return ""
			}
			return strings.ToLower(xs[0])
		},
	}).ParseFS(templateFS, "templates/*.html"))
	return s
}

func cloneCatalog(c Catalog) Catalog {
	out := Catalog{Series: make([]Series, len(c.Series))}
	for i, s := range c.Series {
		cp := s
		cp.Movies = cloneEpisodes(s.Movies)
		cp.Seasons = make([][]Episode, len(s.Seasons))
		for j, season := range s.Seasons {
			cp.Seasons[j] = cloneEpisodes(season)
		}
		out.Series[i] = cp
	}
	return out
}

func cloneEpisodes(eps []Episode) []Episode {
	out := make([]Episode, len(eps))
	for i, e := range eps {
		e.Links = append([]Link(nil), e.Links...)
		out[i] = e
	}
	return out
}

// SetFaults replaces the active faults (0 clears them).
func (s *Site) SetFaults(f Fault) { s.faults.Store(uint32(f)) }

func (s *Site) has(f Fault) bool { return Fault(s.faults.Load())&f != 0 }

// Hits is how many requests a path received (query excluded).
func (s *Site) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// TotalHits is how many requests the site received.
func (s *Site) TotalHits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, v := range s.hits {
		n += v
	}
	return n
}

// Link returns the info of a link id.
func (s *Site) Link(id string) (LinkInfo, bool) {
	s.cat.RLock()
	defer s.cat.RUnlock()
	l, ok := s.links[id]
	return l, ok
}

// LinkID finds the id of an episode's link for a hoster and language.
func (s *Site) LinkID(slug string, season, episode int, hoster string, lang anime.Language) (string, bool) {
	s.cat.RLock()
	defer s.cat.RUnlock()
	for id, l := range s.links {
		if l.Slug == slug && l.Season == season && l.Episode == episode && strings.EqualFold(l.Hoster, hoster) && l.Lang == lang {
			return id, true
		}
	}
	return "", false
}

// PathPrefix is the path before slugs.
func (s *Site) PathPrefix() string { return s.opts.PathPrefix }

// Catalog is the catalogue with assigned link ids.
func (s *Site) Catalog() Catalog {
	s.cat.RLock()
	defer s.cat.RUnlock()
	return cloneCatalog(s.opts.Catalog)
}

var (
	seasonPathRe  = regexp.MustCompile(`^staffel-(\d+)$`)
	episodePathRe = regexp.MustCompile(`^episode-(\d+)$`)
	filmPathRe    = regexp.MustCompile(`^film-(\d+)$`)
)

// ServeHTTP routes like the real site.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	s.mu.Unlock()
	s.cat.RLock()
	defer s.cat.RUnlock()
	switch {
	case s.has(FaultDDoSGuard):
		w.Header().Set("Server", "ddos-guard")
		w.Header().Add("Set-Cookie", "__ddg1_=fakeToken123; Domain=localhost; Path=/; HttpOnly")
		w.Header().Add("Set-Cookie", "__ddg2_=fakeToken456; Path=/")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, ddosGuardPage)
		return
	case s.has(FaultJustAMoment):
		writeChallenge(w)
		return
	}
	s.cat.RLock()
	defer s.cat.RUnlock()
	p := r.URL.Path
	switch {
	case p == "/" || p == "":
		s.render(w, http.StatusOK, "home.html", map[string]any{"PageTitle": "Startseite", "Catalog": s.opts.Catalog, "Prefix": s.opts.PathPrefix})
	case p == "/ajax/search":
		s.search(w, r)
	case p == "/ajax/seriesSearch":
		s.seriesSearch(w, r)
	case strings.HasPrefix(p, "/redirect/"):
		s.redirect(w, r, strings.TrimPrefix(p, "/redirect/"))
	case strings.HasPrefix(p, "/public/img/"):
		serveImage(w, p)
	case strings.HasPrefix(p, s.opts.PathPrefix):
		s.stream(w, r, strings.Trim(strings.TrimPrefix(p, s.opts.PathPrefix), "/"))
	default:
		http.NotFound(w, r)
	}
}

func writeChallenge(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.Header().Set("Cf-Mitigated", "challenge")
	w.Header().Set("Server", "cloudflare")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprint(w, cloudflarePage)
}

func (s *Site) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Site) redirect(w http.ResponseWriter, r *http.Request, id string) {
	l, ok := s.links[id]
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch l.Behavior {
	case LinkChallenge:
		writeChallenge(w)
		return
	case LinkGone:
		http.NotFound(w, r)
		return
	}
	target := defaultTarget(l.Link)
	switch {
	case s.opts.RedirectTarget != nil:
		target = s.opts.RedirectTarget(id)
	case s.opts.EmbedURL != nil:
		target = s.opts.EmbedURL(l.Hoster, id)
	}
	if target == "" {
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, target, http.StatusFound)
}

// defaultTarget is the real hosters' embed URL shape.
func defaultTarget(l Link) string {
	switch strings.ToLower(l.Hoster) {
	case "voe":
		return "https://voe.sx/e/" + l.ID
	case "vidoza":
		return "https://videzz.net/embed-" + l.ID + ".html"
	case "doodstream":
		return "https://dood.li/e/" + l.ID
	case "filemoon":
		return "https://filemoon.to/e/" + l.ID
	case "vidmoly":
		return "https://vidmoly.net/embed-" + l.ID + ".html"
	}
	return "https://" + strings.ToLower(l.Hoster) + ".example/e/" + l.ID
}

// shorten is the truncated description text the page shows.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return string([]rune(s)[:60]) + "…"
}

// serveImage answers a tiny JPEG whose colour follows the path, so
// different covers look different in screenshots.
func serveImage(w http.ResponseWriter, path string) {
	h := fnv.New32a()
	h.Write([]byte(path))
	v := h.Sum32()
	c := color.RGBA{R: 60 + uint8(v%160), G: 40 + uint8(v>>8%120), B: 90 + uint8(v>>16%140), A: 255}
	img := image.NewRGBA(image.Rect(0, 0, 2, 3))
	for x := range 2 {
		for y := range 3 {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, nil)
	w.Header().Set("Content-Type", "image/jpeg")
	w.Write(buf.Bytes())
}

// phpJSON encodes like PHP's json_encode: no HTML escaping, "\/" slashes.
func phpJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.ReplaceAll(bytes.TrimSpace(buf.Bytes()), []byte("/"), []byte(`\/`))
}

const cloudflarePage = `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta name="robots" content="noindex,nofollow">
</head><body><div class="main-wrapper" role="main"><div class="main-content"><noscript>Enable JavaScript and cookies to continue</noscript></div></div>
<script>(function(){window._cf_chl_opt={cvId: '3',cZone: "aniworld.to",cType: 'managed'};var cpo=document.createElement('script');cpo.src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8f';document.getElementsByTagName('head')[0].appendChild(cpo);}());</script></body></html>`

const ddosGuardPage = `<!DOCTYPE html><html><head><title>DDoS-Guard</title></head><body>
<div id="ddg-l"><h1>Checking your browser before accessing aniworld.to</h1><p>This process is automatic. DDoS protection by DDoS-Guard.</p></div>
<script src="/.well-known/ddos-guard/check?context=free_splash"></script></body></html>`
