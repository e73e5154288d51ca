// Package serienstream is a fake serienstream.to (the 2026 redesign) for tests: /api/search/suggest, /suche, series,
// season and episode pages in the new markup with navigation, scripts and
// footer as noise, and /r?t=<token> link-outs with the real site's quirks:
//
//   - a link-out redirects (302) to the hoster only when it carries the
//     episode page's session cookie or that page as Referer; otherwise it
//     answers the player page meant for #player-iframe (200, no Location);
//
//   - after GateAfter link-outs per session a Turnstile (or ALTCHA) gate
//     answers instead, until the session passes it: the widget's token is
//     POSTed to /r/verify, which sets the clearance cookie; from then on the
//     session's plain requests redirect again;
//
//   - every episode page carries the "Provider" button of an official
//     streaming service, whose link-out leaves for a host no test reaches.
//
//     s := serienstream.New(serienstream.Options{Catalog: serienstream.Demo(), EmbedURL: farm.EmbedURL, GateAfter: 3})
//     srv := httptest.NewServer(s)
package serienstream

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/aniworld/aniworld/internal/anime"
)

// Gate kinds.
const (
	GateTurnstile = "turnstile"
	GateAltcha    = "altcha"
)

// Tokens a solved widget yields: Cloudflare's documented test token for
// the always-passing test sitekey, and a fixed ALTCHA payload.
const (
	TurnstileSiteKey   = "1x00000000000000000000AA"
	TurnstileTestToken = "XXXX.DUMMY.TOKEN.XXXX"
	AltchaTestPayload  = "eyJhbGdvcml0aG0iOiJTSEEtMjU2In0="
)

// Cookie names.
const (
	SessionCookie   = "sst_session"
	ClearanceCookie = "sst_clearance"
)

// Options configures the fake.
type Options struct {
	// Catalog is the site's content; Demo() when empty.
	Catalog Catalog
	// EmbedURL is where a link-out sends: fake/hoster's (*Farm).EmbedURL
	// fits as is. Nil sends to https://<hoster>.invalid/e/<token>.
	EmbedURL func(hoster, id string) string
	// GateAfter is how many link-outs a session gets before the gate
	// appears; 0 never gates.
	GateAfter int
	// Gate is GateTurnstile (default) or GateAltcha.
	Gate string
}

// linkInfo is where a token lives.
type linkInfo struct {
	Link
	Slug     string
	Season   int
	Episode  int
	Official bool // the "Provider" button
}

type session struct {
	linkOuts int
	passed   bool
}

// Stats counts what the fake saw.
type Stats struct {
	LinkOuts int // link-outs answered with a redirect
	Refused  int // link-outs without session or Referer (player page)
	Gated    int // link-outs answered with the gate
	Passes   int // successful /r/verify
	Sessions int
}

// Site is the fake. It is safe for concurrent use.
type Site struct {
	opts   Options
	secret []byte
	shows  map[string]*Show
	links  map[string]linkInfo

	mu       sync.Mutex
	sessions map[string]*session
	stats    Stats
}

// New builds the site, assigning tokens to links that have none.
func New(o Options) *Site {
	if len(o.Catalog.Shows) == 0 {
		o.Catalog = Demo()
	}
	if o.Gate == "" {
		o.Gate = GateTurnstile
	}
	s := &Site{opts: o, shows: map[string]*Show{}, links: map[string]linkInfo{}, sessions: map[string]*session{}, secret: randBytes(16)}
	for i := range s.opts.Catalog.Shows {
		sh := cloneShow(s.opts.Catalog.Shows[i])
		s.shows[sh.Slug] = &sh
		for si := range sh.Seasons {
			for ei := range sh.Seasons[si] {
				ep := &sh.Seasons[si][ei]
				for li := range ep.Links {
					l := &ep.Links[li]
					if l.Token == "" {
						l.Token = fmt.Sprintf("%s-%d-%d-%d", sh.Slug, si+1, ei+1, li)
					}
					s.links[l.Token] = linkInfo{Link: *l, Slug: sh.Slug, Season: si + 1, Episode: ei + 1}
				}
				off := fmt.Sprintf("%s-%d-%d-provider", sh.Slug, si+1, ei+1)
				s.links[off] = linkInfo{Link: Link{Token: off, Hoster: "Provider", Lang: anime.LangGermanDub}, Slug: sh.Slug, Season: si + 1, Episode: ei + 1, Official: true}
			}
		}
	}
	return s
}

func cloneShow(sh Show) Show {
	seasons := make([][]Episode, len(sh.Seasons))
	for i, eps := range sh.Seasons {
		seasons[i] = make([]Episode, len(eps))
		for j, e := range eps {
			e.Links = append([]Link(nil), e.Links...)
			seasons[i][j] = e
		}
	}
	sh.Seasons = seasons
	return sh
}

// Stats returns the counters so far.
func (s *Site) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Sessions = len(s.sessions)
	return st
}

// ServeHTTP routes the site.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/api/search/suggest":
		s.suggest(w, r)
	case p == "/suche":
		s.searchPage(w, r)
	case p == "/r":
		s.linkOut(w, r)
	case p == "/r/verify" && r.Method == http.MethodPost:
		s.verify(w, r)
	case strings.HasPrefix(p, "/media/images/channel/"):
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(tinyJPEG)
	case strings.HasPrefix(p, "/serie/"):
		s.seriesRoute(w, r, strings.Trim(strings.TrimPrefix(p, "/serie/"), "/"))
	case p == "/":
		s.render(w, r, http.StatusOK, "home", nil)
	default:
		s.render(w, r, http.StatusNotFound, "notfound", nil)
	}
}

