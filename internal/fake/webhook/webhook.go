// Package webhook is a fake notification receiver for tests: it answers
// like an ntfy server (POST /<topic>, the message as the body, Title and
// Priority headers, a JSON answer with the message id), like a plain JSON
// webhook (any POST with a JSON body), and, by path, like the push and
// chat services shoutrrr speaks to (services.go: Gotify, Discord and Slack
// webhooks, Telegram's Bot API, Pushover), records every request with the
// title as each service carries it, and can be switched down (503, or
// connections closed) to test retries.
//
//	rx := webhook.New()
//	srv := httptest.NewServer(rx)
//	// ntfy://127.0.0.1:port/alerts?scheme=http  or  http://127.0.0.1:port/hook
package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Request is one received notification.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	// Topic is the ntfy topic (the first path segment).
	Topic string
	// Title is the Title header (ntfy) or the body's "title" (JSON).
	Title string
	// Message is the body as text (ntfy), or the JSON body's "message".
	Message string
	// JSON is the decoded body when it was a JSON object.
	JSON map[string]any
}

// Mode is how the receiver answers.
type Mode int

// Modes.
const (
	Up       Mode = iota // 200
	Down                 // 503 Service Unavailable
	Refusing             // the connection is closed without an answer
)

// Receiver is the fake. It is safe for concurrent use.
type Receiver struct {
	mu       sync.Mutex
	mode     Mode
	got      []Request
	attempts int
	changed  chan struct{}
}

// New builds a receiver that is up.
func New() *Receiver { return &Receiver{changed: make(chan struct{})} }

// SetMode switches how the receiver answers.
func (r *Receiver) SetMode(m Mode) {
	r.mu.Lock()
	r.mode = m
	r.mu.Unlock()
}

// Attempts counts every POST, also those answered with a failure.
func (r *Receiver) Attempts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.attempts
}

// Requests answers the notifications accepted so far.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.got...)
}

// WaitFor blocks until an accepted request satisfies match, or ctx ends.
func (r *Receiver) WaitFor(ctx context.Context, match func(Request) bool) (Request, error) {
	for {
		r.mu.Lock()
		for _, q := range r.got {
			if match(q) {
				r.mu.Unlock()
				return q, nil
			}
		}
		ch := r.changed
		r.mu.Unlock()
		select {
		case <-ctx.Done():
			return Request{}, fmt.Errorf("no matching notification: %w", ctx.Err())
		case <-ch:
		}
	}
}

// ServeHTTP implements the receiver.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost && req.Method != http.MethodPut {
		http.Error(w, `{"code":40501,"http":405,"error":"method not allowed"}`, http.StatusMethodNotAllowed)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	r.mu.Lock()
	r.attempts++
	mode := r.mode
	r.mu.Unlock()
	switch mode {
	case Down:
		http.Error(w, `{"code":50301,"http":503,"error":"service unavailable"}`, http.StatusServiceUnavailable)
		return
	case Refusing:
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				return
			}
		}
		http.Error(w, "down", http.StatusBadGateway)
		return
	}
	q := Request{Method: req.Method, Path: req.URL.Path, Header: req.Header.Clone(), Body: body,
		Topic: strings.Trim(req.URL.Path, "/"), Title: req.Header.Get("Title")}
	var obj map[string]any
	if json.Unmarshal(body, &obj) == nil {
		q.JSON = obj
		if t, ok := obj["title"].(string); ok && q.Title == "" {
			q.Title = t
		}
		q.Message, _ = obj["message"].(string)
	} else {
		var s string
		if json.Unmarshal(body, &s) == nil { // a JSON string body
			q.Message = s
		} else {
			q.Message = string(body)
		}
	}
	answer := readService(req, body, &q)
	r.mu.Lock()
	r.got = append(r.got, q)
	close(r.changed)
	r.changed = make(chan struct{})
	n := len(r.got)
	r.mu.Unlock()
	if answer != nil {
		answer(w, n)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"id": fmt.Sprintf("msg%d", n), "time": time.Now().Unix(),
		"event": "message", "topic": q.Topic, "title": q.Title, "message": q.Message})
}
