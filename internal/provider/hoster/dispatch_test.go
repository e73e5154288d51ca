package hoster_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// farmRegistry is Default() with every farm server mapped to its hoster,
// as the real domains are in the built-in table; the farm's mirror
// servers stay unknown.
func farmRegistry(farm *fakehoster.Farm) *hoster.Registry {
	reg := hoster.Default()
	for host, name := range farm.Hosts() {
		reg.MapHost(host, name)
	}
	x, _ := reg.Lookup("Vidmoly")
	x.(*hoster.Vidmoly).EmbedHost = farm.Host(fakehoster.Vidmoly)
	return reg
}

// fakeFallback stands in for the browser extractor of the solver issue.
type fakeFallback struct {
	st    anime.Stream
	err   error
	calls []string
}

func (f *fakeFallback) Name() string { return "Browser" }
func (f *fakeFallback) Resolve(_ context.Context, _ hoster.Doer, embed string) (anime.Stream, error) {
	f.calls = append(f.calls, embed)
	return f.st, f.err
}

func TestDispatchChoosesByDestination(t *testing.T) {
	farm := startFarm(t)
	tests := []struct {
		name      string
		label     string
		embed     string
		extractor string
		via       string
		mediaOf   string // the fake whose media the stream must point at
	}{
		{"label lies: Vidara lands on VOE", "Vidara", farm.EmbedURL(fakehoster.VOE, "lie1"), "VOE", hoster.ViaHost, fakehoster.VOE},
		{"label lies: Vidavaca lands on VOE", "Vidavaca", farm.EmbedURL(fakehoster.VOE, "lie2"), "VOE", hoster.ViaHost, fakehoster.VOE},
		{"host table: Doodstream", "Doodstream", farm.EmbedURL(fakehoster.Doodstream, "d1"), "Doodstream", hoster.ViaHost, fakehoster.Doodstream},
		{"host table: vidmoly /v/", "Vidmoly", farm.EmbedURL(fakehoster.Vidmoly, "v-m1"), "Vidmoly", hoster.ViaHost, fakehoster.Vidmoly},
		{"unknown VOE mirror recognised by its page", "Vidara", farm.MirrorEmbedURL(fakehoster.VOE, "m1"), "VOE", hoster.ViaPage, fakehoster.VOE},
		{"unknown mirror forwarding without /e/", "Streamtape", farm.MirrorEmbedURL(fakehoster.VOE, "fwd-m2"), "VOE", hoster.ViaPage, fakehoster.VOE},
		{"unknown host, Byse page", "VOE", farm.MirrorEmbedURL(fakehoster.Filemoon, "f1"), "Filemoon", hoster.ViaPage, fakehoster.Filemoon},
		{"unknown host, plain page: the label decides", "Vidoza", farm.MirrorEmbedURL(fakehoster.Vidoza, "z1"), "Vidoza", hoster.ViaLabel, fakehoster.Vidoza},
	}
	reg := farmRegistry(farm)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, d, err := reg.Resolve(context.Background(), &http.Client{}, tt.label, tt.embed)
			if err != nil {
				t.Fatalf("resolve: %v (%s)", err, d)
			}
			if d.Extractor != tt.extractor || d.Via != tt.via || d.Label != tt.label || d.Host == "" {
				t.Fatalf("dispatch %+v, want %s by %s", d, tt.extractor, tt.via)
			}
			if st.Hoster != tt.extractor {
				t.Errorf("stream hoster %q", st.Hoster)
			}
			if _, err := download(st, st.Headers); err != nil {
				t.Fatalf("download: %v", err)
			}
			if !strings.Contains(st.URL, "127.0.0.1") {
				t.Errorf("media %s", st.URL)
			}
		})
	}
}

func TestDispatchFetchesAnUnknownPageOnce(t *testing.T) {
	farm := startFarm(t)
	reg := farmRegistry(farm)
	before := farm.Hoster(fakehoster.VOE).PageHits()
	if _, d, err := reg.Resolve(context.Background(), &http.Client{}, "VOE", farm.MirrorEmbedURL(fakehoster.VOE, "once")); err != nil || d.Via != hoster.ViaPage {
		t.Fatalf("%v %+v", err, d)
	}
	if n := farm.Hoster(fakehoster.VOE).PageHits() - before; n != 1 {
		t.Fatalf("%d page requests, want 1 (recognition reuses the fetched page)", n)
	}
}

