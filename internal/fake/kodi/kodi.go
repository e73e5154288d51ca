// Package kodi is a fake Kodi JSON-RPC endpoint (POST /jsonrpc) for tests:
// HTTP basic auth when a user is set, JSONRPC.Ping, and VideoLibrary.Scan
// whose directories it records. Unknown methods get JSON-RPC error -32601.
package kodi

import (
	"encoding/json"
	"net/http"
	"sync"
)

// Server is the fake. It is safe for concurrent use.
type Server struct {
	user, pass string
	mu         sync.Mutex
	scans      []string
}

// New builds a fake; an empty user turns authentication off.
func New(user, pass string) *Server { return &Server{user: user, pass: pass} }

// Scans answers the directories of every VideoLibrary.Scan so far.
func (s *Server) Scans() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.scans...)
}

// ServeHTTP implements the fake.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.user != "" {
		u, p, ok := r.BasicAuth()
		if !ok || u != s.user || p != s.pass {
			w.Header().Set("WWW-Authenticate", `Basic realm="XBMC"`)
			http.Error(w, "401 Unauthorized", http.StatusUnauthorized)
			return
		}
	}
	if r.URL.Path != "/jsonrpc" || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	var req struct {
		Method string          `json:"method"`
		Params json.RawMessage `json:"params"`
		ID     any             `json:"id"`
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": nil, "error": map[string]any{"code": -32700, "message": "Parse error."}})
		return
	}
	answer := func(result any) {
		json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": result})
	}
	switch req.Method {
	case "JSONRPC.Ping":
		answer("pong")
	case "VideoLibrary.Scan":
		var p struct {
			Directory string `json:"directory"`
		}
		_ = json.Unmarshal(req.Params, &p)
		s.mu.Lock()
		s.scans = append(s.scans, p.Directory)
		s.mu.Unlock()
		answer("OK")
	default:
		json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": req.ID, "error": map[string]any{"code": -32601, "message": "Method not found."}})
	}
}
