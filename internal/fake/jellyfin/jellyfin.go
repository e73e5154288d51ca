// Package jellyfin is a fake Jellyfin/Emby server for tests: it checks the
// X-MediaBrowser-Token header (or api_key query), answers GET /System/Info,
// and records the paths of POST /Library/Media/Updated.
package jellyfin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
)

// Server is the fake. It is safe for concurrent use.
type Server struct {
	token   string
	mu      sync.Mutex
	updates []Update
	changed chan struct{}
}

// Update is one entry of a /Library/Media/Updated body.
type Update struct {
	Path       string `json:"Path"`
	UpdateType string `json:"UpdateType"`
}

// New builds a fake that accepts token.
func New(token string) *Server { return &Server{token: token, changed: make(chan struct{})} }

// Updates answers every path reported so far.
func (s *Server) Updates() []Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Update(nil), s.updates...)
}

// WaitFor blocks until an update with path p arrived, or ctx ends.
func (s *Server) WaitFor(ctx context.Context, p string) error {
	for {
		s.mu.Lock()
		for _, u := range s.updates {
			if u.Path == p {
				s.mu.Unlock()
				return nil
			}
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return fmt.Errorf("jellyfin: no update for %q (got %v): %w", p, s.Updates(), ctx.Err())
		case <-ch:
		}
	}
}

// ServeHTTP implements the fake.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tok := r.Header.Get("X-MediaBrowser-Token")
	if tok == "" {
		tok = r.URL.Query().Get("api_key")
	}
	if tok != s.token {
		http.Error(w, "Access token is invalid or expired.", http.StatusUnauthorized)
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/System/Info":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ServerName":"fake","Version":"10.10.7","Id":"f4k3"}`)
	case r.Method == http.MethodPost && r.URL.Path == "/Library/Media/Updated":
		var body struct{ Updates []Update }
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Updates) == 0 {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.updates = append(s.updates, body.Updates...)
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}
