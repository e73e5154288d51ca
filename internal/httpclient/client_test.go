package httpclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/attempt"
)

// sleepRecorder records requested delays instead of sleeping.
type sleepRecorder struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.delays = append(s.delays, d)
	s.mu.Unlock()
	return ctx.Err()
}

func get(t *testing.T, c *Client, u string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.Do(req)
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name       string
		statuses   []int
		retryAfter string
		method     string
		body       io.Reader // nil, replayable, or not
		wantStatus int
		wantCalls  int
		wantDelays []time.Duration // exact delays when Retry-After is set
		wantErrIs  error
	}{
		{name: "5xx then ok", statuses: []int{500, 502, 200}, wantStatus: 200, wantCalls: 3},
		{name: "retry-after seconds honoured", statuses: []int{429, 200}, retryAfter: "7", wantStatus: 200, wantCalls: 2, wantDelays: []time.Duration{7 * time.Second}},
		{name: "retry-after capped by backoff max", statuses: []int{503, 200}, retryAfter: "3600", wantStatus: 200, wantCalls: 2, wantDelays: []time.Duration{time.Minute}},
		{name: "gives up and returns last status", statuses: []int{500, 500, 500, 500, 500}, wantStatus: 500, wantCalls: 4},
		{name: "404 is not retried", statuses: []int{404, 200}, wantStatus: 404, wantCalls: 1},
		{name: "post with replayable body retried", method: http.MethodPost, body: strings.NewReader("keyword=x"), statuses: []int{500, 200}, wantStatus: 200, wantCalls: 2},
		{name: "post with one-shot body not retried", method: http.MethodPost, body: io.MultiReader(strings.NewReader("x")), statuses: []int{500, 200}, wantStatus: 500, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1)) - 1
				if r.Method == http.MethodPost {
					b, _ := io.ReadAll(r.Body)
					if len(b) == 0 {
						t.Errorf("attempt %d: empty replayed body", n)
					}
				}
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.statuses[min(n, len(tt.statuses)-1)])
			}))
			defer srv.Close()
			rec := &sleepRecorder{}
			c := New(Options{Sleep: rec.sleep, BackoffBase: time.Millisecond, BackoffMax: time.Minute, RateLimit: RateLimit{PerSecond: -1}})
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			req, _ := http.NewRequestWithContext(t.Context(), method, srv.URL, tt.body)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if got := int(calls.Load()); got != tt.wantCalls {
				t.Errorf("calls %d, want %d", got, tt.wantCalls)
			}
			if len(rec.delays) != tt.wantCalls-1 {
				t.Errorf("slept %d times, want %d", len(rec.delays), tt.wantCalls-1)
			}
			if tt.wantDelays != nil && !equalDurations(rec.delays, tt.wantDelays) {
				t.Errorf("delays %v, want %v", rec.delays, tt.wantDelays)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestNetworkErrorRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // connection refused from now on
	rec := &sleepRecorder{}
	c := New(Options{Sleep: rec.sleep, Retries: 2, RateLimit: RateLimit{PerSecond: -1}})
	_, err := get(t, c, addr)
	if err == nil {
		t.Fatal("want error from closed server")
	}
	if len(rec.delays) != 2 {
		t.Errorf("retried %d times, want 2", len(rec.delays))
	}
}

func TestRateLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	c := New(Options{
		RateLimit:      RateLimit{PerSecond: 0.001, Burst: 1},
		HostRateLimits: map[string]RateLimit{"fast.example": {PerSecond: 50, Burst: 5}, "free.example": {PerSecond: -1}},
	})
	if l := c.limiter("fast.example"); l == nil || l.Limit() != 50 || l.Burst() != 5 {
		t.Errorf("host override not applied: %+v", l)
	}
	if l := c.limiter("free.example"); l != nil {
		t.Errorf("negative rate must disable limiting")
	}
	resp, err := get(t, c, srv.URL)
	if err != nil {
		t.Fatalf("first request within burst: %v", err)
	}
	resp.Body.Close()
	// The bucket is empty; the next token is ~1000s away, so a short
	// deadline must fail fast instead of sending.
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if _, err := c.Do(req); err == nil || !strings.Contains(err.Error(), "rate limit "+u.Hostname()) {
		t.Errorf("second request: err %v, want rate limit error", err)
	}
}

