package provider

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

type browserStub struct{ err error }

func (b browserStub) Name() string { return "Browser" }
func (b browserStub) Resolve(context.Context, hoster.Doer, string) (anime.Stream, error) {
	return anime.Stream{URL: "https://media.example/v.m3u8", Kind: anime.StreamHLS}, b.err
}

// TestResolveHosterLinkTrace: the trace and the attempt log carry label,
// landing host, extractor, the failed step and the fallback's note.
func TestResolveHosterLinkTrace(t *testing.T) {
	farm := fakehoster.Start(fakehoster.TestMedia(1000, 1, 100))
	defer farm.Close()
	redirectErr := errors.New("redirect: status 200 without Location")
	tests := []struct {
		name       string
		label      string
		landing    string
		redirect   error
		failure    fakehoster.Failure
		fallback   hoster.Extractor
		wantErr    bool
		wantStep   string
		wantX      string
		wantString string
	}{
		{"mislabelled link", "Vidara", farm.EmbedURL(fakehoster.VOE, "a"), nil, fakehoster.OK, nil, false, "", "VOE",
			"Vidara (German Dub) → " + farm.Host(fakehoster.VOE) + " [VOE]: ok"},
		{"redirect fails", "VOE", "", redirectErr, fakehoster.OK, nil, true, StepRedirect, "", "VOE (German Dub): "},
		{"extraction fails", "VOE", farm.EmbedURL(fakehoster.VOE, "b"), nil, fakehoster.NoPayload, nil, true, StepExtraction, "VOE",
			"[VOE]: site: hoster VOE: voe: no payload"},
		{"fallback saves it", "VOE", farm.EmbedURL(fakehoster.VOE, "c"), nil, fakehoster.NoPayload, browserStub{}, false, "", "VOE",
			"[VOE]: ok (VOE: extractor failed (voe: no payload"},
		{"fallback fails too", "VOE", farm.EmbedURL(fakehoster.VOE, "d"), nil, fakehoster.NoPayload, browserStub{err: errors.New("no video element")}, true, StepExtraction, "VOE",
			"extractor failed (voe: no payload in embed page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := hoster.Default()
			for h, n := range farm.Hosts() {
				reg.MapHost(h, n)
			}
			if tt.fallback != nil {
				reg.SetFallback(tt.fallback)
			}
			farm.Hoster(fakehoster.VOE).SetFailure(tt.failure)
			defer farm.Hoster(fakehoster.VOE).SetFailure(fakehoster.OK)
			link := HosterLink{Hoster: tt.label, Lang: anime.LangGermanDub, URL: "https://site.example/redirect/1"}
			ctx, tr := WithLinkTrace(context.Background())
			_, err := ResolveHosterLink(ctx, "site", reg, &http.Client{}, link, func(context.Context, HosterLink) (string, error) {
				return tt.landing, tt.redirect
			})
			if (err != nil) != tt.wantErr || tr.FailedStep != tt.wantStep || tr.Extractor != tt.wantX || tr.Label != tt.label {
				t.Fatalf("err %v trace %+v", err, tr)
			}
			a := Attempt{Hoster: link.Hoster, Lang: link.Lang, Landing: tr.Host, Extractor: tr.Extractor, Note: tr.Note, Err: err}
			if err != nil {
				a.Reason = err.Error()
			}
			if !strings.Contains(a.String(), tt.wantString) {
				t.Fatalf("attempt %q does not contain %q", a.String(), tt.wantString)
			}
			if tt.fallback != nil && tt.wantErr && !strings.Contains(a.String(), "browser fallback failed (no video element)") {
				t.Fatalf("attempt %q does not say the fallback failed", a.String())
			}
		})
	}
}
