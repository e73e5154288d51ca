package aniworld

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/provider"
)

func TestResolveLink(t *testing.T) {
	tests := []struct {
		name      string
		season    int
		episode   int
		hoster    string
		lang      anime.Language
		redirect  func(hosterURL, id string, l site.LinkInfo) string
		wantEmbed func(hosterURL, id string) string // what the extractor must be handed
		wantErrIs error
		wantErr   string
	}{
		{name: "302 to embed", season: 1, episode: 1, hoster: "Vidoza", lang: dub,
			wantEmbed: func(h, id string) string { return h + "/e/" + id }},
		{name: "voe mirror forwards once more", season: 1, episode: 1, hoster: "VOE", lang: gerSub,
			redirect:  func(h, id string, _ site.LinkInfo) string { return h + "/e/mirror-" + id },
			wantEmbed: func(h, id string) string { return h + "/e/" + id }},
		{name: "a forward page is followed whatever the label", season: 1, episode: 1, hoster: "Doodstream", lang: dub,
			redirect:  func(h, id string, _ site.LinkInfo) string { return h + "/e/mirror-" + id },
			wantEmbed: func(h, id string) string { return h + "/e/" + id }},
		{name: "challenge in front of the redirect", season: 2, episode: 1, hoster: "VOE", lang: dub, wantErrIs: anime.ErrChallenge},
		{name: "redirect 404", season: 2, episode: 1, hoster: "Vidoza", lang: dub, wantErrIs: anime.ErrNotFound, wantErr: "hoster link not found"},
		{name: "target not configured", season: 1, episode: 1, hoster: "Filemoon", lang: dub,
			redirect: func(string, string, site.LinkInfo) string { return "" }, wantErrIs: anime.ErrNotFound},
		{name: "bad location scheme", season: 1, episode: 1, hoster: "VOE", lang: dub,
			redirect: func(string, string, site.LinkInfo) string { return "javascript:alert(1)" }, wantErrIs: anime.ErrProvider},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOpts{redirect: tt.redirect})
			id, ok := e.site.LinkID("demo", tt.season, tt.episode, tt.hoster, tt.lang)
			if !ok {
				t.Fatalf("no %s link", tt.hoster)
			}
			link := provider.HosterLink{Hoster: tt.hoster, Lang: tt.lang, URL: e.srv.URL + "/redirect/" + id}
			st, err := e.client.ResolveLink(t.Context(), link)
			if tt.wantErrIs != nil {
				if !errors.Is(err, tt.wantErrIs) || !strings.Contains(fmt.Sprint(err), tt.wantErr) {
					t.Fatalf("err %v, want %v %q", err, tt.wantErrIs, tt.wantErr)
				}
				if len(e.xs[tt.hoster].embeds()) != 0 {
					t.Errorf("extractor ran after a failed redirect")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			seen := e.xs[tt.hoster].embeds()
			if want := tt.wantEmbed(e.hoster.URL, id); len(seen) != 1 || seen[0] != want {
				t.Errorf("extractor got %v, want %s", seen, want)
			}
			if st.Hoster != tt.hoster || st.Lang != tt.lang || !strings.HasSuffix(st.URL, ".mp4") {
				t.Errorf("stream %+v", st)
			}
		})
	}
}

// TestResolveLinkUnknownHoster: a label without an extractor is still
// followed (labels lie: the link may land on a known hoster); when
// neither host, page nor label fits, the link is unavailable.
func TestResolveLinkUnknownHoster(t *testing.T) {
	e := newEnv(t, envOpts{})
	id, _ := e.site.LinkID("demo", 1, 1, "VOE", dub)
	_, err := e.client.ResolveLink(t.Context(), provider.HosterLink{Hoster: "Streamtape", Lang: dub, URL: e.srv.URL + "/redirect/" + id})
	if !errors.Is(err, anime.ErrUnavailable) || !strings.Contains(err.Error(), "no extractor for host") || e.site.Hits("/redirect/"+id) != 1 {
		t.Errorf("err %v (redirect hits %d), want ErrUnavailable after following the redirect", err, e.site.Hits("/redirect/"+id))
	}
}

