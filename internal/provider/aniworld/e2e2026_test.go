package aniworld_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/provider/aniworld"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// catalog2026 is one series whose S01E01 carries every 2026 link shape:
// labels that lie, a removed video, a bait-only page, mirror domains.
func catalog2026() site.Catalog {
	dub := []anime.Language{anime.LangGermanDub}
	links := site.LinksFor(dub, "Vidara", "Vidavaca", "VOE", "Doodstream", "Filemoon", "Vidmoly", "Streamtape", "LoadX", "Luluvdo", "Vidoza")
	return site.Catalog{Series: []site.Series{{
		Slug: "demo", Title: "Demo", StartYear: 2020, Genres: []string{"Action"},
		Seasons: [][]site.Episode{{{TitleDE: "Eins", Links: links}}},
	}}}
}

// TestEndToEnd2026 plays every link of the 2026 episode through the real
// site client, the shared dispatch and the extractors: each link a
// browser could play resolves to that hoster's media, the rest fail.
func TestEndToEnd2026(t *testing.T) {
	media := fakehoster.TestMedia(32<<10, 2, 8<<10)
	farm := fakehoster.Start(media)
	t.Cleanup(farm.Close)
	// label → where its /redirect lands
	landing := map[string]string{
		"Vidara":     farm.EmbedURL(fakehoster.VOE, "lie-one"),              // label lies: a VOE embed
		"Vidavaca":   farm.MirrorEmbedURL(fakehoster.VOE, "fwd-lie-two"),    // lies, lands on an unknown VOE mirror forwarding without /e/
		"VOE":        farm.EmbedURL(fakehoster.VOE, "baitonly-three"),       // only bait: nothing a browser plays
		"Doodstream": farm.EmbedURL(fakehoster.Doodstream, "loose-four"),    // playmogo form
		"Filemoon":   farm.EmbedURL(fakehoster.Filemoon, "edge-five"),       // Byse with decrypt_keys
		"Vidmoly":    farm.EmbedURL(fakehoster.Vidmoly, "v-six"),            // /v/ form
		"Streamtape": farm.EmbedURL(fakehoster.Streamtape, "botlink-seven"), // 2026 botlink
		"LoadX":      farm.EmbedURL(fakehoster.LoadX, "leight"),             // cookie
		"Luluvdo":    farm.EmbedURL(fakehoster.Luluvdo, "unine"),            // sources direct
		"Vidoza":     farm.MirrorEmbedURL(fakehoster.Vidoza, "removed-ten"), // removed below
	}
	fs := site.New(site.Options{Catalog: catalog2026(), EmbedURL: func(h, _ string) string { return landing[h] }})
	srv := httptest.NewServer(fs)
	t.Cleanup(srv.Close)
	farm.Hoster(fakehoster.Vidoza).SetFailure(fakehoster.Removed)

	reg := hoster.Default()
	for host, name := range farm.Hosts() {
		reg.MapHost(host, name)
	}
	x, _ := reg.Lookup("Vidmoly")
	x.(*hoster.Vidmoly).EmbedHost = farm.Host(fakehoster.Vidmoly)
	doer := httpclient.New(httpclient.Options{Retries: -1, RateLimit: httpclient.RateLimit{PerSecond: -1}})
	c, err := aniworld.New(aniworld.AniWorld(srv.URL, doer, reg, nil))
	if err != nil {
		t.Fatal(err)
	}
	ep, err := c.Episode(t.Context(), "demo", 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		extractor string
		mediaOf   string // "" = must fail
		errIs     error
	}{
		"Vidara":     {"VOE", fakehoster.VOE, nil},
		"Vidavaca":   {"VOE", fakehoster.VOE, nil},
		"VOE":        {"VOE", "", anime.ErrProvider},
		"Doodstream": {"Doodstream", fakehoster.Doodstream, nil},
		"Filemoon":   {"Filemoon", fakehoster.Filemoon, nil},
		"Vidmoly":    {"Vidmoly", fakehoster.Vidmoly, nil},
		"Streamtape": {"Streamtape", fakehoster.Streamtape, nil},
		"LoadX":      {"LoadX", fakehoster.LoadX, nil},
		"Luluvdo":    {"Luluvdo", fakehoster.Luluvdo, nil},
		"Vidoza":     {"", "", anime.ErrNotFound}, // the landing page already says "File not found"
	}
	if len(ep.Links) != len(want) {
		t.Fatalf("%d links on the page", len(ep.Links))
	}
	for _, link := range ep.Links {
		t.Run(link.Hoster, func(t *testing.T) {
			w := want[link.Hoster]
			ctx, tr := provider.WithLinkTrace(t.Context())
			st, err := c.ResolveLink(ctx, link)
			if tr.Extractor != w.extractor || tr.Label != link.Hoster || tr.Host == "" {
				t.Errorf("trace %+v, want extractor %s", tr, w.extractor)
			}
			if w.mediaOf == "" {
				if err == nil || !errors.Is(err, w.errIs) || tr.FailedStep != provider.StepExtraction {
					t.Fatalf("resolved %s (err %v), want %v at extraction", st.URL, err, w.errIs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			id := landing[link.Hoster][strings.LastIndexAny(landing[link.Hoster], "/-")+1:]
			if !strings.Contains(st.URL, id) || !strings.Contains(st.URL, "127.0.0.1") {
				t.Fatalf("media %s is not the landing video's (%s)", st.URL, id)
			}
			first := fetchFirst(t, doer, st)
			var src []byte
			if st.Kind == anime.StreamHLS {
				src = media.Segments[0]
			} else {
				src = media.MP4
			}
			if !bytes.HasPrefix(src, first) || len(first) == 0 {
				t.Fatalf("first bytes of %s differ from the served media", st.URL)
			}
		})
	}
	// The resolver walks the links: the removed Vidoza costs one attempt
	// and the log names label, landing host and extractor.
	res, err := provider.NewResolver(c, provider.Preferences{Hosters: []string{"Vidoza", "VOE", "Vidara"}}).ResolveLinks(t.Context(), ep)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Attempts) != 3 || !errors.Is(res.Attempts[0].Err, anime.ErrNotFound) || res.Stream.Hoster != "VOE" ||
		!strings.Contains(res.Attempts[2].String(), "Vidara (German Dub) → "+farm.Host(fakehoster.VOE)+" [VOE]: ok") {
		t.Fatalf("attempts %v", res.Attempts)
	}
}

// fetchFirst reads the first bytes of a stream: a ranged GET of the MP4,
// or master → media playlist → first segment for HLS.
func fetchFirst(t *testing.T, c *httpclient.Client, st anime.Stream) []byte {
	t.Helper()
	get := func(u string, rng bool) []byte {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
		for k, v := range st.Headers {
			req.Header[k] = v
		}
		if rng {
			req.Header.Set("Range", "bytes=0-4095")
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("GET %s: %d", u, resp.StatusCode)
		}
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	if st.Kind != anime.StreamHLS {
		return get(st.URL, true)
	}
	u := st.URL
	for i := 0; i < 3; i++ {
		pl := string(get(u, false))
		var next string
		for _, line := range strings.Split(pl, "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				next = line
				break
			}
		}
		base := u[:strings.LastIndex(u, "/")+1]
		if strings.HasSuffix(next, ".ts") {
			return get(base+next, true)
		}
		u = base + next
	}
	t.Fatal("no segment")
	return nil
}
