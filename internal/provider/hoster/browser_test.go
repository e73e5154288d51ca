package hoster_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/browser"
	dl "github.com/aniworld/aniworld/internal/download"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/jsplayer"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

const browserUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"

// needChromium skips when no browser is on PATH (the test script
// installs Debian's chromium, so CI runs these tests).
func needChromium(t *testing.T) {
	t.Helper()
	for _, name := range browser.Candidates {
		if _, err := exec.LookPath(name); err == nil {
			return
		}
	}
	t.Skip("no chromium on PATH")
}

// uaClient is a plain client with a jar that names its UA per host, as
// the project's httpclient does.
type uaClient struct {
	*http.Client
	ua string
}

func (c uaClient) UserAgent(string) string { return c.ua }

func (c uaClient) Cookies(u *url.URL) []*http.Cookie { return c.Jar.Cookies(u) }

func engineBytes(t *testing.T, st anime.Stream) []byte {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	eng := dl.New(dl.Options{Client: &http.Client{Transport: tr}, DisableRemux: true, Retries: -1})
	res, err := eng.Download(context.Background(), st, filepath.Join(t.TempDir(), "e.mp4"), dl.Request{})
	if err != nil {
		t.Fatalf("download %s: %v", st.URL, err)
	}
	b, err := os.ReadFile(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBrowserExtractor plays pages no extractor can read and downloads
// what the browser found with the real engine, byte for byte.
func TestBrowserExtractor(t *testing.T) {
	needChromium(t)
	media := fakehoster.TestMedia(1<<20+777, 3, 32<<10)
	fake := jsplayer.Start(media)
	defer fake.Close()
	b := browser.New(browser.Options{CaptureTimeout: 20 * time.Second})
	defer b.Close()
	x := &hoster.Browser{Player: browser.HosterPlayer{B: b}, Skip: func(u string) bool { return strings.Contains(u, "BigBuckBunny") }}
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := uaClient{Client: &http.Client{Transport: tr, Jar: jar}, ua: browserUA}
	cases := []struct {
		variant string
		kind    anime.StreamKind
		want    []byte
	}{
		{jsplayer.Pieces, anime.StreamHLS, media.HLSBytes()},
		{jsplayer.Click, anime.StreamMP4, media.MP4},
		{jsplayer.IframeAuto, anime.StreamHLS, media.HLSBytes()},
		{jsplayer.Bait, anime.StreamHLS, media.HLSBytes()},
	}
	for _, tc := range cases {
		t.Run(tc.variant, func(t *testing.T) {
			st, err := x.Resolve(context.Background(), c, fake.EmbedURL(tc.variant, "h-"+tc.variant))
			if err != nil {
				t.Fatal(err)
			}
			if st.Kind != tc.kind || st.Headers.Get("User-Agent") != browserUA {
				t.Fatalf("stream %+v", st)
			}
			if got := engineBytes(t, st); !bytes.Equal(got, tc.want) {
				t.Fatalf("downloaded %d bytes, not the fake's %d", len(got), len(tc.want))
			}
		})
	}
}

func TestBrowserExtractorWithoutChromium(t *testing.T) {
	b := browser.New(browser.Options{LookPath: func(string) (string, error) { return "", exec.ErrNotFound }})
	defer b.Close()
	x := &hoster.Browser{Player: browser.HosterPlayer{B: b}}
	_, err := x.Resolve(context.Background(), http.DefaultClient, "http://127.0.0.1:1/e/abc")
	if !errors.Is(err, anime.ErrUnavailable) || !strings.Contains(err.Error(), "apt-get install chromium") {
		t.Fatalf("err %v: want unavailable, naming what to install", err)
	}
	if _, err := (&hoster.Browser{}).Resolve(context.Background(), http.DefaultClient, "http://127.0.0.1:1/e/abc"); !errors.Is(err, anime.ErrUnavailable) {
		t.Fatalf("no player: %v", err)
	}
	if _, err := x.Resolve(context.Background(), http.DefaultClient, "not a url"); !errors.Is(err, anime.ErrInvalid) {
		t.Fatalf("bad url: %v", err)
	}
}
