package hoster_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/browser"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/jsplayer"
	"github.com/aniworld/aniworld/internal/provider"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// TestBrowserFallbackInRegistry runs the registry's dispatch with the
// browser as its fallback: VOE's extractor fails on a page whose payload
// only its script builds, the browser takes the stream, and the attempt
// log says so; a host without an extractor goes to the browser directly.
func TestBrowserFallbackInRegistry(t *testing.T) {
	needChromium(t)
	media := fakehoster.TestMedia(1<<20+99, 3, 16<<10)
	fake := jsplayer.Start(media)
	defer fake.Close()
	b := browser.New(browser.Options{CaptureTimeout: 20 * time.Second})
	defer b.Close()
	reg := hoster.Default()
	pages, _ := url.Parse(fake.Pages.URL)
	if !reg.MapHost(pages.Host, "VOE") {
		t.Fatal("no VOE extractor")
	}
	reg.SetFallback(&hoster.Browser{Player: browser.HosterPlayer{B: b}})
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := uaClient{Client: &http.Client{Transport: tr, Jar: jar}, ua: browserUA}

	embed := fake.EmbedURL(jsplayer.Pieces, "voe-1")
	ctx, trace := provider.WithLinkTrace(context.Background())
	st, err := provider.ResolveHosterLink(ctx, "aniworld", reg, c, provider.HosterLink{Hoster: "VOE", URL: embed, Lang: anime.LangGermanDub},
		func(_ context.Context, l provider.HosterLink) (string, error) { return l.URL, nil })
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	if trace.Extractor != "VOE" || trace.Fallback != "ok" ||
		!strings.HasPrefix(trace.Note, "VOE: extractor failed (") || !strings.HasSuffix(trace.Note, "browser fallback OK") {
		t.Fatalf("trace %+v", trace)
	}
	t.Logf("attempt log: %s", trace.Note)
	if got := engineBytes(t, st); !bytes.Equal(got, media.HLSBytes()) {
		t.Fatalf("downloaded %d bytes, not the fake's", len(got))
	}

	// A host no extractor knows (the iframe origin) goes to the browser.
	frames, _ := url.Parse(fake.FramesURL)
	direct := frames.Scheme + "://" + frames.Host + "/player/direct-1?auto=1"
	st, d, err := reg.Resolve(context.Background(), c, "NeuerHoster", direct)
	if err != nil || d.Extractor != "" || d.Fallback != "ok" || st.Kind != anime.StreamHLS {
		t.Fatalf("direct: %+v %+v %v", st, d, err)
	}
	if got := engineBytes(t, st); !bytes.Equal(got, media.HLSBytes()) {
		t.Fatalf("direct: downloaded %d bytes, not the fake's", len(got))
	}
}

func TestBrowserFallbackWithoutChromiumSaysSo(t *testing.T) {
	fake := jsplayer.Start(fakehoster.TestMedia(1024, 1, 512))
	defer fake.Close()
	b := browser.New(browser.Options{LookPath: func(string) (string, error) { return "", exec.ErrNotFound }})
	defer b.Close()
	reg := hoster.Default()
	pages, _ := url.Parse(fake.Pages.URL)
	reg.MapHost(pages.Host, "VOE")
	reg.SetFallback(&hoster.Browser{Player: browser.HosterPlayer{B: b}})
	_, _, err := reg.Resolve(context.Background(), http.DefaultClient, "VOE", fake.EmbedURL(jsplayer.Pieces, "x"))
	var fe *hoster.FallbackError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "VOE: extractor failed (") ||
		!strings.Contains(err.Error(), "browser fallback failed") || !strings.Contains(err.Error(), "apt-get install chromium") {
		t.Fatalf("err %v", err)
	}
}