func TestHeadersAndCookie(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]http.Header{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Host] = r.Header.Clone()
		mu.Unlock()
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	c := New(Options{Cookie: "__ddg2=abc; session=1", CookieHosts: []string{"localhost"}, RateLimit: RateLimit{PerSecond: -1}})
	for _, host := range []string{"localhost", "127.0.0.1"} {
		resp, err := get(t, c, "http://"+host+":"+u.Port()+"/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	loc := seen["localhost:"+u.Port()]
	ip := seen["127.0.0.1:"+u.Port()]
	if got := loc.Get("Cookie"); got != "__ddg2=abc; session=1" {
		t.Errorf("cookie to provider host = %q", got)
	}
	if got := ip.Get("Cookie"); got != "" {
		t.Errorf("cookie leaked to other host: %q", got)
	}
	for k, want := range map[string]string{"User-Agent": DefaultUserAgent, "Accept-Language": "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7", "Sec-Fetch-Mode": "navigate"} {
		if got := loc.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

func TestCallerHeadersWin(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Clone() }))
	defer srv.Close()
	c := New(Options{UserAgent: "custom/1", RateLimit: RateLimit{PerSecond: -1}})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
	req.Header.Set("Sec-Fetch-Mode", "cors")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.Get("Sec-Fetch-Mode") != "cors" || got.Get("User-Agent") != "custom/1" {
		t.Errorf("headers %v", got)
	}
}

func TestProxyOption(t *testing.T) {
	var requestURI atomic.Value
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requestURI.Store(r.RequestURI)
		io.WriteString(w, "via proxy")
	}))
	defer proxy.Close()
	c := New(Options{Proxy: proxy.URL, RateLimit: RateLimit{PerSecond: -1}})
	resp, err := get(t, c, "http://aniworld.invalid/anime/stream/demo")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "via proxy" || requestURI.Load() != "http://aniworld.invalid/anime/stream/demo" {
		t.Errorf("proxy saw %v, body %q", requestURI.Load(), body)
	}

	for _, bad := range []string{"ftp://x:1", "::nope", "socks5://"} {
		c := New(Options{Proxy: bad})
		if _, err := get(t, c, proxy.URL); !errors.Is(err, anime.ErrInvalid) {
			t.Errorf("proxy %q: err %v, want ErrInvalid", bad, err)
		}
	}
	if err := (Options{Proxy: "socks5h://127.0.0.1:1080"}).Validate(); err != nil {
		t.Errorf("socks5h proxy rejected: %v", err)
	}
}

func TestWithoutRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect/1" {
			http.Redirect(w, r, "/target", http.StatusFound)
			return
		}
		io.WriteString(w, "target")
	}))
	defer srv.Close()
	c := New(Options{RateLimit: RateLimit{PerSecond: -1}})
	req, _ := http.NewRequestWithContext(WithoutRedirects(t.Context()), http.MethodGet, srv.URL+"/redirect/1", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/target" {
		t.Errorf("no-follow: status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = get(t, c, srv.URL+"/redirect/1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/target" {
		t.Errorf("follow: status %d at %s", resp.StatusCode, resp.Request.URL)
	}
}

func TestStallTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/stall-headers":
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case "/stall-body":
			w.Write([]byte("first"))
			w.(http.Flusher).Flush()
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case "/slow-but-flowing":
			// 10 gaps of 60ms: the whole body takes twice the 300ms stall
			// timeout, but no single gap comes close to it.
			for i := range 10 {
				w.Write([]byte{byte('a' + i)})
				w.(http.Flusher).Flush()
				time.Sleep(60 * time.Millisecond)
			}
		}
	}))
	defer srv.Close()
	defer close(release)
	c := New(Options{Timeout: 300 * time.Millisecond, Retries: -1, RateLimit: RateLimit{PerSecond: -1}})

	if _, err := get(t, c, srv.URL+"/stall-headers"); err == nil || !strings.Contains(err.Error(), "no progress") {
		t.Errorf("stalled headers: err %v", err)
	}
	resp, err := get(t, c, srv.URL+"/stall-body")
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		t.Errorf("stalled body read must fail")
	}
	resp, err = get(t, c, srv.URL+"/slow-but-flowing")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != "abcdefghij" {
		t.Errorf("flowing body cut off: %q %v", body, err)
	}
}

// TestDialErrorIsNotAStall: a refused connection is reported as the dial
// error it is, never as "no progress" (the stall wording used to wrap every
// failed attempt), on both transports.
func TestDialErrorIsNotAStall(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := strings.TrimPrefix(srv.URL, "http://")
	srv.Close() // connection refused from now on
	for _, tr := range []string{TransportStandard, TransportChrome} {
		for _, scheme := range []string{"http", "https"} {
			t.Run(tr+" "+scheme, func(t *testing.T) {
				c := New(Options{Transport: tr, Timeout: time.Minute, Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
				_, err := get(t, c, scheme+"://"+addr+"/")
				if err == nil {
					t.Fatal("want an error from a closed port")
				}
				if !errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, attempt.ErrStalled) || strings.Contains(err.Error(), "no progress") {
					t.Errorf("err = %v, want the refused dial, not a stall", err)
				}
			})
		}
	}
}
