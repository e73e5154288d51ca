// Package calendar builds the iCalendar feed (RFC 5545) of what the
// monitor found and downloaded in the last days and which refreshes it
// will run next, and keeps the feed token that protects it: a random
// secret in a 0600 file in the data directory, rotatable.
package calendar

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/atomicfile"
)

// Window is how far back the feed reaches.
const Window = 14 * 24 * time.Hour

// Entry is one event of the feed.
type Entry struct {
	// Kind is "downloaded", "found", "language", "queued", "check" (a
	// monitor refresh) or "rescan" (the scheduler's library rescan).
	Kind       string    `json:"kind"`
	At         time.Time `json:"at"`
	SeriesKey  string    `json:"series_key"`
	SeriesName string    `json:"series_name"`
	Season     int       `json:"season,omitempty"`
	Episode    int       `json:"episode,omitempty"`
	Title      string    `json:"title,omitempty"`
	Language   string    `json:"language,omitempty"`
}

// Summary is the event's one-line title.
func (e Entry) Summary() string {
	ep := ""
	if e.Kind != "check" && e.Kind != "rescan" {
		ep = fmt.Sprintf(" S%02dE%02d", e.Season, e.Episode)
	}
	var verb string
	switch e.Kind {
	case "downloaded":
		verb = "Downloaded"
	case "found":
		verb = "New episode"
	case "language":
		verb = "New language"
	case "queued":
		verb = "Queued"
	case "check":
		verb = "Check for new episodes"
	case "rescan":
		verb = "Rescan"
	default:
		verb = e.Kind
	}
	s := verb + ": " + e.SeriesName + ep
	if e.Title != "" {
		s += " – " + e.Title
	}
	if e.Language != "" {
		s += " (" + e.Language + ")"
	}
	return s
}

// ICS renders entries as a VCALENDAR; each event lasts 30 minutes (a
// refresh check 5). UIDs are stable, so calendar apps update in place.
func ICS(name string, entries []Entry, now time.Time) []byte {
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)); b.WriteString("\r\n") }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//aniworld//calendar//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + escape(name))
	line("REFRESH-INTERVAL;VALUE=DURATION:PT1H")
	stamp := now.UTC().Format("20060102T150405Z")
	for _, e := range entries {
		dur := 30 * time.Minute
		if e.Kind == "check" || e.Kind == "rescan" {
			dur = 5 * time.Minute
		}
		line("BEGIN:VEVENT")
		line(fmt.Sprintf("UID:%s-%s-%d-%d-%d@aniworld", e.Kind, uidSafe(e.SeriesKey), e.Season, e.Episode, e.At.Unix()))
		line("DTSTAMP:" + stamp)
		line("DTSTART:" + e.At.UTC().Format("20060102T150405Z"))
		line("DTEND:" + e.At.Add(dur).UTC().Format("20060102T150405Z"))
		line("SUMMARY:" + escape(e.Summary()))
		line("CATEGORIES:" + escape(e.Kind))
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return []byte(b.String())
}

// escape escapes TEXT values (RFC 5545 3.3.11).
func escape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

func uidSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x21 || r > 0x7e || r == '@' {
			return '_'
		}
		return r
	}, s)
}

// fold splits a content line into 75-octet pieces (RFC 5545 3.1), never
// inside a UTF-8 sequence.
func fold(s string) string {
	if len(s) <= 75 {
		return s
	}
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	return b.String()
}

// Tokens keeps the feed token in a 0600 file.
type Tokens struct {
	path string
	mu   sync.Mutex
}

// NewTokens keeps the token at path (created on first use).
func NewTokens(path string) *Tokens { return &Tokens{path: path} }

// Get answers the token, creating it on first use.
func (t *Tokens) Get() (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, err := os.ReadFile(t.path)
	if err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read feed token: %w", err)
	}
	return t.rotateLocked()
}

// Rotate replaces the token; the old feed URL stops working at once.
func (t *Tokens) Rotate() (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rotateLocked()
}

func (t *Tokens) rotateLocked() (string, error) {
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	tok := hex.EncodeToString(raw)
	if err := atomicfile.Write(t.path, []byte(tok+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write feed token: %w", err)
	}
	return tok, nil
}

// Check reports whether tok is the feed token (constant time).
func (t *Tokens) Check(tok string) bool {
	want, err := t.Get()
	if err != nil || tok == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(tok), []byte(want)) == 1
}
