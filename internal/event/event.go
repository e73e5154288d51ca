// Package event defines the typed events services publish (download
// progress, queue changes, scan progress) and the Publisher they publish
// through. The WebSocket hub implements Publisher; tests use Recorder.
package event

import (
	"sync"
	"time"
)

// Type is the wire name of an event in the WebSocket protocol.
type Type string

// Every event type of the WebSocket protocol.
const (
	Connected        Type = "connected"
	Ping             Type = "ping"
	Pong             Type = "pong"
	DownloadAdded    Type = "download_added"
	DownloadStarted  Type = "download_started"
	DownloadProgress Type = "download_progress"
	DownloadComplete Type = "download_complete"
	DownloadFailed   Type = "download_failed"
	DownloadRemoved  Type = "download_removed"
	QueueStatus      Type = "queue_status"
	QueueStarted     Type = "queue_started"
	QueueStopped     Type = "queue_stopped"
	ScanProgress     Type = "scan_progress"
	ScanComplete     Type = "scan_complete"
	SystemInfo       Type = "system_info"
	Error            Type = "error"
)

// Event is one published message: its type, when it happened, and a
// JSON-encodable payload (one of the *Data types below, or a map).
type Event struct {
	Type Type
	Time time.Time
	Data any
}

// New builds an Event stamped with the current UTC time.
func New(t Type, data any) Event { return Event{Type: t, Time: time.Now().UTC(), Data: data} }

// Publisher receives events. Publish must not block on slow consumers.
type Publisher interface {
	Publish(Event)
}

// Discard is a Publisher that drops every event.
type Discard struct{}

// Publish drops e.
func (Discard) Publish(Event) {}

// Recorder is a Publisher that keeps every event, for tests.
type Recorder struct {
	mu     sync.Mutex
	events []Event
}

// Publish records e.
func (r *Recorder) Publish(e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// Events returns a copy of what was published so far.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// OfType returns the recorded events of type t.
func (r *Recorder) OfType(t Type) []Event {
	var out []Event
	for _, e := range r.Events() {
		if e.Type == t {
			out = append(out, e)
		}
	}
	return out
}
