package httpclient

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/fake/tcp"
)

func TestNewMirrors(t *testing.T) {
	m, err := NewMirrors(append([]string{"https://aniworld.to/"}, append(KnownMirrors("https://aniworld.to"), "https://aniworld.cc", "http://127.0.0.1:9")...)...)
	if err != nil {
		t.Fatal(err)
	}
	list := m.List()
	if len(list) != 4 {
		t.Fatalf("mirrors %v (duplicates must go)", m.Status().Mirrors)
	}
	tests := []struct {
		base     string
		host     string
		insecure bool
	}{
		{"https://aniworld.to", "", false},
		{"https://aniworld.cc", "", false},
		{"https://186.2.175.111", "aniworld.to", true},
		{"http://127.0.0.1:9", "", false}, // loopback: a local fake, not an origin IP
	}
	for i, tt := range tests {
		if got := list[i]; got.Base.String() != tt.base || got.Host != tt.host || got.Insecure != tt.insecure {
			t.Errorf("mirror %d = %s host %q insecure %v, want %+v", i, got.Base, got.Host, got.Insecure, tt)
		}
	}
	if h := m.InsecureHosts(); len(h) != 1 || h[0] != "186.2.175.111" {
		t.Errorf("insecure hosts %v", h)
	}
	if m.Canonical().String() != "https://aniworld.to" || m.Active() != "https://aniworld.to" {
		t.Errorf("canonical %s active %s", m.Canonical(), m.Active())
	}
	if got := KnownMirrors("https://serienstream.to"); len(got) != 2 || got[1] != "https://186.2.175.5" {
		t.Errorf("serienstream mirrors %v", got)
	}
	if KnownMirrors("http://127.0.0.1:8080") != nil {
		t.Error("a local base has no known mirrors")
	}
	for _, bad := range [][]string{nil, {"ftp://aniworld.to"}, {"https://aniworld.to", "aniworld.cc"}, {"https://aniworld.to/?q=1"}} {
		if _, err := NewMirrors(bad...); !errors.Is(err, anime.ErrInvalid) {
			t.Errorf("%v: err %v", bad, err)
		}
	}
}

// mirrorSite is a fake site mirror that counts its requests.
type mirrorSite struct {
	*httptest.Server
	hits atomic.Int32
}

func newMirrorSite(t *testing.T, h http.HandlerFunc) *mirrorSite {
	s := &mirrorSite{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func TestMirrorFallback(t *testing.T) {
	good := func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		io.WriteString(w, "page "+r.URL.Path+" referer "+r.Referer()+" body "+string(body))
	}
	tests := []struct {
		name  string
		first http.HandlerFunc // nil: the first base refuses connections
	}{
		{"connection refused", nil},
		{"ddos-guard block page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Server", "ddos-guard")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, "<html>blocked</html>")
		}},
		{"plain 403 (fingerprint block)", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, "<html>403 Forbidden</html>")
		}},
		{"turnstile nobody can solve", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `<html><div class="cf-turnstile" data-sitekey="x"></div></html>`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var firstURL string
			var first *mirrorSite
			if tt.first == nil {
				firstURL = "http://" + tcp.ClosedPort(t) // refuses connections
			} else {
				first = newMirrorSite(t, tt.first)
				firstURL = first.URL
			}
			second := newMirrorSite(t, good)
			m, err := NewMirrors(firstURL+"/site", second.URL+"/mirror")
			if err != nil {
				t.Fatal(err)
			}
			c := New(Options{Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
			for i := range 2 {
				req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, firstURL+"/site/ajax/search", strings.NewReader("keyword=x"))
				req.Header.Set("Referer", firstURL+"/site/")
				resp, err := m.Do(c, req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				want := "page /mirror/ajax/search referer " + second.URL + "/mirror/ body keyword=x"
				if string(body) != want {
					t.Errorf("request %d: %q, want %q", i, body, want)
				}
			}
			if m.Active() != second.URL+"/mirror" {
				t.Errorf("active %s", m.Active())
			}
			if first != nil && first.hits.Load() != 1 {
				t.Errorf("the failed mirror was asked %d times; the working one must be remembered", first.hits.Load())
			}
			if st := m.Status(); st.LastError == "" || !strings.HasPrefix(st.LastError, strings.TrimPrefix(firstURL, "http://")) {
				t.Errorf("status %+v", st)
			}
		})
	}
}

func TestMirrorsAllFail(t *testing.T) {
	challenge := func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, "<html><title>Just a moment...</title></html>")
	}
	a, b := newMirrorSite(t, challenge), newMirrorSite(t, challenge)
	m, _ := NewMirrors(a.URL, b.URL)
	c := New(Options{Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, a.URL+"/anime/stream/x", nil)
	_, err := m.Do(c, req)
	if !errors.Is(err, anime.ErrChallenge) || !strings.Contains(err.Error(), "every mirror of") || !strings.Contains(err.Error(), NoSolverHint) {
		t.Errorf("err %v", err)
	}
	// A 404 is an answer, not a failure: no other mirror is asked.
	nf := newMirrorSite(t, http.NotFound)
	other := newMirrorSite(t, http.NotFound)
	m, _ = NewMirrors(nf.URL, other.URL)
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodGet, nf.URL+"/x", nil)
	resp, err := m.Do(c, req)
	if err != nil || resp.StatusCode != 404 || other.hits.Load() != 0 {
		t.Errorf("404: %v %v, other asked %d", resp, err, other.hits.Load())
	}
	resp.Body.Close()
}

func TestMirrorsConcurrent(t *testing.T) {
	deadURL := "http://" + tcp.ClosedPort(t) // refuses connections
	live := newMirrorSite(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	m, _ := NewMirrors(deadURL, live.URL)
	c := New(Options{Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, deadURL+"/", nil)
			resp, err := m.Do(c, req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			_ = m.Status()
		})
	}
	wg.Wait()
	if m.Active() != live.URL {
		t.Errorf("active %s", m.Active())
	}
}
