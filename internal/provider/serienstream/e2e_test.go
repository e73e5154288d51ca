package serienstream_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	fakess "github.com/aniworld/aniworld/internal/fake/serienstream"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/provider/hoster"
	"github.com/aniworld/aniworld/internal/provider/serienstream"
)

type rig struct {
	farm *fakehoster.Farm
	site *fakess.Site
	srv  *httptest.Server
}

func newRig(t *testing.T, o fakess.Options) *rig {
	t.Helper()
	r := &rig{farm: fakehoster.Start(fakehoster.TestMedia(16<<10, 2, 4<<10))}
	t.Cleanup(r.farm.Close)
	o.EmbedURL = r.farm.EmbedURL
	r.site = fakess.New(o)
	r.srv = httptest.NewServer(r.site)
	t.Cleanup(r.srv.Close)
	return r
}

func (r *rig) client(t *testing.T, solvers ...httpclient.Solver) *serienstream.Client {
	t.Helper()
	// Each client gets its own HTTP client: its cookie jar is a session.
	doer := httpclient.New(httpclient.Options{Retries: -1, RateLimit: httpclient.RateLimit{PerSecond: -1}})
	c, err := serienstream.New(serienstream.Config{BaseURLs: []string{r.srv.URL}, Doer: doer, Hosters: hoster.Default(), Solvers: solvers})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestEndToEnd runs search, series, seasons, every episode and every link
// through the real extractors against the fake site and hoster farm.
func TestEndToEnd(t *testing.T) {
	r := newRig(t, fakess.Options{})
	c := r.client(t)
	ctx := context.Background()

	res, err := c.Search(ctx, "office")
	if err != nil || len(res) != 1 {
		t.Fatalf("search: %v %+v", err, res)
	}
	got := res[0]
	if got.Key != "the-office-demo" || got.Name != "The Office & Co" || got.Site != "s.to" ||
		got.Link != r.srv.URL+"/serie/the-office-demo" || !strings.Contains(got.Cover, "/media/images/channel/desktop/the-office-demo-") {
		t.Errorf("search result %+v", got)
	}
	if none, err := c.Search(ctx, "gibt es nicht"); err != nil || len(none) != 0 {
		t.Errorf("no-result search: %v %+v", err, none)
	}

	d, err := c.Series(ctx, "the-office-demo")
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "The Office & Co" || d.StartYear != 2005 || d.FSK != 12 || d.IMDbID != "tt0386676" ||
		!slices.Equal(d.Genres, []string{"Comedy", "Sitcom"}) || len(d.Cast) != 3 || !slices.Equal(d.Seasons, []int{1, 2}) ||
		!strings.HasPrefix(d.Description, `Der Alltag im Büro von "Dunder Mifflin"`) || !strings.Contains(d.Cover, "?format=jpg") {
		t.Errorf("series %+v", d)
	}
	if _, err := c.Series(ctx, "unknown-show"); !errors.Is(err, anime.ErrNotFound) {
		t.Errorf("unknown show: %v", err)
	}

	seasons, err := c.Seasons(ctx, "the-office-demo")
	if err != nil || len(seasons) != 2 || len(seasons[0].Episodes) != 3 || len(seasons[1].Episodes) != 2 {
		t.Fatalf("seasons: %v %+v", err, seasons)
	}
	if e := seasons[0].Episodes[2]; e.TitleDE != "" || e.TitleEN != "Health Care" || !slices.Equal(e.Hosters, []string{"Vidoza"}) {
		t.Errorf("S01E03 row %+v", e)
	}
	if e := seasons[1].Episodes[0]; e.TitleDE != "" || e.TitleEN != "" || e.Number != 1 || !strings.HasSuffix(e.URL, "/serie/the-office-demo/staffel-2/episode-1") {
		t.Errorf("untitled S02E01 row %+v", e)
	}

	wantLangs := map[[2]int][]anime.Language{
		{1, 1}: {anime.LangGermanDub, anime.LangEnglishDub}, {1, 2}: {anime.LangGermanDub}, {1, 3}: {anime.LangEnglishDub},
		{2, 1}: {anime.LangGermanDub, anime.LangEnglishDub}, {2, 2}: {anime.LangGermanDub},
	}
	for _, s := range seasons {
		for _, e := range s.Episodes {
			ep, err := c.Episode(ctx, "the-office-demo", s.Number, e.Number)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ep.Languages, wantLangs[[2]int{s.Number, e.Number}]) {
				t.Errorf("S%dE%d languages %v", s.Number, e.Number, ep.Languages)
			}
			for _, l := range ep.Links {
				if strings.EqualFold(l.Hoster, "Provider") {
					t.Fatalf("the Provider button was not skipped: %+v", l)
				}
				st, err := c.ResolveLink(ctx, l)
				if err != nil {
					t.Fatalf("S%dE%d %s %s: %v", s.Number, e.Number, l.Hoster, l.Lang, err)
				}
				if st.Hoster != l.Hoster || st.Lang != l.Lang || st.URL == "" {
					t.Errorf("stream %+v for %+v", st, l)
				}
			}
		}
	}
	if st := r.site.Stats(); st.Refused != 0 || st.LinkOuts != 12 {
		t.Errorf("fake stats %+v, want 12 redirected link-outs", st)
	}
}