// TestResolverFallback drives provider.Resolver over the fake site with
// test-double extractors.
func TestResolverFallback(t *testing.T) {
	errForbidden := errors.New("embed page status 403")
	tests := []struct {
		name         string
		season, ep   int
		prefs        provider.Preferences
		failing      map[string]error
		wantHoster   string
		wantLang     anime.Language
		wantAttempts []string // "Hoster/lang-key"
		wantErrIs    []error
	}{
		{name: "first choice works", season: 1, ep: 1, wantHoster: "VOE", wantLang: dub, wantAttempts: []string{"VOE/1"}},
		{name: "voe 403 then vidmoly (2026 default order)", season: 1, ep: 1, failing: map[string]error{"VOE": errForbidden},
			wantHoster: "Vidmoly", wantLang: dub, wantAttempts: []string{"VOE/1", "Vidmoly/1"}},
		{name: "challenge and 404 links skipped", season: 2, ep: 1,
			wantHoster: "Doodstream", wantLang: dub, wantAttempts: []string{"VOE/1", "Vidoza/1", "Doodstream/1"}},
		{name: "language fallback", season: 2, ep: 1, failing: map[string]error{"Doodstream": errForbidden},
			wantHoster: "VOE", wantLang: gerSub, wantAttempts: []string{"VOE/1", "Vidoza/1", "Doodstream/1", "VOE/3"}},
		{name: "hoster preference honoured", season: 1, ep: 1, prefs: provider.Preferences{Languages: []anime.Language{engSub}, Hosters: []string{"vidmoly", "vidoza"}},
			wantHoster: "Vidmoly", wantLang: engSub, wantAttempts: []string{"Vidmoly/2"}},
		{name: "all fail", season: 1, ep: 2, failing: map[string]error{"VOE": errForbidden, "Filemoon": errForbidden, "Vidoza": errForbidden, "Doodstream": errForbidden, "Vidmoly": errForbidden},
			wantAttempts: []string{"VOE/1", "Vidmoly/1", "Vidoza/1", "Doodstream/1", "Filemoon/1"}, wantErrIs: []error{anime.ErrUnavailable, errForbidden}},
		{name: "challenge reported when everything fails", season: 2, ep: 1, failing: map[string]error{"Doodstream": errForbidden, "VOE": errForbidden},
			wantAttempts: []string{"VOE/1", "Vidoza/1", "Doodstream/1", "VOE/3"}, wantErrIs: []error{anime.ErrChallenge, anime.ErrNotFound, errForbidden}},
		{name: "no link in preferred languages", season: 1, ep: 2, prefs: provider.Preferences{Languages: []anime.Language{engSub}},
			wantAttempts: []string{}, wantErrIs: []error{anime.ErrUnavailable}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOpts{})
			for h, err := range tt.failing {
				e.xs[h].fail(err)
			}
			res, err := provider.NewResolver(e.client, tt.prefs).Resolve(t.Context(), "demo", tt.season, tt.ep)
			got := []string{}
			for _, a := range res.Attempts {
				got = append(got, fmt.Sprintf("%s/%d", a.Hoster, a.Lang))
			}
			if !equalStrings(got, tt.wantAttempts) {
				t.Errorf("attempts %v, want %v", got, tt.wantAttempts)
			}
			if tt.wantErrIs != nil {
				var rerr *provider.ResolveError
				if !errors.As(err, &rerr) {
					t.Fatalf("err %v, want *ResolveError", err)
				}
				for _, target := range tt.wantErrIs {
					if !errors.Is(err, target) {
						t.Errorf("err %v does not match %v", err, target)
					}
				}
				for _, a := range rerr.Attempts {
					if !strings.Contains(err.Error(), a.String()) {
						t.Errorf("error %q does not list attempt %s", err, a)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Stream.Hoster != tt.wantHoster || res.Stream.Lang != tt.wantLang || res.Link.Hoster != tt.wantHoster {
				t.Errorf("resolved via %s/%v, want %s/%v", res.Stream.Hoster, res.Stream.Lang, tt.wantHoster, tt.wantLang)
			}
			if res.Fallbacks() != len(tt.wantAttempts)-1 || res.Attempts[len(res.Attempts)-1].Err != nil {
				t.Errorf("attempt log %+v", res.Attempts)
			}
		})
	}
}
