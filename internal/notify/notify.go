// Package notify sends events (download finished or failed, new episode,
// series added, health problem and recovery) to the notification targets
// of the config: shoutrrr service URLs (Discord, Telegram, ntfy, Gotify,
// Pushover, Matrix, e-mail, Slack, generic webhooks, …) or an http(s) URL
// that receives our own JSON payload. Every target has a bounded queue and
// one sender goroutine that retries with backoff, so a target that is down
// never blocks the caller. See README.md.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kind is an event a target can subscribe to.
type Kind string

// Kinds (the names of config.NotificationEvents).
const (
	DownloadFinished Kind = "download_finished"
	DownloadFailed   Kind = "download_failed"
	EpisodeFound     Kind = "episode_found"
	SeriesAdded      Kind = "series_added"
	// Health covers both a problem and its recovery.
	Health Kind = "health"
	// Test is the "send test" action; it goes to the one target asked.
	Test Kind = "test"
)

// Message is one notification. It is also our JSON webhook's payload
// (docs/API-NOTES.md documents it).
type Message struct {
	Event   Kind      `json:"event"`
	Title   string    `json:"title"`
	Message string    `json:"message"`
	Time    time.Time `json:"time"`
	// Series and episode, where the event has them.
	SeriesKey  string `json:"series_key,omitempty"`
	SeriesName string `json:"series_name,omitempty"`
	Season     *int   `json:"season,omitempty"`
	Episode    *int   `json:"episode,omitempty"`
	Language   string `json:"language,omitempty"`
	Path       string `json:"path,omitempty"`
	Error      string `json:"error,omitempty"`
	// Health: the check's name and whether this is a recovery.
	Check     string `json:"check,omitempty"`
	Recovered bool   `json:"recovered,omitempty"`
}

// Text is the message as one line of plain text (title: message).
func (m Message) Text() string {
	if m.Message == "" {
		return m.Title
	}
	return m.Title + ": " + m.Message
}

// Sender delivers a message to one target.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrPermanent marks a send error that a retry cannot fix (a bad URL, a
// 4xx answer other than 408/429).
var ErrPermanent = errors.New("permanent")

// NewSender builds the sender for a target URL: http:// and https:// get
// our JSON payload, every other scheme goes through shoutrrr.
func NewSender(rawURL string, opts SenderOptions) (Sender, error) {
	scheme, _, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, fmt.Errorf("%w: not a URL", ErrPermanent)
	}
	switch strings.ToLower(scheme) {
	case "http", "https":
		return newWebhook(rawURL, opts)
	}
	return newShoutrrr(rawURL, opts)
}

// SenderOptions tune senders.
type SenderOptions struct {
	// Timeout bounds one delivery (default 15 s).
	Timeout time.Duration
}

func (o SenderOptions) timeout() time.Duration {
	if o.Timeout <= 0 {
		return 15 * time.Second
	}
	return o.Timeout
}

// payload is the JSON body of our webhook.
func payload(m Message) []byte {
	b, _ := json.Marshal(m)
	return b
}
