package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/site"
)

// testApp is a fully wired app serving on a loopback port.
type testApp struct {
	t       *testing.T
	URL     string
	DataDir string
	stderr  *lockedBuffer
	cancel  context.CancelFunc
	done    chan error
	mu      sync.Mutex
	bodies  []string // every response body seen, for leak checks
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startApp builds and serves the app on dataDir with extra environment.
func startApp(t *testing.T, dataDir string, env map[string]string) *testApp {
	t.Helper()
	return startAppWith(t, dataDir, env, Options{})
}

// startAppWith is startApp with build options (solvers); the listen
// address and data directory flags are set here.
func startAppWith(t *testing.T, dataDir string, env map[string]string, opts Options) *testApp {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stderr := &lockedBuffer{}
	env = offline(env)
	getenv := func(k string) string { return env[k] }
	e := Env{Stdout: io.Discard, Stderr: stderr, Getenv: getenv}
	dd := dataDir
	ctx, cancel := context.WithCancel(context.Background())
	opts.Flags = overridesFor(dd, ln.Addr().String())
	a, err := Build(ctx, e, opts)
	if err != nil {
		cancel()
		ln.Close()
		t.Fatalf("build: %v", err)
	}
	ta := &testApp{t: t, URL: "http://" + ln.Addr().String(), DataDir: dd, stderr: stderr, cancel: cancel, done: make(chan error, 1)}
	go func() { ta.done <- a.Serve(ctx, ln) }()
	t.Cleanup(ta.Stop)
	return ta
}

// offline points every site a test did not set at a closed loopback port,
// so no test reaches the real sites (serienstream.to is searched beside
// aniworld.to), and leaves the built-in browser off unless a test asks for
// it (a fake's challenge no browser can pass would cost a solve timeout).
// It copies env.
func offline(env map[string]string) map[string]string {
	out := map[string]string{"ANIWORLD_STO_URL": "http://127.0.0.1:1", "ANIWORLD_BROWSER": "off"}
	for k, v := range env {
		out[k] = v
	}
	return out
}

// Stop shuts the app down and waits for it.
func (ta *testApp) Stop() {
	if ta.cancel == nil {
		return
	}
	ta.cancel()
	select {
	case err := <-ta.done:
		if err != nil {
			ta.t.Errorf("serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		ta.t.Error("app did not stop")
	}
	ta.cancel = nil
}

// do sends a JSON request and returns status, headers and decoded body.
func (ta *testApp) do(method, path, token string, body any, hdr ...string) (int, http.Header, map[string]any) {
	ta.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, ta.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		ta.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	ta.mu.Lock()
	ta.bodies = append(ta.bodies, string(raw)+"\n"+headerString(res.Header))
	ta.mu.Unlock()
	var m map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &m); err != nil {
			ta.t.Fatalf("%s %s: bad JSON %q", method, path, raw)
		}
	}
	return res.StatusCode, res.Header, m
}

func headerString(h http.Header) string {
	var sb strings.Builder
	for k, v := range h {
		sb.WriteString(k + ": " + strings.Join(v, ",") + "\n")
	}
	return sb.String()
}

// setupAndLogin configures the master password and returns a token.
func (ta *testApp) setupAndLogin(password string) string {
	ta.t.Helper()
	if code, _, b := ta.do("POST", "/api/auth/setup", "", map[string]any{"master_password": password}); code != 201 {
		ta.t.Fatalf("setup: %d %v", code, b)
	}
	return ta.login(password)
}

func (ta *testApp) login(password string) string {
	ta.t.Helper()
	code, _, b := ta.do("POST", "/api/auth/login", "", map[string]any{"password": password})
	if code != 200 {
		ta.t.Fatalf("login: %d %v", code, b)
	}
	return b["access_token"].(string)
}

// getRaw GETs path and returns the raw body.
func (ta *testApp) getRaw(path, token string) string {
	ta.t.Helper()
	req, _ := http.NewRequest("GET", ta.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		ta.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// demoSites serves the demo catalog with a hoster farm of media, the
// first hoster (Vidoza) refusing its embed page, so downloads fail over;
// both stop with the test.
func demoSites(t *testing.T, media fakehoster.Media) (*fakehoster.Farm, *httptest.Server) {
	t.Helper()
	farm := fakehoster.Start(media)
	t.Cleanup(farm.Close)
	farm.Hoster(fakehoster.Vidoza).SetFailure(fakehoster.EmbedForbidden)
	fake := httptest.NewServer(site.New(site.Options{Catalog: site.Demo(), EmbedURL: farm.EmbedURL}))
	t.Cleanup(fake.Close)
	return farm, fake
}
