// Package tmdb is an in-process fake of TMDB's v3 API and image server for
// tests: a configurable catalogue, both ways of authenticating, injected
// errors (401/7, 404/34, 429/25 with Retry-After, 500, or any body),
// request counting and a gauge of the most requests ever in flight at once.
//
// Serve it with httptest.NewServer(fake) and point the client's API base at
// server.URL+"/3" and its image base at server.URL+"/t/p".
package tmdb

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configures a Server.
type Options struct {
	// APIKey is the accepted api_key query value; Token the accepted Bearer
	// token. A request passes if it carries either. Both empty: no auth check.
	APIKey string
	Token  string
	// Delay is added to every API and image request (simulated latency).
	Delay time.Duration
	// Rendezvous, when above 1, holds the first requests until that many are
	// in flight together (or RendezvousTimeout passes, default 5s), once.
	// Tests use it to prove that concurrency really happens without relying
	// on timing luck.
	Rendezvous        int
	RendezvousTimeout time.Duration
}

// Fault is an injected reply for requests whose path starts with Path.
type Fault struct {
	Path       string // prefix, e.g. "/3/tv/85937" or "/t/p/"
	Status     int    // 401, 404, 429, 500 get TMDB's error body unless Body is set
	RetryAfter string // Retry-After header value for 429 (default "1")
	// Body and ContentType replace the reply body (e.g. an HTML error page
	// served with status 200).
	Body        string
	ContentType string
	// Times is how many requests the fault answers; 0 means every request.
	Times int
}

// Request is one request the fake received.
type Request struct {
	Method        string
	Path          string
	Query         map[string][]string
	Authorization string
}

// Server is the fake TMDB. It is an http.Handler and safe for concurrent use.
type Server struct {
	opts Options

	mu          sync.Mutex
	shows       map[int]Show
	faults      []*Fault
	log         []Request
	inFlight    int
	maxInFlight int
	rendezvous  chan struct{}
	done        bool
}

// New returns a fake serving the given shows (none: DefaultShow).
func New(opts Options, shows ...Show) *Server {
	if len(shows) == 0 {
		shows = []Show{DefaultShow()}
	}
	s := &Server{opts: opts, shows: map[int]Show{}, rendezvous: make(chan struct{})}
	for _, sh := range shows {
		s.shows[sh.ID] = sh
	}
	if opts.RendezvousTimeout == 0 {
		s.opts.RendezvousTimeout = 5 * time.Second
	}
	return s
}

// Add puts (or replaces) shows in the catalogue.
func (s *Server) Add(shows ...Show) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sh := range shows {
		s.shows[sh.ID] = sh
	}
}

// Inject adds a fault. Faults are matched in the order they were added.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fc := f
	s.faults = append(s.faults, &fc)
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Requests returns a copy of every request received, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// Count is how many requests had a path starting with prefix ("" counts all).
func (s *Server) Count(prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.log {
		if strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// MaxInFlight is the highest number of requests ever being served at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// InFlight is the number of requests being served now.
func (s *Server) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

// Reset clears the request log and the in-flight gauge's maximum.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
	s.maxInFlight = s.inFlight
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fault, wait := s.enter(r)
	defer s.leave()
	if wait != nil {
		select {
		case <-wait:
		case <-r.Context().Done():
		case <-time.After(s.opts.RendezvousTimeout):
		}
	}
	if s.opts.Delay > 0 {
		t := time.NewTimer(s.opts.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if fault != nil {
		writeFault(w, fault)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/t/p/") {
		s.serveImage(w, r)
		return
	}
	if !s.authorised(r) {
		writeError(w, http.StatusUnauthorized, 7, "Invalid API key: You must be granted a valid key.")
		return
	}
	s.serveAPI(w, r)
}

func (s *Server) enter(r *http.Request) (*Fault, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(),
		Authorization: r.Header.Get("Authorization")})
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	var wait <-chan struct{}
	if s.opts.Rendezvous > 1 && !s.done {
		if s.inFlight >= s.opts.Rendezvous {
			s.done = true
			close(s.rendezvous)
		} else {
			wait = s.rendezvous
		}
	}
	for i, f := range s.faults {
		if !strings.HasPrefix(r.URL.Path, f.Path) {
			continue
		}
		cp := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
		}
		return &cp, wait
	}
	return nil, wait
}

func (s *Server) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
}

func (s *Server) authorised(r *http.Request) bool {
	if s.opts.APIKey == "" && s.opts.Token == "" {
		return true
	}
	if s.opts.APIKey != "" && r.URL.Query().Get("api_key") == s.opts.APIKey {
		return true
	}
	return s.opts.Token != "" && r.Header.Get("Authorization") == "Bearer "+s.opts.Token
}

func (s *Server) show(id int) (Show, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, ok := s.shows[id]
	return sh, ok
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/3"), "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "configuration":
		writeJSON(w, jsonObj{"images": jsonObj{
			"base_url":        "http://" + r.Host + "/t/p/",
			"secure_base_url": "http://" + r.Host + "/t/p/",
			"poster_sizes":    []string{"w92", "w500", "original"},
			"backdrop_sizes":  []string{"w300", "w1280", "original"},
			"logo_sizes":      []string{"w45", "w500", "original"},
			"profile_sizes":   []string{"w45", "w185", "original"},
			"still_sizes":     []string{"w92", "w300", "original"},
		}})
	case len(parts) == 2 && parts[0] == "search" && parts[1] == "tv":
		s.serveSearch(w, r)
	case len(parts) == 2 && parts[0] == "find":
		s.serveFind(w, r, parts[1])
	case len(parts) >= 2 && parts[0] == "tv":
		id, err := strconv.Atoi(parts[1])
		sh, ok := s.show(id)
		if err != nil || !ok {
			writeNotFound(w)
			return
		}
		switch {
		case len(parts) == 2:
			appends := map[string]bool{}
			for _, a := range strings.Split(r.URL.Query().Get("append_to_response"), ",") {
				appends[strings.TrimSpace(a)] = true
			}
			writeJSON(w, sh.detailJSON(appends))
		case len(parts) == 4 && parts[2] == "season":
			n, err := strconv.Atoi(parts[3])
			if err != nil {
				writeNotFound(w)
				return
			}
			for _, se := range sh.Seasons {
				if se.Number == n {
					writeJSON(w, se.json())
					return
				}
			}
			writeNotFound(w)
		default:
			writeNotFound(w)
		}
	default:
		writeNotFound(w)
	}
}

