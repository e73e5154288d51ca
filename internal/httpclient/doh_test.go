package httpclient

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/fake/doh"
	"github.com/aniworld/aniworld/internal/fake/tcp"
)

// localTarget is a plain HTTP server that says which Host it was asked for.
func localTarget(t *testing.T) (port string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from "+r.Host)
	}))
	t.Cleanup(srv.Close)
	return srv.URL[strings.LastIndex(srv.URL, ":")+1:]
}

var loopback = netip.MustParseAddr("127.0.0.1")

func resolutionOf(c *Client, host string) Resolution {
	for _, r := range c.Network().Resolutions {
		if r.Host == host {
			return r
		}
	}
	return Resolution{}
}

func TestDoHProvidersAndFallback(t *testing.T) {
	port := localTarget(t)
	fake := doh.Start(map[string][]netip.Addr{"aniworld.test": {loopback}})
	defer fake.Close()
	deadURL := "http://" + tcp.ClosedPort(t) + "/dns-query" // refuses connections
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	}))
	defer broken.Close()
	tests := []struct {
		name      string
		providers []DoHProvider
		wantBy    string
		wantQuery string
	}{
		{"wire", []DoHProvider{{URL: fake.WireURL()}}, "doh " + fake.WireURL(), "wire A aniworld.test"},
		{"json", []DoHProvider{{URL: fake.JSONURL()}}, "doh " + fake.JSONURL(), "json A aniworld.test"},
		{"dead first provider", []DoHProvider{{URL: deadURL}, {URL: fake.JSONURL(), Format: "json"}}, "doh " + fake.JSONURL(), "json A aniworld.test"},
		{"failing first provider", []DoHProvider{{URL: broken.URL + "/dns-query"}, {URL: fake.WireURL(), Format: "wire"}}, "doh " + fake.WireURL(), "wire A aniworld.test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fake.Queries())
			c := New(Options{DNS: DNSDoH, DoHProviders: tt.providers, Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
			for range 2 {
				req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://aniworld.test:"+port+"/", nil)
				req.Close = true // the second request dials again: from the cache
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(body) != "hello from aniworld.test:"+port {
					t.Errorf("body %q", body)
				}
			}
			if q := fake.Queries()[before:]; len(q) != 1 || q[0] != tt.wantQuery {
				t.Errorf("queries %v, want one %q (then cached)", q, tt.wantQuery)
			}
			if r := resolutionOf(c, "aniworld.test"); r.Resolver != tt.wantBy || !slices.Equal(r.Addresses, []string{"127.0.0.1"}) {
				t.Errorf("resolution %+v, want by %s", r, tt.wantBy)
			}
			if rep := c.Network(); rep.DNS != DNSDoH || rep.DoHProviders[0] != tt.providers[0].URL {
				t.Errorf("report %+v", rep)
			}
		})
	}
}

func TestDoHNXDomainIsFinal(t *testing.T) {
	port := localTarget(t)
	first := doh.Start(nil)
	defer first.Close()
	second := doh.Start(map[string][]netip.Addr{"gone.test": {loopback}})
	defer second.Close()
	c := New(Options{DoHProviders: []DoHProvider{{URL: first.WireURL()}, {URL: second.WireURL()}}, Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
	_, err := get(t, c, "http://gone.test:"+port+"/")
	if err == nil || !strings.Contains(err.Error(), "doh lookup gone.test") {
		t.Errorf("err %v", err)
	}
	if len(second.Queries()) != 0 {
		t.Errorf("an NXDOMAIN answer was second-guessed: %v", second.Queries())
	}
	if r := resolutionOf(c, "gone.test"); r.Error == "" || r.Resolver != "doh" {
		t.Errorf("resolution %+v", r)
	}
}

func TestMirrorFallbackOnNXDomain(t *testing.T) {
	port := localTarget(t)
	fake := doh.Start(map[string][]netip.Addr{"aniworld.cc.test": {loopback}})
	defer fake.Close()
	c := New(Options{DoHProviders: []DoHProvider{{URL: fake.WireURL()}}, Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
	m, err := NewMirrors("http://aniworld.to.test:"+port, "http://aniworld.cc.test:"+port)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://aniworld.to.test:"+port+"/anime/stream/demo", nil)
	resp, err := m.Do(c, req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello from aniworld.cc.test:"+port || m.Active() != "http://aniworld.cc.test:"+port {
		t.Errorf("body %q active %s", body, m.Active())
	}
}

// TestDefaultsNeverAskPublicDoH: a client built without DNS options uses
// the system resolver, and even in DoH mode localhost, single-label names
// and IP literals never go to a DoH provider.
func TestDefaultsNeverAskPublicDoH(t *testing.T) {
	port := localTarget(t)
	c := New(Options{Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
	if c.Network().DNS != DNSSystem || len(c.Network().DoHProviders) != 0 {
		t.Fatalf("zero options: %+v", c.Network())
	}
	deadURL := "http://" + tcp.ClosedPort(t) // refuses connections
	d := New(Options{DNS: DNSDoH, DoHProviders: []DoHProvider{{URL: deadURL}}, Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
	for _, u := range []string{"http://localhost:" + port + "/", "http://127.0.0.1:" + port + "/"} {
		for _, cl := range []*Client{c, d} {
			resp, err := get(t, cl, u)
			if err != nil {
				t.Fatalf("%s: %v", u, err)
			}
			resp.Body.Close()
		}
	}
	if r := resolutionOf(d, "localhost"); r.Resolver != DNSSystem {
		t.Errorf("localhost resolved by %+v", r)
	}
	if r := resolutionOf(d, "127.0.0.1"); r.Resolver != "" {
		t.Errorf("an IP literal was resolved: %+v", r)
	}
	for _, name := range []string{"flaresolverr", "nas.local", "box.home.arpa"} {
		if dohName(name) {
			t.Errorf("%s would go to DoH", name)
		}
	}
	if !dohName("aniworld.to") {
		t.Error("aniworld.to would not go to DoH")
	}
	if err := (Options{DNS: "udp"}).Validate(); !errors.Is(err, anime.ErrInvalid) {
		t.Errorf("bad dns mode: %v", err)
	}
}
