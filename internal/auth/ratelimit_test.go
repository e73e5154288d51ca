package auth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"testing"
	"time"
)

type rlReq struct {
	method, path, remote, origin, xff string
}

func TestRateLimitMiddleware(t *testing.T) {
	login := rlReq{method: "POST", path: "/api/auth/login", remote: "203.0.113.1:1000"}
	for _, tc := range []struct {
		name       string
		warmup     []rlReq // all must pass
		probe      rlReq
		wantStatus int
		wantLimit  string // X-RateLimit-Limit on the probe
		wantRemain string
	}{
		{"login allows five", repeat(login, 4), login, 200, "5", "0"},
		{"login sixth refused", repeat(login, 5), login, 429, "5", "0"},
		{"login other client unaffected", repeat(login, 5),
			rlReq{method: "POST", path: "/api/auth/login", remote: "203.0.113.2:1000"}, 200, "5", "4"},
		{"login trailing slash counts", repeat(login, 5),
			rlReq{method: "POST", path: "/api/auth/login/", remote: "203.0.113.1:1"}, 429, "5", "0"},
		{"login GET not limited", repeat(login, 5),
			rlReq{method: "GET", path: "/api/auth/login", remote: "203.0.113.1:1"}, 200, "", ""},
		{"setup has its own bucket", repeat(login, 5),
			rlReq{method: "POST", path: "/api/auth/setup", remote: "203.0.113.1:1"}, 200, "5", "4"},
		{"untrusted peer cannot dodge with XFF", repeat(login, 5),
			rlReq{method: "POST", path: "/api/auth/login", remote: "203.0.113.1:1", xff: "1.1.1.1"}, 429, "5", "0"},
		{"trusted proxy distinguishes clients",
			repeat(rlReq{method: "POST", path: "/api/auth/login", remote: "10.0.0.1:1", xff: "1.1.1.1"}, 5),
			rlReq{method: "POST", path: "/api/auth/login", remote: "10.0.0.1:1", xff: "2.2.2.2"}, 200, "5", "4"},
		{"trusted proxy same client limited",
			repeat(rlReq{method: "POST", path: "/api/auth/login", remote: "10.0.0.1:1", xff: "1.1.1.1"}, 5),
			rlReq{method: "POST", path: "/api/auth/login", remote: "10.0.0.1:2", xff: "9.9.9.9, 1.1.1.1"}, 429, "5", "0"},
		{"origin 60 per minute",
			repeat(rlReq{method: "GET", path: "/api/anime", remote: "1.1.1.1:1", origin: "http://evil.example"}, 60),
			rlReq{method: "GET", path: "/api/queue/status", remote: "2.2.2.2:1", origin: "HTTP://EVIL.EXAMPLE"}, 429, "60", "0"},
		{"other origin unaffected",
			repeat(rlReq{method: "GET", path: "/api/anime", remote: "1.1.1.1:1", origin: "http://evil.example"}, 60),
			rlReq{method: "GET", path: "/api/anime", remote: "1.1.1.1:1", origin: "http://localhost:3000"}, 200, "60", "59"},
		{"same origin (the web UI) not origin-limited",
			repeat(rlReq{method: "GET", path: "/api/anime", remote: "1.1.1.1:1", origin: "http://example.com"}, 60),
			rlReq{method: "GET", path: "/api/anime", remote: "1.1.1.1:1", origin: "http://EXAMPLE.com"}, 200, "", ""},
		{"no origin not origin-limited",
			repeat(rlReq{method: "GET", path: "/api/anime", remote: "1.1.1.1:1", origin: "http://evil.example"}, 60),
			rlReq{method: "GET", path: "/api/anime", remote: "1.1.1.1:1"}, 200, "", ""},
		{"tightest rule's headers win",
			repeat(rlReq{method: "GET", path: "/x", remote: "1.1.1.1:1", origin: "http://a.example"}, 10),
			rlReq{method: "POST", path: "/api/auth/login", remote: "1.1.1.1:1", origin: "http://a.example"}, 200, "5", "4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			cfg := DefaultRateLimitConfig()
			cfg.Now = clk.Now
			cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
			var limited []Decision
			calls := 0
			h := RateLimitMiddleware(DefaultLimitRules(cfg), func(w http.ResponseWriter, r *http.Request, d Decision) {
				limited = append(limited, d)
				if w.Header().Get("Retry-After") == "" || w.Header().Get("X-RateLimit-Limit") == "" {
					t.Error("headers not set before onLimit")
				}
				w.WriteHeader(http.StatusTooManyRequests)
			})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls++ }))
			for i, rq := range tc.warmup {
				if rec := serve(h, rq); rec.Code != 200 {
					t.Fatalf("warmup %d: status %d", i, rec.Code)
				}
			}
			rec := serve(h, tc.probe)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status %d; want %d", rec.Code, tc.wantStatus)
			}
			if got := rec.Header().Get("X-RateLimit-Limit"); got != tc.wantLimit {
				t.Fatalf("X-RateLimit-Limit %q; want %q", got, tc.wantLimit)
			}
			if got := rec.Header().Get("X-RateLimit-Remaining"); got != tc.wantRemain {
				t.Fatalf("X-RateLimit-Remaining %q; want %q", got, tc.wantRemain)
			}
			if tc.wantStatus == 429 {
				if calls != len(tc.warmup) || len(limited) != 1 {
					t.Fatalf("next called %d times, onLimit %d; want %d, 1", calls, len(limited), len(tc.warmup))
				}
				ra, err := strconv.Atoi(rec.Header().Get("Retry-After"))
				if err != nil || ra < 1 || ra > 60 {
					t.Fatalf("Retry-After %q", rec.Header().Get("Retry-After"))
				}
			} else if rec.Header().Get("Retry-After") != "" {
				t.Fatal("Retry-After on an allowed response")
			}
		})
	}
}