func (s *Server) serveSearch(w http.ResponseWriter, r *http.Request) {
	q := fold(r.URL.Query().Get("query"))
	if q == "" {
		writeError(w, http.StatusUnprocessableEntity, 22, "query must be provided")
		return
	}
	year := r.URL.Query().Get("first_air_date_year")
	s.mu.Lock()
	var hits []Show
	for _, sh := range s.shows {
		if !strings.Contains(fold(sh.Name), q) && !strings.Contains(fold(sh.OriginalName), q) {
			continue
		}
		if year != "" && !strings.HasPrefix(sh.FirstAirDate, year) {
			continue
		}
		hits = append(hits, sh)
	}
	s.mu.Unlock()
	slices.SortFunc(hits, func(a, b Show) int {
		if a.Popularity != b.Popularity {
			if a.Popularity > b.Popularity {
				return -1
			}
			return 1
		}
		return a.ID - b.ID
	})
	res := []jsonObj{}
	for _, sh := range hits {
		res = append(res, sh.searchJSON())
	}
	writeJSON(w, jsonObj{"page": 1, "total_pages": 1, "total_results": len(res), "results": res})
}

// serveFind answers /3/find/{external_id}?external_source=... as TMDB
// does: 200 with every result list (empty ones included) for a known or
// unknown id; only tvdb_id and imdb_id are matched against the catalogue.
// A missing or unknown external_source is TMDB's 400 "Invalid parameters".
func (s *Server) serveFind(w http.ResponseWriter, r *http.Request, id string) {
	src := r.URL.Query().Get("external_source")
	switch src {
	case "tvdb_id", "imdb_id", "facebook_id", "instagram_id", "tiktok_id", "twitter_id", "wikidata_id", "youtube_id":
	default:
		writeError(w, http.StatusBadRequest, 22, "Invalid parameters: Your request parameters are incorrect.")
		return
	}
	s.mu.Lock()
	var hits []Show
	for _, sh := range s.shows {
		if (src == "tvdb_id" && sh.TVDBID != 0 && strconv.Itoa(sh.TVDBID) == id) || (src == "imdb_id" && sh.IMDbID != "" && sh.IMDbID == id) {
			hits = append(hits, sh)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(hits, func(a, b Show) int { return a.ID - b.ID })
	tv := []jsonObj{}
	for _, sh := range hits {
		res := sh.searchJSON()
		res["media_type"] = "tv"
		tv = append(tv, res)
	}
	writeJSON(w, jsonObj{"movie_results": []jsonObj{}, "person_results": []jsonObj{}, "tv_results": tv,
		"tv_episode_results": []jsonObj{}, "tv_season_results": []jsonObj{}})
}

// fakeImage is a small real image (a browser can show it), colored by
// the file path so different artwork looks different.
func fakeImage(path string) *image.RGBA {
	var h byte
	for i := 0; i < len(path); i++ {
		h = h*31 + path[i]
	}
	img := image.NewRGBA(image.Rect(0, 0, 40, 60))
	for y := 0; y < 60; y++ {
		for x := 0; x < 40; x++ {
			img.Set(x, y, color.RGBA{R: h, G: byte(x * 6), B: byte(y * 4), A: 255})
		}
	}
	return img
}

func (s *Server) serveImage(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	switch {
	case strings.HasSuffix(r.URL.Path, ".jpg"):
		_ = jpeg.Encode(&buf, fakeImage(r.URL.Path), nil)
		w.Header().Set("Content-Type", "image/jpeg")
	case strings.HasSuffix(r.URL.Path, ".png"):
		_ = png.Encode(&buf, fakeImage(r.URL.Path))
		w.Header().Set("Content-Type", "image/png")
	default:
		http.NotFound(w, r)
		return
	}
	_, _ = w.Write(buf.Bytes())
}

func writeFault(w http.ResponseWriter, f *Fault) {
	if f.Status == http.StatusTooManyRequests {
		ra := f.RetryAfter
		if ra == "" {
			ra = "1"
		}
		w.Header().Set("Retry-After", ra)
	}
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	if f.Body != "" || f.ContentType != "" {
		if f.ContentType != "" {
			w.Header().Set("Content-Type", f.ContentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
		return
	}
	switch status {
	case http.StatusUnauthorized:
		writeError(w, status, 7, "Invalid API key: You must be granted a valid key.")
	case http.StatusNotFound:
		writeNotFound(w)
	case http.StatusTooManyRequests:
		writeError(w, status, 25, "Your request count (41) is over the allowed limit of 40.")
	default:
		writeError(w, status, 11, "Internal error: Something went wrong, contact TMDb.")
	}
}

func writeNotFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, 34, "The resource you requested could not be found.")
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(jsonObj{"success": false, "status_code": code, "status_message": msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
