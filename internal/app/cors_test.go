package app

import (
	"net/http"
	"strings"
	"testing"
)

func TestCORSAndRateLimitHeaders(t *testing.T) {
	ta := startApp(t, t.TempDir(), nil)
	tests := []struct {
		name, origin string
		allowed      bool
	}{
		{"localhost any port", "http://localhost:5173", true},
		{"loopback any port", "http://127.0.0.1:9999", true},
		{"foreign origin", "https://evil.example", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodOptions, ta.URL+"/api/anime", nil)
			req.Header.Set("Origin", tc.origin)
			req.Header.Set("Access-Control-Request-Method", "GET")
			req.Header.Set("Access-Control-Request-Headers", "authorization")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			got := res.Header.Get("Access-Control-Allow-Origin")
			if res.StatusCode >= 300 || (got == tc.origin) != tc.allowed {
				t.Fatalf("status %d, allow-origin %q", res.StatusCode, got)
			}
			if tc.allowed && !strings.Contains(strings.ToLower(res.Header.Get("Access-Control-Allow-Headers")), "authorization") {
				t.Fatalf("allow-headers %q", res.Header.Get("Access-Control-Allow-Headers"))
			}
		})
	}
	// Setup is limited to 5 requests per minute per client address.
	var last int
	var hdr http.Header
	for i := 0; i < 6; i++ {
		last, hdr, _ = ta.do("POST", "/api/auth/setup", "", map[string]any{"master_password": "weak"})
	}
	if last != 429 || hdr.Get("Retry-After") == "" || hdr.Get("X-RateLimit-Limit") != "5" || hdr.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("6th setup: %d %v", last, hdr)
	}
}
