package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/app"
	"github.com/aniworld/aniworld/internal/config"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/fake/tmdb"
	"github.com/aniworld/aniworld/internal/web"
)

// mediaGate holds video downloads half-way: a gated response sends the
// first half of its body at once, then one byte every 200 ms (so the
// downloader keeps reporting progress and never stalls) until the test
// releases the gate; then the rest flows at full speed. This makes "the
// progress bar moved but is not full" an observable state instead of a
// race.
type mediaGate struct {
	release chan struct{}
	once    sync.Once
	reached atomic.Int64
}

func newMediaGate() *mediaGate { return &mediaGate{release: make(chan struct{})} }

// Open lets every gated response finish.
func (g *mediaGate) Open() { g.once.Do(func() { close(g.release) }) }

// gatedProxy forwards to target keeping the Host header, so the fake
// hoster builds its media URLs on the proxy's origin and the media passes
// through the gate too.
func gatedProxy(t testing.TB, target string, g *mediaGate) *httptest.Server {
	t.Helper()
	tu, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out := r.Clone(r.Context())
		out.RequestURI = ""
		out.URL.Scheme, out.URL.Host = tu.Scheme, tu.Host
		out.Host = r.Host
		res, err := http.DefaultTransport.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/mp4/") || res.ContentLength < 2 {
			_, _ = io.Copy(w, res.Body)
			return
		}
		g.reached.Add(1)
		fl := http.NewResponseController(w)
		if _, err := io.CopyN(w, res.Body, res.ContentLength/2); err != nil {
			return
		}
		_ = fl.Flush()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-g.release:
				_, _ = io.Copy(w, res.Body)
				return
			case <-r.Context().Done():
				return
			case <-tick.C:
				if _, err := io.CopyN(w, res.Body, 1); err != nil {
					return
				}
				_ = fl.Flush()
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// stack is the real server with fakes for every outside party.
type stack struct {
	URL      string
	DataDir  string
	AnimeDir string
	Gate     *mediaGate
	Site     *httptest.Server
	Farm     *fakehoster.Farm
	AppURL   string // the app itself (URL may be a front proxy, see frontIfUnwired)
}

// stackOptions tune startStack.
type stackOptions struct {
	config   string // config.json written before the app starts; {site} is the fake site's URL
	prepare  func(t testing.TB, dataDir string)
	noFakes  bool
	tmdbShow string
	direct   bool          // never put the front proxy before the app
	stoURL   string        // serienstream's address (default: the fake aniworld site)
	noTMDB   bool          // no TMDB key: metadata is not configured
	catalog  *site.Catalog // the fake aniworld site's content (default: site.Demo())
}

