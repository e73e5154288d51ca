package aniworld_test

import (
	"crypto/x509"
	"io"
	"net/http"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/fake/tcp"
	"github.com/aniworld/aniworld/internal/fake/tlsgate"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/provider/aniworld"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// gatedFarm runs every fake hoster behind its own TLS fingerprint gate.
type gatedFarm struct {
	gates   map[string]*tlsgate.Gate
	hosters map[string]*fakehoster.Hoster
}

func startGatedFarm(t *testing.T, pool *x509.CertPool) *gatedFarm {
	t.Helper()
	f := &gatedFarm{gates: map[string]*tlsgate.Gate{}, hosters: map[string]*fakehoster.Hoster{}}
	for _, n := range fakehoster.Names() {
		h, err := fakehoster.New(n, fakehoster.TestMedia(32<<10, 2, 8<<10))
		if err != nil {
			t.Fatal(err)
		}
		g, err := tlsgate.New(h, tlsgate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { g.Close() })
		f.gates[n], f.hosters[n] = g, h
		addPool(pool, g)
	}
	return f
}

func (f *gatedFarm) EmbedURL(name, id string) string {
	return f.gates[name].URL + f.hosters[name].EmbedPath(id)
}

// addPool trusts g's CA in pool.
func addPool(pool *x509.CertPool, g *tlsgate.Gate) { pool.AddCert(g.CA()) }

// TestMirrorsBehindTLSGate: the first aniworld base refuses connections,
// the second sits behind the TLS fingerprint gate, and so does every
// hoster. Search, series, resolve and the media download work through the
// chrome transport, links stay on the canonical base, and the working
// mirror is remembered.
func TestMirrorsBehindTLSGate(t *testing.T) {
	pool := x509.NewCertPool()
	farm := startGatedFarm(t, pool)
	fs := site.New(site.Options{Catalog: site.Demo(), EmbedURL: farm.EmbedURL})
	gate, err := tlsgate.New(fs, tlsgate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gate.Close() })
	addPool(pool, gate)
	deadURL := "http://" + tcp.ClosedPort(t) // refuses connections

	for _, tt := range []struct {
		transport string
		wantOK    bool
	}{{httpclient.TransportChrome, true}, {httpclient.TransportStandard, false}} {
		t.Run(tt.transport, func(t *testing.T) {
			doer := httpclient.New(httpclient.Options{Transport: tt.transport, RootCAs: pool, Retries: -1, RateLimit: httpclient.RateLimit{PerSecond: -1}})
			mirrors, err := httpclient.NewMirrors(deadURL, gate.URL)
			if err != nil {
				t.Fatal(err)
			}
			cfg := aniworld.AniWorld("", doer, hoster.Default(), nil)
			cfg.Mirrors = mirrors
			c, err := aniworld.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			results, err := c.Search(t.Context(), "demo")
			if !tt.wantOK {
				if err == nil {
					t.Fatal("the standard transport got past the gate")
				}
				return
			}
			if err != nil || len(results) == 0 {
				t.Fatalf("search: %v %v", results, err)
			}
			if mirrors.Active() != gate.URL {
				t.Errorf("active mirror %s", mirrors.Active())
			}
			if got := c.SeriesURL("demo"); got != deadURL+"/anime/stream/demo" {
				t.Errorf("series link %s is not on the canonical base", got)
			}
			details, err := c.Series(t.Context(), "demo")
			if err != nil {
				t.Fatal(err)
			}
			if details.Title == "" {
				t.Errorf("details %+v", details)
			}
			reg := provider.NewRegistry(c)
			for _, link := range []string{deadURL + "/anime/stream/demo", gate.URL + "/anime/stream/demo/staffel-1"} {
				p, ref, err := reg.ForURL(link)
				if err != nil || p != provider.Provider(c) || ref.Key != "demo" {
					t.Errorf("%s: %v %+v %v", link, p, ref, err)
				}
			}
			res, err := provider.NewResolver(c, provider.Preferences{}).Resolve(t.Context(), "demo", 1, 1)
			if err != nil {
				t.Fatalf("resolve: %v", err)
			}
			if res.Stream.Lang != anime.LangGermanDub {
				t.Errorf("stream %+v", res.Stream)
			}
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, res.Stream.URL, nil)
			for k, v := range res.Stream.Headers {
				req.Header[k] = v
			}
			req.Header.Set("Range", "bytes=10-")
			resp, err := doer.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if (resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent) || n == 0 {
				t.Errorf("media %s: status %d, %d bytes", res.Stream.URL, resp.StatusCode, n)
			}
			if _, refused := gate.Counts(); refused != 0 {
				t.Errorf("the gate refused %d requests of the chrome transport", refused)
			}
		})
	}
}
