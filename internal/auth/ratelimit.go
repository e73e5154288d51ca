package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Limit is a number of requests per window; Requests <= 0 disables it.
type Limit struct {
	Requests int
	Window   time.Duration
}

// RateLimitConfig configures DefaultLimitRules.
type RateLimitConfig struct {
	// Login and Setup limit POST /api/auth/login and /api/auth/setup per
	// client address (default 5 per 60 s each).
	Login, Setup Limit
	// Origin limits every request carrying an Origin header, per origin
	// (default 60 per minute).
	Origin Limit
	// MaxKeys bounds each rule's tracked keys (DefaultMaxKeys).
	MaxKeys int
	// TrustedProxies are the peers whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// Now is the clock (time.Now).
	Now func() time.Time
}

// DefaultRateLimitConfig is the contract's limits: login and setup 5 per
// 60 s per client, 60 per minute per Origin.
func DefaultRateLimitConfig() RateLimitConfig {
	return RateLimitConfig{
		Login:   Limit{Requests: 5, Window: 60 * time.Second},
		Setup:   Limit{Requests: 5, Window: 60 * time.Second},
		Origin:  Limit{Requests: 60, Window: time.Minute},
		MaxKeys: DefaultMaxKeys,
	}
}

// LimitRule applies one Limiter to the requests it selects.
type LimitRule struct {
	// Name identifies the rule (logs, metrics) and is what an operation
	// declares to have it applied.
	Name string
	// Declared selects only requests whose operation declared this rule
	// (WithLimitRule); otherwise the rule applies to every request.
	Declared bool
	// Key derives the bucket from the request; "" exempts the request.
	Key func(r *http.Request) string
	// Limiter holds the counts.
	Limiter *Limiter
}

type limitRuleKey struct{}

// WithLimitRule marks a request's context with the rate-limit rule its
// operation declared; the HTTP surface sets it once it knows the route.
func WithLimitRule(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, limitRuleKey{}, name)
}

func (rule LimitRule) matches(r *http.Request) bool {
	if !rule.Declared {
		return true
	}
	name, _ := r.Context().Value(limitRuleKey{}).(string)
	return name == rule.Name
}

// Names of the default rules. Operations declare RuleLogin and RuleSetup
// (the login and setup operations); RuleOrigin applies to every request.
const (
	RuleLogin  = "login"
	RuleSetup  = "setup"
	RuleOrigin = "origin"
	// RuleSonarr limits the Sonarr v3 surface per client; its rule is
	// built where that surface is wired.
	RuleSonarr = "sonarr"
)

// DefaultLimitRules builds the login, setup and per-origin rules from cfg;
// disabled limits are left out.
func DefaultLimitRules(cfg RateLimitConfig) []LimitRule {
	var opts []LimiterOption
	if cfg.Now != nil {
		opts = append(opts, WithClock(cfg.Now))
	}
	byClient := func(r *http.Request) string { return ClientIP(r, cfg.TrustedProxies) }
	var rules []LimitRule
	add := func(name string, declared bool, l Limit, key func(*http.Request) string) {
		if l.Requests <= 0 || l.Window <= 0 {
			return
		}
		rules = append(rules, LimitRule{Name: name, Declared: declared, Key: key,
			Limiter: NewLimiter(l.Requests, l.Window, cfg.MaxKeys, opts...)})
	}
	add(RuleLogin, true, cfg.Login, byClient)
	add(RuleSetup, true, cfg.Setup, byClient)
	add(RuleOrigin, false, cfg.Origin, OriginKey)
	return rules
}

// maxLimitKeyLen caps a client-supplied key's size in a limiter; longer keys
// are replaced by their SHA-256.
const maxLimitKeyLen = 128

// OriginKey is a LimitRule key: the request's Origin header, lower-cased.
// It is "" (exempt) when there is none, or when the Origin is the server's
// own (same-origin requests from the web UI).
func OriginKey(r *http.Request) string {
	o := strings.ToLower(strings.TrimSpace(r.Header.Get("Origin")))
	if o == "" || o == "http://"+strings.ToLower(r.Host) || o == "https://"+strings.ToLower(r.Host) {
		return ""
	}
	if len(o) > maxLimitKeyLen {
		sum := sha256.Sum256([]byte(o))
		return "sha256:" + hex.EncodeToString(sum[:])
	}
	return o
}

// RateLimitMiddleware applies every matching rule to each request. Allowed
// requests get X-RateLimit-Limit and X-RateLimit-Remaining from the
// tightest matching rule. The first rule that refuses stops the request:
// X-RateLimit-Limit, X-RateLimit-Remaining (0) and Retry-After (whole
// seconds, at least 1) are set, then onLimit writes the response (a plain
// 429 JSON body if onLimit is nil).
func RateLimitMiddleware(rules []LimitRule, onLimit func(w http.ResponseWriter, r *http.Request, d Decision)) func(http.Handler) http.Handler {
	if onLimit == nil {
		onLimit = writeTooManyRequests
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var tightest *Decision
			for _, rule := range rules {
				if rule.Limiter == nil || rule.Key == nil || !rule.matches(r) {
					continue
				}
				key := rule.Key(r)
				if key == "" {
					continue
				}
				d := rule.Limiter.Allow(key)
				if !d.Allowed {
					setLimitHeaders(w.Header(), d)
					w.Header().Set("Retry-After", strconv.FormatInt(RetryAfterSeconds(d.RetryAfter), 10))
					onLimit(w, r, d)
					return
				}
				if tightest == nil || d.Remaining < tightest.Remaining {
					tightest = &d
				}
			}
			if tightest != nil {
				setLimitHeaders(w.Header(), *tightest)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// RetryAfterSeconds rounds d up to whole seconds, at least 1, for a
// Retry-After header.
func RetryAfterSeconds(d time.Duration) int64 {
	s := int64((d + time.Second - 1) / time.Second)
	return max(s, 1)
}

func setLimitHeaders(h http.Header, d Decision) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(d.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(d.Remaining))
}

// writeTooManyRequests is the fallback body when no onLimit is given.
func writeTooManyRequests(w http.ResponseWriter, _ *http.Request, d Decision) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write([]byte(`{"success":false,"error":"RATE_LIMIT_ERROR","message":"Rate limit exceeded","details":{"retry_after":` +
		strconv.FormatInt(RetryAfterSeconds(d.RetryAfter), 10) + `}}`))
}