// TestLinkOutNeedsSessionOrReferer: a link-out without the episode page's
// session cookie and Referer gets the player page, which is reported; the
// Referer alone or the session alone redirect.
func TestLinkOutNeedsSessionOrReferer(t *testing.T) {
	r := newRig(t, fakess.Options{})
	ctx := context.Background()
	ep, err := r.client(t).Episode(ctx, "the-office-demo", 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	link := ep.Links[0]

	fresh := r.client(t) // no session yet; the page is the Referer
	if _, err := fresh.EmbedURL(ctx, link); err != nil {
		t.Errorf("with Referer: %v", err)
	}
	bare := link
	bare.Page = ""
	fresh = r.client(t)
	if _, err := fresh.EmbedURL(ctx, bare); err == nil || !errors.Is(err, anime.ErrProvider) || !strings.Contains(err.Error(), "player page") {
		t.Errorf("without session or Referer: %v", err)
	}
	if r.site.Stats().Refused != 1 {
		t.Errorf("stats %+v", r.site.Stats())
	}
	withSession := r.client(t)
	if _, err := withSession.Episode(ctx, "tatort-demo", 1, 1); err != nil { // a page view opens the session
		t.Fatal(err)
	}
	if u, err := withSession.EmbedURL(ctx, bare); err != nil || !strings.HasPrefix(u, r.farm.URL(fakehoster.VOE)) {
		t.Errorf("with session only: %q %v", u, err)
	}
}

// TestGate: after GateAfter link-outs the session is gated; a solver
// passes it once and the session's cookies redirect again afterwards.
// Without a solver the link fails with anime.ErrChallenge.
func TestGate(t *testing.T) {
	for _, kind := range []string{fakess.GateTurnstile, fakess.GateAltcha} {
		t.Run(kind, func(t *testing.T) {
			r := newRig(t, fakess.Options{GateAfter: 2, Gate: kind})
			ctx := context.Background()
			solver := &fakess.WidgetSolver{}
			c := r.client(t, solver)
			ep, err := c.Episode(ctx, "the-office-demo", 1, 1)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 6; i++ {
				if _, err := c.EmbedURL(ctx, ep.Links[i%len(ep.Links)]); err != nil {
					t.Fatalf("link-out %d: %v", i, err)
				}
			}
			st := r.site.Stats()
			// Gated counts the client's gated link-out and the solver's
			// visit of the gate page.
			if solver.Calls() != 1 || st.Passes != 1 || st.Gated != 2 || st.LinkOuts != 6 {
				t.Errorf("solver calls %d, stats %+v", solver.Calls(), st)
			}

			plain := r.client(t)
			ep2, _ := plain.Episode(ctx, "the-office-demo", 1, 2)
			var gateErr error
			for i := 0; i < 3 && gateErr == nil; i++ {
				_, gateErr = plain.EmbedURL(ctx, ep2.Links[0])
			}
			if !errors.Is(gateErr, anime.ErrChallenge) {
				t.Errorf("without a solver: %v", gateErr)
			}
		})
	}
}

// TestResolverFallsBackAcrossLanguages: the resolver walks German first,
// then English, over the serienstream links.
func TestResolverFallsBackAcrossLanguages(t *testing.T) {
	r := newRig(t, fakess.Options{})
	r.farm.Hoster(fakehoster.VOE).SetFailure(fakehoster.EmbedForbidden)
	c := r.client(t)
	prefs := provider.Preferences{Languages: []anime.Language{anime.LangGermanDub, anime.LangEnglishDub}, Hosters: []string{"VOE", "Vidoza"}}
	res, err := provider.NewResolver(c, prefs).Resolve(context.Background(), "the-office-demo", 1, 3)
	if err != nil || res.Stream.Lang != anime.LangEnglishDub || res.Link.Hoster != "Vidoza" {
		t.Fatalf("S01E03: %+v %v", res, err)
	}
	res, err = provider.NewResolver(c, prefs).Resolve(context.Background(), "the-office-demo", 1, 1)
	if err != nil || res.Stream.Lang != anime.LangGermanDub || res.Link.Hoster != "Vidoza" || res.Fallbacks() != 1 {
		t.Fatalf("S01E01 (VOE 403): %+v %v", res, err)
	}
}

// TestRegistryForURL: every link form reaches the serienstream provider.
func TestRegistryForURL(t *testing.T) {
	c, err := serienstream.New(serienstream.Config{Doer: http.DefaultClient})
	if err != nil {
		t.Fatal(err)
	}
	reg := provider.NewRegistry(c)
	for _, u := range []string{
		"https://serienstream.to/serie/the-office", "https://serienstream.to/serie/the-office/staffel-2",
		"https://serienstream.to/serie/the-office/staffel-2/episode-3", "https://serienstream.cx/serie/the-office",
		"https://186.2.175.5/serie/the-office", "https://s.to/serie/stream/the-office/staffel-1",
	} {
		p, ref, err := reg.ForURL(u)
		if err != nil || p != provider.Provider(c) || ref.Key != "the-office" || ref.Site != "s.to" {
			t.Errorf("ForURL(%q) = %v %+v %v", u, p, ref, err)
		}
	}
}

// TestDeadFirstMirror: with the first address refusing connections the
// client works through the next one, while links and keys stay on the
// canonical (first) address; the session follows the mirror.
func TestDeadFirstMirror(t *testing.T) {
	r := newRig(t, fakess.Options{GateAfter: 1})
	dead := "http://127.0.0.1:1"
	doer := httpclient.New(httpclient.Options{Retries: -1, RateLimit: httpclient.RateLimit{PerSecond: -1}})
	c, err := serienstream.New(serienstream.Config{BaseURLs: []string{dead, r.srv.URL}, Doer: doer, Hosters: hoster.Default(),
		Solvers: []httpclient.Solver{&fakess.WidgetSolver{}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := c.Search(ctx, "tatort")
	if err != nil || len(res) != 1 || res[0].Link != dead+"/serie/tatort-demo" {
		t.Fatalf("search: %+v %v", res, err)
	}
	ep, err := c.Episode(ctx, "the-office-demo", 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range ep.Links { // the second link-out meets the gate
		if _, err := c.ResolveLink(ctx, l); err != nil {
			t.Fatalf("link %d: %v", i, err)
		}
	}
	if c.Mirrors().Active() != r.srv.URL {
		t.Errorf("active mirror %s", c.Mirrors().Active())
	}
}
