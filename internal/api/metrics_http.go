package api

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/auth"
)

// RequestObserver records one HTTP request (*metrics.Metrics).
type RequestObserver interface {
	ObserveRequest(method, route string, status int, d time.Duration)
}

// RequestMetrics counts requests and their latency by the mux's route
// pattern (bounded label values): an unknown path is "unmatched", a
// request refused before routing (401, 413, 429) is "rejected".
func RequestMetrics(obs RequestObserver) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w}
			defer func() {
				// The mux sets r.Pattern on the request it is given, which
				// is this one: the inner middlewares pass r on unchanged.
				route := r.Pattern
				if _, p, ok := strings.Cut(route, " "); ok {
					route = p
				}
				status := rec.status
				if status == 0 {
					status = http.StatusOK
				}
				if route == "" || isCatchAll(route) {
					// No route ran: an unknown path, or a request refused
					// before routing (401 from the gate, 413, 429).
					route = "unmatched"
					if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
						route = "rejected"
					}
				}
				obs.ObserveRequest(r.Method, route, status, time.Since(start))
			}()
			next.ServeHTTP(rec, r)
		})
	}
}

// MetricsHandler guards GET /metrics (metrics, the Prometheus text
// format): a caller needs a valid session token (verifier) or the
// separate metrics token (Bearer; metricsToken answers the configured
// one, "" for none). Anyone else gets 401 in the error format.
func MetricsHandler(metrics http.Handler, verifier TokenVerifier, metricsToken func() string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := auth.BearerToken(r)
		if !ok {
			WriteError(w, r, unauthorized("Authentication required: send Authorization: Bearer <session or metrics token>"))
			return
		}
		allowed := false
		if metricsToken != nil {
			if want := metricsToken(); want != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(want)) == 1 {
				allowed = true
			}
		}
		if !allowed && verifier != nil && verifier.VerifyToken(r.Context(), tok) == nil {
			allowed = true
		}
		if !allowed {
			WriteError(w, r, unauthorized("Invalid token for /metrics"))
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		metrics.ServeHTTP(w, r)
	})
}
