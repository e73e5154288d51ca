// Package logging sets up log/slog: text to stderr, an optional rotating
// JSON file, a level that changes at runtime, the request id of the
// request being handled on every line, and redaction of secret-looking
// attributes.
package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"gopkg.in/natefinch/lumberjack.v2"
)

// Settings is what the logging section of the config controls.
type Settings struct {
	Level    string // DEBUG, INFO, WARNING, ERROR, CRITICAL
	File     string // absolute path, or "" for stderr only
	MaxBytes int64  // rotate after this many bytes (0 = 10 MiB)
	Backups  int    // rotated files to keep
}

// Logs owns the process's loggers and the open log file.
type Logs struct {
	level  *slog.LevelVar
	logger *slog.Logger
	file   *switchWriter
	mu     sync.Mutex
	lj     *lumberjack.Logger
	path   string
}

// New builds the logging setup, writing text to stderr and, when
// s.File is set, JSON lines to a rotating file.
func New(stderr io.Writer, s Settings) (*Logs, error) {
	l := &Logs{level: new(slog.LevelVar), file: &switchWriter{}}
	lvl, err := ParseLevel(s.Level)
	if err != nil {
		return nil, err
	}
	l.level.Set(lvl)
	opts := &slog.HandlerOptions{Level: l.level, ReplaceAttr: redact}
	h := slog.NewMultiHandler(
		slog.NewTextHandler(stderr, opts),
		&fileHandler{w: l.file, h: slog.NewJSONHandler(l.file, opts)},
	)
	l.logger = slog.New(requestIDHandler{h})
	if err := l.Reconfigure(s); err != nil {
		return nil, err
	}
	return l, nil
}

// Logger is the root logger.
func (l *Logs) Logger() *slog.Logger { return l.logger }

// Level is the current minimum level.
func (l *Logs) Level() slog.Level { return l.level.Level() }

// SetLevel changes the minimum level at once, for every logger.
func (l *Logs) SetLevel(s string) error {
	lvl, err := ParseLevel(s)
	if err != nil {
		return err
	}
	l.level.Set(lvl)
	return nil
}

// File is the active log file's path, or "".
func (l *Logs) File() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.path
}

// Reconfigure applies new settings: level, and opening, switching or
// closing the log file.
func (l *Logs) Reconfigure(s Settings) error {
	if err := l.SetLevel(s.Level); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	maxBytes := s.MaxBytes
	if maxBytes <= 0 {
		maxBytes = 10 << 20
	}
	if s.File == "" {
		if l.lj != nil {
			l.file.set(nil)
			l.lj.Close()
			l.lj, l.path = nil, ""
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(s.File), 0o700); err != nil {
		return fmt.Errorf("create log dir: %w", err)
	}
	f, err := os.OpenFile(s.File, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("open log file: %w", err)
	}
	f.Close()
	lj := &lumberjack.Logger{
		Filename:   s.File,
		MaxSize:    int((maxBytes + (1<<20 - 1)) >> 20), // lumberjack counts megabytes
		MaxBackups: s.Backups,
	}
	if lj.MaxSize < 1 {
		lj.MaxSize = 1
	}
	old := l.lj
	l.lj, l.path = lj, s.File
	l.file.set(lj)
	if old != nil {
		old.Close()
	}
	return nil
}

// Close closes the log file, if any.
func (l *Logs) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.file.set(nil)
	if l.lj != nil {
		return l.lj.Close()
	}
	return nil
}

// ParseLevel maps the config's level names (Python-style included) to slog.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "DEBUG":
		return slog.LevelDebug, nil
	case "INFO", "":
		return slog.LevelInfo, nil
	case "WARNING", "WARN":
		return slog.LevelWarn, nil
	case "ERROR":
		return slog.LevelError, nil
	case "CRITICAL":
		return slog.LevelError + 4, nil
	}
	return 0, fmt.Errorf("unknown log level %q (DEBUG, INFO, WARNING, ERROR, CRITICAL)", s)
}

// LevelName is the config's name for a level.
func LevelName(l slog.Level) string {
	switch {
	case l <= slog.LevelDebug:
		return "DEBUG"
	case l <= slog.LevelInfo:
		return "INFO"
	case l <= slog.LevelWarn:
		return "WARNING"
	case l <= slog.LevelError:
		return "ERROR"
	}
	return "CRITICAL"
}

// switchWriter is an io.Writer whose target can change at runtime.
type switchWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *switchWriter) set(w io.Writer) { s.mu.Lock(); s.w = w; s.mu.Unlock() }

func (s *switchWriter) active() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.w != nil }

func (s *switchWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == nil {
		return len(p), nil
	}
	return s.w.Write(p)
}

// fileHandler skips formatting entirely while no file is open.
type fileHandler struct {
	w *switchWriter
	h slog.Handler
}

func (f *fileHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return f.w.active() && f.h.Enabled(ctx, l)
}
func (f *fileHandler) Handle(ctx context.Context, r slog.Record) error { return f.h.Handle(ctx, r) }
func (f *fileHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return &fileHandler{w: f.w, h: f.h.WithAttrs(a)}
}
func (f *fileHandler) WithGroup(n string) slog.Handler {
	return &fileHandler{w: f.w, h: f.h.WithGroup(n)}
}

var secretKeys = []string{"password", "secret", "token", "api_key", "apikey", "authorization", "cookie", "hash"}

// redact hides the values of attributes whose names look secret, and
// names levels as the config does (WARNING, CRITICAL).
func redact(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.LevelKey {
		if l, ok := a.Value.Any().(slog.Level); ok {
			return slog.String(slog.LevelKey, LevelName(l))
		}
	}
	k := strings.ToLower(a.Key)
	for _, s := range secretKeys {
		if strings.Contains(k, s) && k != "request_id" {
			return slog.String(a.Key, "[redacted]")
		}
	}
	return a
}