func TestRateLimitRecoversAfterRetryAfter(t *testing.T) {
	clk := newClock()
	cfg := DefaultRateLimitConfig()
	cfg.Now = clk.Now
	h := RateLimitMiddleware(DefaultLimitRules(cfg), nil)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	login := rlReq{method: "POST", path: "/api/auth/login", remote: "203.0.113.1:1"}
	for range 5 {
		serve(h, login)
	}
	rec := serve(h, login)
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("status %d", rec.Code)
	}
	var body struct {
		Error   string         `json:"error"`
		Details map[string]int `json:"details"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error != "RATE_LIMIT_ERROR" || body.Details["retry_after"] != 60 {
		t.Fatalf("default body %s, %v", rec.Body, err)
	}
	ra, _ := strconv.Atoi(rec.Header().Get("Retry-After"))
	clk.Advance(time.Duration(ra)*time.Second + time.Millisecond)
	if rec := serve(h, login); rec.Code != 200 {
		t.Fatalf("after Retry-After: %d", rec.Code)
	}
}

func TestRateLimitDisabledRules(t *testing.T) {
	cfg := RateLimitConfig{Login: Limit{Requests: 1, Window: time.Minute}}
	rules := DefaultLimitRules(cfg)
	if len(rules) != 1 || rules[0].Name != "login" {
		t.Fatalf("rules = %+v; want only login", rules)
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want int64
	}{{0, 1}, {time.Nanosecond, 1}, {time.Second, 1}, {time.Second + 1, 2}, {60*time.Second + 1, 61}} {
		if got := RetryAfterSeconds(tc.in); got != tc.want {
			t.Errorf("RetryAfterSeconds(%v) = %d; want %d", tc.in, got, tc.want)
		}
	}
}

func TestOriginKeyBounded(t *testing.T) {
	long := "http://" + string(make([]byte, 10000))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Origin", long)
	if k := OriginKey(r); len(k) > 100 {
		t.Fatalf("key length %d", len(k))
	}
}

func repeat(r rlReq, n int) []rlReq {
	out := make([]rlReq, n)
	for i := range out {
		out[i] = r
	}
	return out
}

// declaredRules stands in for the HTTP surface, which marks each request
// with the rule its operation declares (api.RateLimited).
var declaredRules = map[string]string{
	"POST /api/auth/login": RuleLogin, "POST /api/auth/login/": RuleLogin,
	"POST /api/auth/setup": RuleSetup,
}

func serve(h http.Handler, rq rlReq) *httptest.ResponseRecorder {
	r := httptest.NewRequest(rq.method, rq.path, nil)
	if rule, ok := declaredRules[rq.method+" "+rq.path]; ok {
		r = r.WithContext(WithLimitRule(r.Context(), rule))
	}
	r.RemoteAddr = rq.remote
	if rq.origin != "" {
		r.Header.Set("Origin", rq.origin)
	}
	if rq.xff != "" {
		r.Header.Set("X-Forwarded-For", rq.xff)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}
