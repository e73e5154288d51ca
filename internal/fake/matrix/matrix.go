// Package matrix is a fake Matrix homeserver for notification tests: the
// client-server API calls a bot makes to post a message — the login flows
// and password login (r0), joining a room by alias, the joined rooms, and
// sending an m.room.message — with access-token checks, recording every
// message sent.
//
//	hs := matrix.New("bot", "s3cret")
//	srv := httptest.NewServer(hs)
//	// matrix://bot:s3cret@127.0.0.1:port/?rooms=%23anime:example.org&disableTLS=yes
package matrix

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

// Message is one m.room.message the homeserver received.
type Message struct {
	Room    string
	MsgType string
	Body    string
}

// Server is the fake homeserver; safe for concurrent use.
type Server struct {
	user, password string
	token          string
	mu             sync.Mutex
	joined         map[string]string // alias -> room id
	got            []Message
}

// New builds a homeserver with one account.
func New(user, password string) *Server {
	return &Server{user: user, password: password, token: "syt_fake_access_token", joined: map[string]string{}}
}

// Messages answers what was sent so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.got...)
}

const prefix = "/_matrix/client/r0/"

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(r.URL.EscapedPath(), prefix)
	if p == r.URL.EscapedPath() {
		merr(w, http.StatusNotFound, "M_UNRECOGNIZED", "Unrecognized request")
		return
	}
	if p == "login" {
		s.login(w, r)
		return
	}
	tok := r.URL.Query().Get("access_token")
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		tok = strings.TrimPrefix(h, "Bearer ")
	}
	if tok != s.token {
		merr(w, http.StatusUnauthorized, "M_UNKNOWN_TOKEN", "Invalid access token passed.")
		return
	}
	switch {
	case r.Method == http.MethodGet && p == "joined_rooms":
		s.mu.Lock()
		rooms := []string{}
		for _, id := range s.joined {
			rooms = append(rooms, id)
		}
		s.mu.Unlock()
		reply(w, map[string]any{"joined_rooms": rooms})
	case r.Method == http.MethodPost && strings.HasPrefix(p, "join/"):
		alias := unescape(strings.TrimPrefix(p, "join/"))
		if !strings.HasPrefix(alias, "#") && !strings.HasPrefix(alias, "!") {
			merr(w, http.StatusBadRequest, "M_INVALID_PARAM", "Invalid room alias or id")
			return
		}
		id := "!" + strings.TrimLeft(strings.SplitN(alias, ":", 2)[0], "#!") + ":fake.local"
		s.mu.Lock()
		s.joined[alias] = id
		s.mu.Unlock()
		reply(w, map[string]any{"room_id": id})
	case r.Method == http.MethodPost || r.Method == http.MethodPut:
		parts := strings.Split(p, "/") // rooms/<id>/send/m.room.message[/<txn>]
		if len(parts) < 4 || parts[0] != "rooms" || parts[2] != "send" || parts[3] != "m.room.message" {
			merr(w, http.StatusNotFound, "M_UNRECOGNIZED", "Unrecognized request")
			return
		}
		var body struct {
			MsgType string `json:"msgtype"`
			Body    string `json:"body"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.MsgType == "" {
			merr(w, http.StatusBadRequest, "M_BAD_JSON", "Content not JSON or without msgtype")
			return
		}
		s.mu.Lock()
		s.got = append(s.got, Message{Room: unescape(parts[1]), MsgType: body.MsgType, Body: body.Body})
		n := len(s.got)
		s.mu.Unlock()
		reply(w, map[string]any{"event_id": "$event" + strings.Repeat("x", n)})
	default:
		merr(w, http.StatusNotFound, "M_UNRECOGNIZED", "Unrecognized request")
	}
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		reply(w, map[string]any{"flows": []map[string]string{{"type": "m.login.password"}}})
		return
	}
	var req struct {
		Type       string `json:"type"`
		Password   string `json:"password"`
		Identifier struct {
			Type string `json:"type"`
			User string `json:"user"`
		} `json:"identifier"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Type != "m.login.password" {
		merr(w, http.StatusBadRequest, "M_UNKNOWN", "Unknown login type")
		return
	}
	if req.Identifier.User != s.user || req.Password != s.password {
		merr(w, http.StatusForbidden, "M_FORBIDDEN", "Invalid username or password")
		return
	}
	reply(w, map[string]any{"access_token": s.token, "home_server": "fake.local", "user_id": "@" + s.user + ":fake.local", "device_id": "FAKE"})
}

func unescape(s string) string {
	return strings.NewReplacer("%23", "#", "%21", "!", "%3A", ":", "%3a", ":", "%24", "$").Replace(s)
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func merr(w http.ResponseWriter, code int, errcode, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"errcode": errcode, "error": msg})
}