// startStack builds the app with app.Build and serves it on a loopback
// listener until the test ends.
func startStack(t testing.TB, o stackOptions) *stack {
	t.Helper()
	st := &stack{DataDir: t.TempDir(), AnimeDir: t.TempDir(), Gate: newMediaGate()}
	env := map[string]string{}
	if !o.noFakes {
		media := fakehoster.TestMedia(256<<10, 3, 16<<10)
		farm := fakehoster.Start(media)
		t.Cleanup(farm.Close)
		st.Farm = farm
		voe := gatedProxy(t, farm.URL(fakehoster.VOE), st.Gate)
		embed := func(hoster, id string) string {
			if strings.EqualFold(hoster, fakehoster.VOE) {
				// VOE's "mp4-" page variant: a single progressive MP4.
				return voe.URL + farm.Hoster(fakehoster.VOE).EmbedPath("mp4-"+id)
			}
			return farm.EmbedURL(hoster, id)
		}
		cat := site.Demo()
		if o.catalog != nil {
			cat = *o.catalog
		}
		st.Site = httptest.NewServer(site.New(site.Options{Catalog: cat, EmbedURL: embed}))
		t.Cleanup(st.Site.Close)
		show := tmdb.DefaultShow()
		if o.tmdbShow != "" {
			show.Name = o.tmdbShow
		}
		tm := httptest.NewServer(tmdb.New(tmdb.Options{APIKey: "test-key"}, show))
		t.Cleanup(tm.Close)
		env["ANIWORLD_PROVIDER_URL"] = st.Site.URL
		env["ANIWORLD_STO_URL"] = st.Site.URL
		if o.stoURL != "" {
			env["ANIWORLD_STO_URL"] = o.stoURL
		}
		env["ANIWORLD_TMDB_API_URL"] = tm.URL + "/3"
		env["ANIWORLD_TMDB_IMAGE_URL"] = tm.URL + "/t/p"
		if !o.noTMDB {
			env["ANIWORLD_TMDB_API_KEY"] = "test-key"
		}
	}
	if o.config != "" {
		cfg := o.config
		if st.Site != nil {
			cfg = strings.ReplaceAll(cfg, "{site}", st.Site.URL)
		}
		if err := os.WriteFile(filepath.Join(st.DataDir, "config.json"), []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if o.prepare != nil {
		o.prepare(t, st.DataDir)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	logs := &logBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last lines of the app's log:\n%s", logs.tail(80))
		}
	})
	e := app.Env{Stdout: io.Discard, Stderr: logs, Getenv: func(k string) string { return env[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Build(ctx, e, app.Options{ConfigPath: filepath.Join(st.DataDir, "config.json"),
		Flags: flags(st.DataDir, addr)})
	if err != nil {
		cancel()
		ln.Close()
		t.Fatalf("build app: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(40 * time.Second):
			t.Error("app did not stop within 40 s")
		}
	})
	st.URL = "http://" + addr
	st.AppURL = st.URL
	if !o.direct {
		st.URL = frontIfUnwired(t, st.URL)
	}
	return st
}

// frontIfUnwired: while app.wire does not yet call wireWeb, the UI is
// put in front of the real server by a same-origin proxy so the browser
// tests still exercise the UI against the real API; TestAppServesUI fails
// meanwhile, so the missing wiring cannot go unnoticed. Once the UI is
// wired the app serves it itself and no proxy is used.
func frontIfUnwired(t testing.TB, base string) string {
	t.Helper()
	res, err := http.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		return base
	}
	t.Logf("NOTE: the app does not serve the web UI yet (GET /login: %d %s); "+
		"app.wire must call a.wireWeb(deps). Serving the UI through a front proxy meanwhile.",
		res.StatusCode, res.Header.Get("Content-Type"))
	bu, _ := url.Parse(base)
	rp := httputil.NewSingleHostReverseProxy(bu)
	ui := web.New(web.Options{Version: "test"})
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/ws/") || strings.HasPrefix(p, "/health") {
			rp.ServeHTTP(w, r)
			return
		}
		ui.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL
}

// logBuffer keeps the app's log; the last lines are printed when the
// test fails.
type logBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, strings.TrimRight(string(p), "\n"))
	if len(l.lines) > 400 {
		l.lines = l.lines[len(l.lines)-200:]
	}
	return len(p), nil
}

func (l *logBuffer) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines[max(0, len(l.lines)-n):], "\n")
}

// apiCall is a plain JSON request against the stack.
func (st *stack) apiCall(t testing.TB, method, path, token string, body any) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, st.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, raw
}

// setupAndLogin configures the master password over the API (without an
// anime folder, so nothing rescans the library) and returns the login
// response.
func (st *stack) setupAndLogin(t testing.TB, pw string) map[string]any {
	t.Helper()
	if code, _, b := st.apiCall(t, "POST", "/api/auth/setup", "", map[string]any{"master_password": pw}); code != 201 {
		t.Fatalf("setup: %d %s", code, b)
	}
	code, _, b := st.apiCall(t, "POST", "/api/auth/login", "", map[string]any{"password": pw})
	if code != 200 {
		t.Fatalf("login: %d %s", code, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// videoFiles lists finished media files under dir.
func videoFiles(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".mp4", ".mkv", ".ts":
			if info, err := d.Info(); err == nil && info.Size() > 0 {
				out = append(out, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

// flags points the app at its data directory and listen address.
func flags(dataDir, addr string) config.Overrides {
	return config.Overrides{DataDir: &dataDir, Addr: &addr}
}
