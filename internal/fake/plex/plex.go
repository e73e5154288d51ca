// Package plex is a fake Plex Media Server for tests: it checks
// X-Plex-Token (header or query), lists library sections with their
// locations as XML (GET /library/sections), and records partial scans
// (GET /library/sections/<key>/refresh?path=…).
package plex

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// Section is a library section with its folders.
type Section struct {
	Key       string
	Title     string
	Type      string
	Locations []string
}

// Refresh is one recorded partial scan.
type Refresh struct {
	Section string
	Path    string
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	token    string
	sections []Section
	mu       sync.Mutex
	got      []Refresh
}

// New builds a fake with its sections.
func New(token string, sections ...Section) *Server { return &Server{token: token, sections: sections} }

// Refreshes answers the partial scans so far.
func (s *Server) Refreshes() []Refresh {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Refresh(nil), s.got...)
}

type xmlLocation struct {
	ID   int    `xml:"id,attr"`
	Path string `xml:"path,attr"`
}

type xmlDirectory struct {
	Key       string        `xml:"key,attr"`
	Type      string        `xml:"type,attr"`
	Title     string        `xml:"title,attr"`
	Agent     string        `xml:"agent,attr"`
	Locations []xmlLocation `xml:"Location"`
}

type xmlContainer struct {
	XMLName     xml.Name       `xml:"MediaContainer"`
	Size        int            `xml:"size,attr"`
	AllowSync   string         `xml:"allowSync,attr"`
	Title1      string         `xml:"title1,attr"`
	Directories []xmlDirectory `xml:"Directory"`
}

// ServeHTTP implements the fake.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tok := r.Header.Get("X-Plex-Token")
	if tok == "" {
		tok = r.URL.Query().Get("X-Plex-Token")
	}
	if tok != s.token {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, "<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>")
		return
	}
	p := r.URL.Path
	switch {
	case p == "/library/sections" || p == "/library/sections/":
		c := xmlContainer{Size: len(s.sections), AllowSync: "0", Title1: "Plex Library"}
		for i, sec := range s.sections {
			d := xmlDirectory{Key: sec.Key, Type: sec.Type, Title: sec.Title, Agent: "tv.plex.agents.series"}
			for j, l := range sec.Locations {
				d.Locations = append(d.Locations, xmlLocation{ID: i*10 + j + 1, Path: l})
			}
			c.Directories = append(c.Directories, d)
		}
		w.Header().Set("Content-Type", "text/xml;charset=utf-8")
		fmt.Fprint(w, xml.Header)
		xml.NewEncoder(w).Encode(c)
	case strings.HasPrefix(p, "/library/sections/") && strings.HasSuffix(p, "/refresh"):
		key := strings.TrimSuffix(strings.TrimPrefix(p, "/library/sections/"), "/refresh")
		found := false
		for _, sec := range s.sections {
			found = found || sec.Key == key
		}
		if !found {
			http.NotFound(w, r)
			return
		}
		s.mu.Lock()
		s.got = append(s.got, Refresh{Section: key, Path: r.URL.Query().Get("path")})
		s.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	default:
		http.NotFound(w, r)
	}
}
