// Package doh is a local DNS-over-HTTPS server standing in for Cloudflare
// and Google: RFC 8484 wire format (GET ?dns= and POST
// application/dns-message) on /dns-query and the application/dns-json
// dialect (?name=&type=) on /resolve. Unknown names answer NXDOMAIN.
package doh

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"

	"golang.org/x/net/dns/dnsmessage"
)

// Server is a running fake resolver.
type Server struct {
	*httptest.Server
	mu      sync.Mutex
	records map[string][]netip.Addr
	queries []string // "wire A aniworld.to", "json AAAA x"
}

// Start serves records (name → addresses; names without trailing dot).
func Start(records map[string][]netip.Addr) *Server {
	s := &Server{records: map[string][]netip.Addr{}}
	for n, a := range records {
		s.records[canon(n)] = a
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/dns-query", s.wire)
	mux.HandleFunc("/resolve", s.json)
	s.Server = httptest.NewServer(mux)
	return s
}

// WireURL is the RFC 8484 endpoint; JSONURL the JSON one.
func (s *Server) WireURL() string { return s.URL + "/dns-query" }

// JSONURL is the application/dns-json endpoint.
func (s *Server) JSONURL() string { return s.URL + "/resolve" }

// Set replaces a name's addresses (none: NXDOMAIN).
func (s *Server) Set(name string, addrs ...netip.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(addrs) == 0 {
		delete(s.records, canon(name))
		return
	}
	s.records[canon(name)] = addrs
}

// Queries answers the questions asked so far ("wire A aniworld.to").
func (s *Server) Queries() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.queries...)
}

func canon(n string) string { return strings.TrimSuffix(strings.ToLower(n), ".") }

// lookup answers the addresses of name of type t, and whether the name
// exists at all.
func (s *Server) lookup(dialect string, name string, t dnsmessage.Type) ([]netip.Addr, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queries = append(s.queries, dialect+" "+strings.TrimPrefix(t.String(), "Type")+" "+canon(name))
	all, ok := s.records[canon(name)]
	var out []netip.Addr
	for _, a := range all {
		if (t == dnsmessage.TypeA) == a.Is4() {
			out = append(out, a)
		}
	}
	return out, ok
}

func (s *Server) wire(w http.ResponseWriter, r *http.Request) {
	var raw []byte
	var err error
	switch r.Method {
	case http.MethodGet:
		raw, err = base64.RawURLEncoding.DecodeString(r.URL.Query().Get("dns"))
	case http.MethodPost:
		if r.Header.Get("Content-Type") != "application/dns-message" {
			http.Error(w, "unsupported media type", http.StatusUnsupportedMediaType)
			return
		}
		raw, err = io.ReadAll(io.LimitReader(r.Body, 65535))
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var q dnsmessage.Message
	if err != nil || q.Unpack(raw) != nil || len(q.Questions) != 1 {
		http.Error(w, "bad dns message", http.StatusBadRequest)
		return
	}
	qq := q.Questions[0]
	addrs, exists := s.lookup("wire", qq.Name.String(), qq.Type)
	ans := dnsmessage.Message{
		Header:    dnsmessage.Header{ID: q.ID, Response: true, RecursionDesired: q.RecursionDesired, RecursionAvailable: true},
		Questions: q.Questions,
	}
	if !exists {
		ans.RCode = dnsmessage.RCodeNameError
	}
	for _, a := range addrs {
		rh := dnsmessage.ResourceHeader{Name: qq.Name, Class: dnsmessage.ClassINET, TTL: 300}
		if a.Is4() {
			rh.Type = dnsmessage.TypeA
			ans.Answers = append(ans.Answers, dnsmessage.Resource{Header: rh, Body: &dnsmessage.AResource{A: a.As4()}})
		} else {
			rh.Type = dnsmessage.TypeAAAA
			ans.Answers = append(ans.Answers, dnsmessage.Resource{Header: rh, Body: &dnsmessage.AAAAResource{AAAA: a.As16()}})
		}
	}
	packed, err := ans.Pack()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/dns-message")
	w.Write(packed)
}

func (s *Server) json(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	if name == "" {
		http.Error(w, `{"error":"name required"}`, http.StatusBadRequest)
		return
	}
	t := dnsmessage.TypeA
	switch strings.ToUpper(r.URL.Query().Get("type")) {
	case "", "A", "1":
	case "AAAA", "28":
		t = dnsmessage.TypeAAAA
	default:
		http.Error(w, `{"error":"type"}`, http.StatusBadRequest)
		return
	}
	addrs, exists := s.lookup("json", name, t)
	type rr struct {
		Name string `json:"name"`
		Type int    `json:"type"`
		TTL  int    `json:"TTL"`
		Data string `json:"data"`
	}
	out := struct {
		Status   int  `json:"Status"`
		TC       bool `json:"TC"`
		RD       bool `json:"RD"`
		RA       bool `json:"RA"`
		Question []struct {
			Name string `json:"name"`
			Type int    `json:"type"`
		} `json:"Question"`
		Answer []rr `json:"Answer,omitempty"`
	}{RD: true, RA: true}
	out.Question = append(out.Question, struct {
		Name string `json:"name"`
		Type int    `json:"type"`
	}{canon(name) + ".", int(t)})
	if !exists {
		out.Status = 3
	}
	for _, a := range addrs {
		out.Answer = append(out.Answer, rr{Name: canon(name) + ".", Type: int(t), TTL: 300, Data: a.String()})
	}
	w.Header().Set("Content-Type", "application/dns-json")
	json.NewEncoder(w).Encode(out)
}
