package aniworld

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// env is a fake site, a fake hoster server and a client wired to them.
type env struct {
	site   *site.Site
	srv    *httptest.Server
	hoster *httptest.Server
	doer   *httpclient.Client
	client *Client
	xs     map[string]*fakeExtractor
}

type envOpts struct {
	prefix   string // "/serie/stream/" for s.to
	cache    Cache
	now      func() (t0 int64)
	redirect func(hosterURL, id string, l site.LinkInfo) string
	catalog  site.Catalog
}

// newEnv starts everything; extractors for every demo hoster succeed
// unless told otherwise.
func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	e := &env{xs: map[string]*fakeExtractor{}}
	e.hoster = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/e/")
		if rest, ok := strings.CutPrefix(id, "mirror-"); ok {
			fmt.Fprintf(w, "<html><script>window.location.href = '%s/e/%s';</script><video src='/media/mirror.mp4'></video></html>", "http://"+r.Host, rest)
			return
		}
		fmt.Fprintf(w, "<html><video src='/media/%s.mp4'></video></html>", id)
	}))
	t.Cleanup(e.hoster.Close)
	e.site = site.New(site.Options{Catalog: o.catalog, PathPrefix: o.prefix, RedirectTarget: func(id string) string {
		l, _ := e.site.Link(id)
		if o.redirect != nil {
			return o.redirect(e.hoster.URL, id, l)
		}
		return e.hoster.URL + "/e/" + id
	}})
	e.srv = httptest.NewServer(e.site)
	t.Cleanup(e.srv.Close)
	e.doer = httpclient.New(httpclient.Options{Retries: -1, RateLimit: httpclient.RateLimit{PerSecond: -1}})
	var xs []hoster.Extractor
	for _, h := range site.AllHosters() {
		x := &fakeExtractor{name: h}
		e.xs[h] = x
		xs = append(xs, x)
	}
	cfg := AniWorld(e.srv.URL, e.doer, hoster.NewRegistry(xs...), o.cache)
	if o.prefix == "/serie/stream/" {
		cfg = STo(e.srv.URL, e.doer, hoster.NewRegistry(xs...), o.cache)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

// fakeExtractor is a hoster.Extractor test double: it fetches the embed
// page (so the request path is real) and answers a stream, or fails with
// err.
type fakeExtractor struct {
	name string
	mu   sync.Mutex
	err  error
	seen []string
}

func (f *fakeExtractor) Name() string { return f.name }

func (f *fakeExtractor) fail(err error) {
	f.mu.Lock()
	f.err = err
	f.mu.Unlock()
}

func (f *fakeExtractor) embeds() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

func (f *fakeExtractor) Resolve(ctx context.Context, c hoster.Doer, embedURL string) (anime.Stream, error) {
	f.mu.Lock()
	f.seen = append(f.seen, embedURL)
	err := f.err
	f.mu.Unlock()
	if err != nil {
		return anime.Stream{}, err
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, embedURL, nil)
	resp, err := c.Do(req)
	if err != nil {
		return anime.Stream{}, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	i := strings.Index(string(body), "src='")
	if resp.StatusCode != http.StatusOK || i < 0 {
		return anime.Stream{}, fmt.Errorf("%s: no video in embed page (status %d)", f.name, resp.StatusCode)
	}
	src := string(body[i+5:])
	src = src[:strings.Index(src, "'")]
	return anime.Stream{URL: req.URL.Scheme + "://" + req.URL.Host + src, Kind: anime.StreamMP4, Headers: http.Header{"Referer": {embedURL}}}, nil
}

// nopDoer fails every request; parsers never need one.
type nopDoer struct{}

func (nopDoer) Do(*http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("nopDoer: no network in this test")
}
