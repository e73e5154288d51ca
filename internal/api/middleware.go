package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aniworld/aniworld/internal/logging"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// chain applies middlewares so the first one listed is the outermost.
func chain(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

var saneRequestID = regexp.MustCompile(`^[A-Za-z0-9._:\-]{1,128}$`)

// requestID echoes a sane X-Request-ID or generates one, puts it in the
// response header and in the context (so every log line carries it).
func requestID(log *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := r.Header.Get("X-Request-ID")
			if !saneRequestID.MatchString(id) {
				id = uuid.NewString()
			}
			w.Header().Set("X-Request-ID", id)
			ctx := logging.WithRequestID(r.Context(), id)
			ctx = withLogger(ctx, log)
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// statusRecorder remembers the status and size of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer (flush,
// deadlines, hijack for WebSockets).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// accessLog writes one line per request, and recovers panics into a 500
// in the error format (the stack goes to the log only).
func accessLog(log *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w}
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					log.ErrorContext(r.Context(), "panic while handling request",
						"panic", fmt.Sprint(p), "stack", string(debug.Stack()), "path", r.URL.Path)
					if rec.status == 0 {
						WriteError(rec, r, NewError(http.StatusInternalServerError, CodeInternal,
							"An internal error occurred. The server log has details; quote the request id.", nil))
					}
				}
				level := slog.LevelInfo
				if strings.HasPrefix(r.URL.Path, "/health") || strings.HasPrefix(r.URL.Path, "/static/") {
					level = slog.LevelDebug
				}
				log.Log(r.Context(), level, "http request",
					"method", r.Method, "path", r.URL.Path, "status", rec.status,
					"bytes", rec.bytes, "duration_ms", float64(time.Since(start).Microseconds())/1000,
					"remote", r.RemoteAddr)
			}()
			next.ServeHTTP(rec, r)
		})
	}
}

// bodyLimit refuses bodies larger than limit() bytes with 413.
func bodyLimit(limit func() int64) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			max := limit()
			if r.ContentLength > max {
				WriteError(w, r, NewError(http.StatusRequestEntityTooLarge, CodeTooLarge,
					fmt.Sprintf("Request body too large: the limit is %d bytes", max), map[string]any{"limit_bytes": max}))
				return
			}
			if r.Body != nil {
				r.Body = http.MaxBytesReader(w, r.Body, max)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// securityHeaders sets conservative headers on every response.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}