// seriesRoute serves /serie/<slug>[/staffel-N[/episode-M]].
func (s *Site) seriesRoute(w http.ResponseWriter, r *http.Request, rest string) {
	parts := strings.Split(rest, "/")
	sh, ok := s.shows[parts[0]]
	if !ok || len(parts) > 3 {
		s.render(w, r, http.StatusNotFound, "notfound", nil)
		return
	}
	if len(parts) == 1 {
		s.render(w, r, http.StatusOK, "series", seriesView(sh))
		return
	}
	season, ok := number(parts[1], "staffel-")
	if !ok || season < 1 || season > len(sh.Seasons) {
		s.render(w, r, http.StatusNotFound, "notfound", nil)
		return
	}
	if len(parts) == 2 {
		s.render(w, r, http.StatusOK, "season", seasonView(sh, season))
		return
	}
	ep, ok := number(parts[2], "episode-")
	if !ok || ep < 1 || ep > len(sh.Seasons[season-1]) {
		s.render(w, r, http.StatusNotFound, "notfound", nil)
		return
	}
	s.render(w, r, http.StatusOK, "episode", episodeView(sh, season, ep))
}

func number(s, prefix string) (int, bool) {
	v, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// sessionOf answers the request's session id, creating (and setting) one
// for page views; link-outs never create sessions.
func (s *Site) sessionOf(w http.ResponseWriter, r *http.Request, create bool) string {
	if c, err := r.Cookie(SessionCookie); err == nil {
		s.mu.Lock()
		_, ok := s.sessions[c.Value]
		s.mu.Unlock()
		if ok {
			return c.Value
		}
	}
	if !create {
		return ""
	}
	id := hex.EncodeToString(randBytes(12))
	s.mu.Lock()
	s.sessions[id] = &session{}
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return id
}

// linkOut answers /r?t=<token>.
func (s *Site) linkOut(w http.ResponseWriter, r *http.Request) {
	info, ok := s.links[r.URL.Query().Get("t")]
	if !ok {
		s.render(w, r, http.StatusNotFound, "notfound", nil)
		return
	}
	sid := s.sessionOf(w, r, false)
	if sid == "" && !s.refererIsEpisode(r, info) {
		s.count(func(st *Stats) { st.Refused++ })
		s.render(w, r, http.StatusOK, "player", nil)
		return
	}
	key := sid
	if key == "" { // Referer only: the gate counts per client address
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		key = "addr:" + host
	}
	s.mu.Lock()
	ss, ok := s.sessions[key]
	if !ok {
		ss = &session{}
		s.sessions[key] = ss
	}
	ss.linkOuts++
	gated := s.opts.GateAfter > 0 && ss.linkOuts > s.opts.GateAfter && !(ss.passed && s.hasClearance(r, key))
	if gated {
		s.stats.Gated++
	} else {
		s.stats.LinkOuts++
	}
	s.mu.Unlock()
	if gated {
		s.render(w, r, http.StatusOK, "gate", map[string]string{"Kind": s.opts.Gate, "SiteKey": TurnstileSiteKey, "Back": r.URL.RequestURI()})
		return
	}
	http.Redirect(w, r, s.embedURL(info), http.StatusFound)
}

func (s *Site) embedURL(info linkInfo) string {
	if info.Official {
		return "https://www.official-streaming.invalid/title/" + info.Slug
	}
	if s.opts.EmbedURL != nil {
		if u := s.opts.EmbedURL(info.Hoster, info.Token); u != "" {
			return u
		}
	}
	return "https://" + strings.ToLower(info.Hoster) + ".invalid/e/" + url.PathEscape(info.Token)
}

// refererIsEpisode reports whether the Referer is the link's episode page.
func (s *Site) refererIsEpisode(r *http.Request, info linkInfo) bool {
	ref, err := url.Parse(r.Referer())
	if err != nil {
		return false
	}
	want := fmt.Sprintf("/serie/%s/staffel-%d/episode-%d", info.Slug, info.Season, info.Episode)
	return strings.TrimSuffix(ref.Path, "/") == want && (ref.Host == "" || ref.Host == r.Host)
}

// clearance is the cookie value bound to a session key.
func (s *Site) clearance(key string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(key))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// hasClearance reports whether r carries key's clearance cookie (the
// Referer-only bucket passes on its address alone).
func (s *Site) hasClearance(r *http.Request, key string) bool {
	if strings.HasPrefix(key, "addr:") {
		return true
	}
	c, err := r.Cookie(ClearanceCookie)
	return err == nil && hmac.Equal([]byte(c.Value), []byte(s.clearance(key)))
}

// verify is where the gate's form posts the widget's token: the right
// token passes the session and sets the clearance cookie, then redirects
// back to the link-out.
func (s *Site) verify(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	tok := r.PostForm.Get("cf-turnstile-response")
	if s.opts.Gate == GateAltcha {
		tok = r.PostForm.Get("altcha")
	}
	want := TurnstileTestToken
	if s.opts.Gate == GateAltcha {
		want = AltchaTestPayload
	}
	sid := s.sessionOf(w, r, true)
	if tok != want {
		s.render(w, r, http.StatusForbidden, "gate", map[string]string{"Kind": s.opts.Gate, "SiteKey": TurnstileSiteKey, "Back": "/"})
		return
	}
	s.mu.Lock()
	s.sessions[sid].passed = true
	s.stats.Passes++
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: ClearanceCookie, Value: s.clearance(sid), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	back := r.PostForm.Get("back")
	if !strings.HasPrefix(back, "/r?") {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *Site) count(f func(*Stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	return b
}
