package aniworld_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/provider/aniworld"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// TestEndToEnd wires the fake site to the fake hoster farm and runs the
// real extractors: site page → /redirect → embed page → media URL → media.
func TestEndToEnd(t *testing.T) {
	tests := []struct {
		name       string
		mirror     bool // VOE links land on a page that forwards via JS
		failures   map[string]fakehoster.Failure
		season, ep int
		wantHoster string
		wantLang   anime.Language
		wantTries  int
	}{
		{name: "voe first", season: 1, ep: 1, wantHoster: "VOE", wantLang: anime.LangGermanDub, wantTries: 1},
		{name: "voe mirror page", mirror: true, season: 1, ep: 1, wantHoster: "VOE", wantLang: anime.LangGermanDub, wantTries: 1},
		{name: "voe 403 falls back to vidmoly", failures: map[string]fakehoster.Failure{fakehoster.VOE: fakehoster.EmbedForbidden},
			season: 1, ep: 1, wantHoster: "Vidmoly", wantLang: anime.LangGermanDub, wantTries: 2},
		{name: "challenge and gone links then doodstream", season: 2, ep: 1, wantHoster: "Doodstream", wantLang: anime.LangGermanDub, wantTries: 3},
		{name: "hoster challenge falls back", failures: map[string]fakehoster.Failure{fakehoster.VOE: fakehoster.Challenge, fakehoster.Vidmoly: fakehoster.NoPayload},
			season: 1, ep: 2, wantHoster: "Vidoza", wantLang: anime.LangGermanDub, wantTries: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			farm := fakehoster.Start(fakehoster.TestMedia(32<<10, 2, 8<<10))
			t.Cleanup(farm.Close)
			for h, f := range tt.failures {
				farm.Hoster(h).SetFailure(f)
			}
			embed := farm.EmbedURL
			if tt.mirror {
				embed = func(hoster, id string) string {
					if hoster == fakehoster.VOE {
						id = "mirror-" + id
					}
					return farm.EmbedURL(hoster, id)
				}
			}
			fs := site.New(site.Options{Catalog: site.Demo(), EmbedURL: embed})
			srv := httptest.NewServer(fs)
			t.Cleanup(srv.Close)

			doer := httpclient.New(httpclient.Options{Retries: -1, RateLimit: httpclient.RateLimit{PerSecond: -1}})
			c, err := aniworld.New(aniworld.AniWorld(srv.URL, doer, hoster.Default(), nil))
			if err != nil {
				t.Fatal(err)
			}
			res, err := provider.NewResolver(c, provider.Preferences{}).Resolve(t.Context(), "demo", tt.season, tt.ep)
			if err != nil {
				t.Fatalf("resolve: %v", err)
			}
			if res.Stream.Hoster != tt.wantHoster || res.Stream.Lang != tt.wantLang || len(res.Attempts) != tt.wantTries {
				t.Fatalf("resolved via %s/%v after %d attempts (%v)", res.Stream.Hoster, res.Stream.Lang, len(res.Attempts), res.Attempts)
			}
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, res.Stream.URL, nil)
			for k, v := range res.Stream.Headers {
				req.Header[k] = v
			}
			resp, err := doer.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("media %s answered %d with the stream's headers", res.Stream.URL, resp.StatusCode)
			}
		})
	}
}

func TestEndToEndSiteChallenge(t *testing.T) {
	fs := site.New(site.Options{})
	srv := httptest.NewServer(fs)
	t.Cleanup(srv.Close)
	fs.SetFaults(site.FaultJustAMoment)
	doer := httpclient.New(httpclient.Options{Retries: -1, RateLimit: httpclient.RateLimit{PerSecond: -1}})
	c, err := aniworld.New(aniworld.AniWorld(srv.URL, doer, hoster.Default(), nil))
	if err != nil {
		t.Fatal(err)
	}
	_, err = provider.NewResolver(c, provider.Preferences{}).Resolve(t.Context(), "demo", 1, 1)
	if !errors.Is(err, anime.ErrChallenge) {
		t.Fatalf("err %v, want ErrChallenge", err)
	}
}

func TestRegistry(t *testing.T) {
	doer := httpclient.New(httpclient.Options{})
	reg, err := aniworld.Registry("https://aniworld.to", "https://s.to", doer, hoster.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url, site, key string
	}{
		{"https://aniworld.to/anime/stream/demo/staffel-1/episode-2", "aniworld.to", "demo"},
		{"https://s.to/serie/stream/breaking-bad", "s.to", "breaking-bad"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			p, ref, err := reg.ForURL(tt.url)
			if err != nil || p.Site() != tt.site || ref.Key != tt.key {
				t.Fatalf("%v %+v %v", p, ref, err)
			}
		})
	}
	if reg.Default().Site() != "aniworld.to" {
		t.Errorf("default %s", reg.Default().Site())
	}
	if _, err := aniworld.Registry("not a url", "", doer, nil, nil); !errors.Is(err, anime.ErrInvalid) {
		t.Errorf("bad url: %v", err)
	}
}
