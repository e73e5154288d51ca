package ws

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/event"
)

// Room names a subscription group. Every room is protected: only
// authenticated clients may join.
type Room string

// The rooms of the WebSocket protocol.
const (
	RoomDownloads        Room = "downloads"
	RoomDownloadProgress Room = "download_progress"
	RoomScanProgress     Room = "scan_progress"
)

// roomMask is a bit set of rooms; a client's subscriptions and an event's
// audience are both masks, so routing is one AND.
type roomMask uint32

const (
	maskDownloads roomMask = 1 << iota
	maskDownloadProgress
	maskScanProgress

	// maskEveryone marks an event every client receives, joined or not,
	// authenticated or not.
	maskEveryone roomMask = 1 << 31
)

// Rooms lists every room a client can join, in a stable order.
func Rooms() []Room { return []Room{RoomDownloads, RoomDownloadProgress, RoomScanProgress} }

func roomBit(r Room) (roomMask, bool) {
	switch r {
	case RoomDownloads:
		return maskDownloads, true
	case RoomDownloadProgress:
		return maskDownloadProgress, true
	case RoomScanProgress:
		return maskScanProgress, true
	}
	return 0, false
}

func (m roomMask) rooms() []Room {
	out := []Room{}
	for _, r := range Rooms() {
		if bit, _ := roomBit(r); m&bit != 0 {
			out = append(out, r)
		}
	}
	return out
}

// audience returns the rooms an event of type t is delivered to:
// download_* and queue_* go to downloads, download_progress also to
// download_progress, scan_* to scan_progress, system_info to everyone.
// Anything else (connected, pong, error — per-client replies) has no
// broadcast audience.
func audience(t event.Type) roomMask {
	s := string(t)
	switch {
	case t == event.SystemInfo:
		return maskEveryone
	case t == event.DownloadProgress:
		return maskDownloads | maskDownloadProgress
	case strings.HasPrefix(s, "download_"), strings.HasPrefix(s, "queue_"):
		return maskDownloads
	case strings.HasPrefix(s, "scan_"):
		return maskScanProgress
	}
	return 0
}

// SupportedMessageTypes lists every message type the hub sends or accepts,
// as GET /ws/status reports them.
func SupportedMessageTypes() []event.Type {
	return []event.Type{
		event.Connected, event.Ping, event.Pong,
		event.DownloadAdded, event.DownloadStarted, event.DownloadProgress,
		event.DownloadComplete, event.DownloadFailed, event.DownloadRemoved,
		event.QueueStatus, event.QueueStarted, event.QueueStopped,
		event.ScanProgress, event.ScanComplete,
		event.SystemInfo, event.Error,
	}
}

// timestampLayout is UTC RFC 3339 with milliseconds, as clients expect it.
const timestampLayout = "2006-01-02T15:04:05.000Z"

// envelope is the wire form of every server message.
type envelope struct {
	Type      event.Type `json:"type"`
	Timestamp string     `json:"timestamp"`
	Data      any        `json:"data"`
}

// encode renders one server message. A zero time is replaced by now; nil
// data becomes {} so clients can always index data.
func encode(t event.Type, at time.Time, data any) ([]byte, error) {
	if data == nil {
		data = struct{}{}
	}
	b, err := json.Marshal(envelope{Type: t, Timestamp: at.UTC().Format(timestampLayout), Data: data})
	if err != nil {
		return nil, fmt.Errorf("encode %s message: %w", t, err)
	}
	return b, nil
}

// msgKey identifies the progress stream a message belongs to: kind 'd' for
// a download, 's' for a scan. The zero key means "never coalesce".
type msgKey struct {
	kind byte
	id   string
}

// coalesceKey returns the key under which a queued message may be replaced
// by a newer one for a client that is behind: progress messages of the same
// download (or scan). Other messages return the zero key.
func coalesceKey(e event.Event) msgKey {
	switch e.Type {
	case event.DownloadProgress:
		switch d := e.Data.(type) {
		case event.DownloadData:
			return progressKey('d', d.DownloadID)
		case *event.DownloadData:
			if d != nil {
				return progressKey('d', d.DownloadID)
			}
		case map[string]any:
			if id, ok := d["download_id"].(string); ok {
				return progressKey('d', id)
			}
		}
	case event.ScanProgress:
		switch d := e.Data.(type) {
		case event.ScanData:
			return progressKey('s', d.ScanID)
		case *event.ScanData:
			if d != nil {
				return progressKey('s', d.ScanID)
			}
		case map[string]any:
			if id, ok := d["scan_id"].(string); ok {
				return progressKey('s', id)
			}
		}
	}
	return msgKey{}
}

func progressKey(kind byte, id string) msgKey {
	if id == "" {
		return msgKey{}
	}
	return msgKey{kind, id}
}

// clientMessage is what a client may send. Both the documented form
// {"action":"join","data":{"room":…}} and the flat {"action":"join","room":…}
// are accepted; "type" is accepted as a synonym of "action".
type clientMessage struct {
	Type   string          `json:"type"`
	Action string          `json:"action"`
	Room   string          `json:"room"`
	Data   json.RawMessage `json:"data"`
}

// request is a decoded, validated client message.
type request struct {
	verb string // "ping", "join", "leave"
	room Room
}

// Error codes carried in error messages' data.code.
const (
	CodeInvalidMessage = "INVALID_MESSAGE"
	CodeUnknownAction  = "UNKNOWN_ACTION"
	CodeUnknownRoom    = "UNKNOWN_ROOM"
	CodeAuthRequired   = "AUTHENTICATION_REQUIRED"
	CodeBinary         = "UNSUPPORTED_FRAME"
)

// protoError is a client mistake answered with an error message; the
// connection stays open.
type protoError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *protoError) Error() string { return e.Code + ": " + e.Message }

// parseRequest decodes one text frame from a client.
func parseRequest(b []byte) (request, error) {
	var m clientMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return request{}, &protoError{CodeInvalidMessage, "message is not a JSON object"}
	}
	verb := strings.ToLower(strings.TrimSpace(m.Action))
	if verb == "" {
		verb = strings.ToLower(strings.TrimSpace(m.Type))
	}
	switch verb {
	case "ping":
		return request{verb: verb}, nil
	case "join", "leave", "subscribe", "unsubscribe":
		if verb == "subscribe" {
			verb = "join"
		} else if verb == "unsubscribe" {
			verb = "leave"
		}
		room := m.Room
		if len(m.Data) > 0 && string(m.Data) != "null" {
			var d struct {
				Room string `json:"room"`
			}
			if err := json.Unmarshal(m.Data, &d); err != nil {
				return request{}, &protoError{CodeInvalidMessage, "data must be an object with a room"}
			}
			if d.Room != "" {
				room = d.Room
			}
		}
		if room == "" {
			return request{}, &protoError{CodeInvalidMessage, verb + " needs a room"}
		}
		if _, ok := roomBit(Room(room)); !ok {
			return request{}, &protoError{CodeUnknownRoom, "unknown room; rooms are downloads, download_progress, scan_progress"}
		}
		return request{verb: verb, room: Room(room)}, nil
	case "":
		return request{}, &protoError{CodeInvalidMessage, "message needs an action"}
	}
	return request{}, &protoError{CodeUnknownAction, "unknown action; actions are ping, join, leave"}
}
