package covers

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// jpegOf encodes a w×h JPEG in one colour.
func jpegOf(t testing.TB, w, h int, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fakeLib is a library of series, each in dir/<key>.
type fakeLib struct {
	dir    string
	series map[string]anime.Series
}

func (l fakeLib) SeriesDir(_ context.Context, key string) (anime.Series, string, error) {
	s, ok := l.series[key]
	if !ok {
		return anime.Series{}, "", anime.ErrNotFound
	}
	return s, filepath.Join(l.dir, key), nil
}

// fakeSites answers cover URLs per key and counts the lookups.
type fakeSites struct {
	mu    sync.Mutex
	urls  map[string]string
	calls int
}

func (s *fakeSites) CoverURL(_ context.Context, _, key string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	u, ok := s.urls[key]
	if !ok {
		return "", anime.ErrNotFound
	}
	return u, nil
}

// imageSite serves images and misbehaving answers; hits counts requests.
type imageSite struct {
	*httptest.Server
	hits atomic.Int64
}

func newImageSite(t *testing.T, cover []byte) *imageSite {
	s := &imageSite{}
	mux := http.NewServeMux()
	mux.HandleFunc("/cover.jpg", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain") // the bytes decide, not the header
		w.Write(cover)
	})
	mux.HandleFunc("/big.jpg", func(w http.ResponseWriter, _ *http.Request) {
		w.Write(append(append([]byte{}, cover...), make([]byte, 6<<20)...))
	})
	mux.HandleFunc("/page.html", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write([]byte("<!DOCTYPE html><html><body>Just a moment...</body></html>"))
	})
	mux.HandleFunc("/image.svg", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
	})
	mux.HandleFunc("/gone.jpg", http.NotFound)
	mux.HandleFunc("/moved.jpg", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/cover.jpg", http.StatusFound)
	})
	mux.HandleFunc("/away.jpg", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.2:1/cover.jpg", http.StatusFound)
	})
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newTestService builds a Service whose only allowed host is the site's.
func newTestService(t *testing.T, dataDir string, lib fakeLib, sites *fakeSites, site *imageSite, clk *clock) *Service {
	t.Helper()
	host := ""
	if site != nil {
		u, _ := url.Parse(site.URL)
		host = u.Host
	}
	svc, err := New(Options{
		Dir: filepath.Join(dataDir, "covers"), SecretFile: filepath.Join(dataDir, "covers.key"),
		Library: lib, Sites: sites, Client: http.DefaultClient,
		Allowed: func(h string) bool { return host != "" && h == host },
		Now:     clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}