func TestDispatchFallback(t *testing.T) {
	good := anime.Stream{URL: "https://media.example/x.m3u8", Kind: anime.StreamHLS}
	tests := []struct {
		name       string
		label      string
		hoster     string
		id         string
		failure    fakehoster.Failure
		fb         *fakeFallback
		wantErr    error
		wantFB     string
		wantCalls  int
		wantString string
	}{
		{"extractor fails, fallback ok", "VOE", fakehoster.VOE, "f1", fakehoster.NoPayload, &fakeFallback{st: good}, nil, "ok", 1, "VOE → "},
		{"challenge, fallback fails", "VOE", fakehoster.VOE, "f2", fakehoster.Turnstile, &fakeFallback{err: errors.New("widget did not pass")}, anime.ErrChallenge, "failed", 1,
			"extractor failed (voe: embed page: turnstile challenge"},
		{"removed video: no fallback", "VOE", fakehoster.VOE, "f3", fakehoster.Removed, &fakeFallback{st: good}, anime.ErrNotFound, "", 0, ""},
		{"no fallback installed", "VOE", fakehoster.VOE, "f4", fakehoster.NoPayload, nil, anime.ErrProvider, "", 0, ""},
		{"bait from the fallback is refused", "VOE", fakehoster.VOE, "f5", fakehoster.NoPayload,
			&fakeFallback{st: anime.Stream{URL: "https://test-videos.co.uk/a.mp4", Kind: anime.StreamMP4}}, anime.ErrProvider, "failed", 1, "bait"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			farm := startFarm(t)
			reg := farmRegistry(farm)
			if tt.fb != nil {
				reg.SetFallback(tt.fb)
			}
			farm.Hoster(tt.hoster).SetFailure(tt.failure)
			st, d, err := reg.Resolve(context.Background(), &http.Client{}, tt.label, farm.EmbedURL(tt.hoster, tt.id))
			if tt.wantErr == nil && (err != nil || st.URL != good.URL || st.Hoster != "VOE") {
				t.Fatalf("stream %+v err %v", st, err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if d.Fallback != tt.wantFB {
				t.Errorf("fallback %q, want %q", d.Fallback, tt.wantFB)
			}
			if tt.fb != nil && len(tt.fb.calls) != tt.wantCalls {
				t.Errorf("fallback ran %d times, want %d", len(tt.fb.calls), tt.wantCalls)
			}
			msg := d.String()
			if err != nil {
				msg = err.Error()
			}
			if !strings.Contains(msg, tt.wantString) {
				t.Errorf("%q does not contain %q", msg, tt.wantString)
			}
			if tt.wantFB == "failed" && !strings.Contains(msg, "browser fallback failed") {
				t.Errorf("%q does not say the browser fallback failed", msg)
			}
		})
	}
}

func TestDispatchNoExtractor(t *testing.T) {
	farm := startFarm(t)
	reg := farmRegistry(farm)
	// An unknown host serving a page no extractor recognises, with a label
	// nothing is registered for.
	embed := farm.MirrorEmbedURL(fakehoster.Vidoza, "z1")
	_, d, err := reg.Resolve(context.Background(), &http.Client{}, "Gupload", embed)
	if !errors.Is(err, anime.ErrUnavailable) || d.Via != hoster.ViaNone {
		t.Fatalf("err %v dispatch %+v, want ErrUnavailable by none", err, d)
	}
	fb := &fakeFallback{st: anime.Stream{URL: "https://media.example/v.mp4", Kind: anime.StreamMP4}}
	reg.SetFallback(fb)
	st, d, err := reg.Resolve(context.Background(), &http.Client{}, "Gupload", embed)
	if err != nil || d.Fallback != "ok" || len(fb.calls) != 1 || st.Hoster != "Gupload" {
		t.Fatalf("with fallback: %v %+v %+v", err, d, st)
	}
}

func TestForHost(t *testing.T) {
	reg := hoster.Default()
	reg.MapHost("127.0.0.1:4711", "Vidara")
	tests := []struct {
		host, want string
	}{
		{"voe.sx", "VOE"},
		{"cdn.VOE.sx", "VOE"},
		{"delivery-node-3.edgeon-bandwidth.com", "VOE"},
		{"jilliandescribecompany.com", "VOE"},
		{"evilvoe.sx", ""},
		{"bysekoze.com", "Filemoon"},
		{"f75s.com:443", "Filemoon"},
		{"videzz.net", "Vidoza"},
		{"myvidplay.com", "Doodstream"},
		{"vidmoly.me", "Vidmoly"},
		{"vidavaca.net", "Vidavaca"},
		{"vidaraa.cc", "Vidara"},
		{"luluvid.com", "Luluvdo"},
		{"loadx.ws", "LoadX"},
		{"127.0.0.1:4711", "Vidara"},
		{"127.0.0.1:4712", ""},
		{"", ""},
	}
	for _, tt := range tests {
		x, ok := reg.ForHost(tt.host)
		got := ""
		if ok {
			got = x.Name()
		}
		if got != tt.want {
			t.Errorf("ForHost(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
	if reg.MapHost("x.example", "NoSuchHoster") {
		t.Error("MapHost accepted an unknown hoster")
	}
}

// TestDispatchUnknownHostGated: a gate on an unknown host with a label no
// extractor has keeps the challenge (kind and host) instead of "no
// extractor", and hands the link to the fallback when there is one.
func TestDispatchUnknownHostGated(t *testing.T) {
	farm := startFarm(t)
	reg := farmRegistry(farm)
	farm.Hoster(fakehoster.Vidoza).SetFailure(fakehoster.Turnstile)
	embed := farm.MirrorEmbedURL(fakehoster.Vidoza, "g1")
	_, d, err := reg.Resolve(context.Background(), &http.Client{}, "Gupload", embed)
	var ce *hoster.ChallengeError
	if !errors.As(err, &ce) || ce.Kind != "turnstile" || d.Via != hoster.ViaNone {
		t.Fatalf("err %v dispatch %+v, want the turnstile challenge", err, d)
	}
	fb := &fakeFallback{st: anime.Stream{URL: "https://media.example/v.mp4", Kind: anime.StreamMP4}}
	reg.SetFallback(fb)
	if _, d, err = reg.Resolve(context.Background(), &http.Client{}, "Gupload", embed); err != nil || d.Fallback != "ok" || !errors.Is(d.ExtractorErr, anime.ErrChallenge) {
		t.Fatalf("with fallback: %v %+v", err, d)
	}
}
