package browser

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/challenge"
	"github.com/aniworld/aniworld/internal/fake/jsgate"
	"github.com/aniworld/aniworld/internal/httpclient"
)

const testUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"

// get fetches u with a plain net/http client, the given UA and cookies.
func get(t *testing.T, u, ua string, cookies []*http.Cookie) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("User-Agent", ua)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func newGate(t *testing.T, mode jsgate.Mode) (*jsgate.Gate, *httptest.Server) {
	t.Helper()
	g := jsgate.New(jsgate.Options{Mode: mode, TTL: 30 * time.Minute})
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, srv
}

func TestSolvePassesJSGate(t *testing.T) {
	exe := needChromium(t)
	gate, srv := newGate(t, jsgate.Pass)
	b := New(Options{Path: exe, SolveTimeout: 30 * time.Second})
	defer b.Close()
	page := srv.URL + "/anime/stream/naruto"

	if code, body := get(t, page, testUA, nil); code != 403 || challenge.DetectString(code, nil, body) == challenge.None {
		t.Fatalf("without clearance: status %d, challenge %q", code, challenge.DetectString(code, nil, body))
	}
	before := time.Now()
	cl, err := b.Solve(context.Background(), httpclient.SolveRequest{
		URL: page, UserAgent: testUA, Referer: srv.URL + "/",
		Cookies: []*http.Cookie{{Name: "session", Value: "s1"}},
	})
	if err != nil {
		t.Fatalf("solve: %v", err)
	}
	if cl.UserAgent != testUA {
		t.Fatalf("clearance UA %q, want the client's %q", cl.UserAgent, testUA)
	}
	var clearance, session *http.Cookie
	for _, c := range cl.Cookies {
		switch c.Name {
		case jsgate.ClearanceCookie:
			clearance = c
		case "session":
			session = c
		}
	}
	if clearance == nil || session == nil || session.Value != "s1" {
		t.Fatalf("cookies %v: want the clearance and the client's session cookie", cl.Cookies)
	}
	// Expires is the clearance's (the session cookie was the client's own).
	if d := cl.Expires.Sub(before); d < 29*time.Minute || d > 31*time.Minute {
		t.Fatalf("expires in %s, want about 30m (the gate's max-age)", d)
	}

	// The next plain request carries the cookie and the UA and passes.
	if code, body := get(t, page, cl.UserAgent, cl.Cookies); code != 200 || !strings.Contains(body, jsgate.Content) {
		t.Fatalf("plain request with clearance: %d %q", code, body)
	}
	// So does the product's HTTP client, given the cookie and UA.
	hc := httpclient.New(httpclient.Options{UserAgent: cl.UserAgent, Cookie: clearance.Name + "=" + clearance.Value,
		CookieHosts: []string{"127.0.0.1"}, RateLimit: httpclient.RateLimit{PerSecond: -1}, Retries: -1})
	req, _ := http.NewRequest(http.MethodGet, page, nil)
	res, err := hc.Do(req)
	if err != nil {
		t.Fatalf("httpclient with clearance: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("httpclient with clearance: status %d", res.StatusCode)
	}
	// The cookie is bound to the UA: another UA gets the challenge.
	if code, _ := get(t, page, strings.Replace(testUA, "Chrome/142", "Chrome/141", 1), cl.Cookies); code != 403 {
		t.Fatalf("clearance with another UA: status %d, want 403", code)
	}
	if n := gate.PassedUA(testUA); n != 3 { // the browser's reload, net/http, httpclient
		t.Fatalf("gate passed %d requests with the UA, want 3", n)
	}

	st := b.Status()
	if !st.Available || !st.Running || st.Starts != 1 || len(st.Hosts) != 1 {
		t.Fatalf("status %+v", st)
	}
	h := st.Hosts[0]
	if h.Host != "127.0.0.1" || h.Kind != KindSolve || h.OK != 1 || h.LastHour != 1 || !h.Last.OK || h.Last.DurationMs <= 0 {
		t.Fatalf("host status %+v", h)
	}
}

func TestSolveWithoutChromium(t *testing.T) {
	notFound := func(string) (string, error) { return "", exec.ErrNotFound }
	cases := []struct {
		name string
		opts Options
		want []string
	}{
		{"bogus configured path", Options{Path: "/nonexistent/chromium", LookPath: notFound},
			[]string{"chromium not found at the configured path /nonexistent/chromium", "apt-get install chromium"}},
		{"nothing on PATH", Options{LookPath: notFound},
			[]string{"chromium not found", "chromium, chromium-browser, google-chrome", "apt-get install chromium"}},
		{"switched off", Options{Enabled: Off}, []string{"switched off"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := New(tc.opts)
			defer b.Close()
			_, err := b.Solve(context.Background(), httpclient.SolveRequest{URL: "http://127.0.0.1:1/", UserAgent: testUA})
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("err %v, want ErrUnavailable", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			st := b.Status()
			if st.Available || st.Running || st.Reason == "" || len(st.Hosts) != 0 {
				t.Fatalf("status %+v", st)
			}
		})
	}
}

func TestSolveTimeLimit(t *testing.T) {
	exe := needChromium(t)
	_, srv := newGate(t, jsgate.Never)
	b := New(Options{Path: exe, SolveTimeout: 1500 * time.Millisecond})
	defer b.Close()
	_, err := b.Solve(context.Background(), httpclient.SolveRequest{URL: srv.URL + "/never", UserAgent: testUA})
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, anime.ErrChallenge) {
		t.Fatalf("err %v, want ErrTimeout and ErrChallenge", err)
	}
	if !strings.Contains(err.Error(), "still challenged after 1.5s") {
		t.Fatalf("error %q does not name the time limit", err)
	}
	h := b.Status().Hosts[0]
	if h.Failed != 1 || h.Last.OK || !strings.Contains(h.Last.Error, "still challenged") {
		t.Fatalf("host status %+v", h)
	}
}

func TestSolveCallerCancel(t *testing.T) {
	exe := needChromium(t)
	_, srv := newGate(t, jsgate.Never)
	b := New(Options{Path: exe, SolveTimeout: time.Minute})
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	b.clock = cancelOnAfterFunc{RealClock{}, cancel}
	_, err := b.Solve(ctx, httpclient.SolveRequest{URL: srv.URL + "/never", UserAgent: testUA})
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}

// cancelOnAfterFunc cancels the caller as soon as the solve starts.
type cancelOnAfterFunc struct {
	RealClock
	cancel context.CancelFunc
}

func (c cancelOnAfterFunc) Now() time.Time { c.cancel(); return time.Now() }

func TestSolveBudgetPerHostHour(t *testing.T) {
	exe := needChromium(t)
	_, srv := newGate(t, jsgate.Pass)
	clock := newFakeClock()
	b := New(Options{Path: exe, MaxSolvesPerHostHour: 1, Clock: clock, SolveTimeout: 30 * time.Second})
	defer b.Close()
	req := httpclient.SolveRequest{URL: srv.URL + "/a", UserAgent: testUA}
	if _, err := b.Solve(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	clock.Advance(59 * time.Minute) // also closes the idle browser
	_, err := b.Solve(context.Background(), req)
	if !errors.Is(err, ErrBudget) {
		t.Fatalf("second solve within the hour: %v, want ErrBudget", err)
	}
	for _, w := range []string{"1 browser solves for 127.0.0.1 in the last hour", "max_solves_per_host_hour = 1", "next one possible in 1m0s"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("budget error %q does not say %q", err, w)
		}
	}
	if st := b.Status(); st.Starts != 1 || st.Hosts[0].Failed != 1 || st.Hosts[0].OK != 1 {
		t.Fatalf("the refused solve started a browser or was not counted: %+v", st)
	}
	clock.Advance(time.Minute)
	if _, err := b.Solve(context.Background(), req); err != nil {
		t.Fatalf("solve after the hour: %v", err)
	}
}

// TestHTTPClientSolvesWithBrowser runs the product's HTTP client with the
// browser as its solver: the first GET meets the gate, the browser passes
// it, the client retries with the clearance, and later GETs to the host
// pass without another solve.
func TestHTTPClientSolvesWithBrowser(t *testing.T) {
	exe := needChromium(t)
	gate, srv := newGate(t, jsgate.Pass)
	b := New(Options{Path: exe, SolveTimeout: 30 * time.Second})
	defer b.Close()
	hc := httpclient.New(httpclient.Options{UserAgent: testUA, Solvers: []httpclient.Solver{b},
		RateLimit: httpclient.RateLimit{PerSecond: -1}, Retries: -1})
	defer hc.CloseIdleConnections()
	for _, p := range []string{"/anime/stream/a", "/anime/stream/b", "/anime/stream/c"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+p, nil)
		res, err := hc.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), jsgate.Content+" at "+p) {
			t.Fatalf("GET %s: %d %q", p, res.StatusCode, body)
		}
	}
	if st := b.Status(); st.Hosts[0].OK != 1 || st.Starts != 1 {
		t.Fatalf("want exactly one solve: %+v", st)
	}
	if n := gate.PassedUA(testUA); n != 4 { // the browser's reload and three client GETs
		t.Fatalf("gate passed %d requests with the UA, want 4", n)
	}
	if ev := hc.Solves()["127.0.0.1"]; !ev.OK || ev.Solver != "chromium" {
		t.Fatalf("client's solve record %+v", ev)
	}
}

func TestHTTPClientSaysWhatToInstall(t *testing.T) {
	_, srv := newGate(t, jsgate.Pass)
	b := New(Options{LookPath: func(string) (string, error) { return "", exec.ErrNotFound }})
	hc := httpclient.New(httpclient.Options{UserAgent: testUA, Solvers: []httpclient.Solver{b},
		RateLimit: httpclient.RateLimit{PerSecond: -1}, Retries: -1})
	defer hc.CloseIdleConnections()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
	_, err := hc.Do(req)
	if !errors.Is(err, anime.ErrChallenge) || !strings.Contains(err.Error(), "apt-get install chromium") {
		t.Fatalf("err %v: want the challenge and what to install", err)
	}
}
