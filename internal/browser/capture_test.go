package browser

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/download"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/jsplayer"
)

func isBigBuckBunny(u string) bool { return strings.Contains(strings.ToLower(u), "bigbuckbunny") }

// fetchWithEngine downloads m with the real download engine, without the
// browser, and returns the file's bytes.
func fetchWithEngine(t testing.TB, m Media) []byte {
	t.Helper()
	kind := anime.StreamMP4
	if m.Kind == MediaHLS {
		kind = anime.StreamHLS
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	eng := download.New(download.Options{Client: &http.Client{Transport: tr}, DisableRemux: true, Retries: -1})
	res, err := eng.Download(context.Background(), anime.Stream{URL: m.URL, Kind: kind, Headers: m.Headers},
		filepath.Join(t.TempDir(), "episode.mp4"), download.Request{})
	if err != nil {
		t.Fatalf("engine download of %s: %v", m.URL, err)
	}
	b, err := os.ReadFile(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCaptureFindsWhatOnlyThePageKnows(t *testing.T) {
	exe := needChromium(t)
	media := fakehoster.TestMedia(1<<20+12345, 3, 64<<10)
	fake := jsplayer.Start(media)
	defer fake.Close()
	b := New(Options{Path: exe, CaptureTimeout: 20 * time.Second})
	defer b.Close()
	cases := []struct {
		variant  string
		kind     string
		want     []byte
		urlHas   string
		frameHas string
	}{
		{jsplayer.Pieces, MediaHLS, media.HLSBytes(), "/hls/ep-pieces/master.m3u8", "/e/pieces/"},
		{jsplayer.Click, MediaMP4, media.MP4, "/mp4/ep-click/video.mp4", "/e/click/"},
		{jsplayer.Iframe, MediaMP4, media.MP4, "localhost", "/player/"},
		{jsplayer.IframeAuto, MediaHLS, media.HLSBytes(), "localhost", "/player/"},
		{jsplayer.Bait, MediaHLS, media.HLSBytes(), "/hls/ep-bait/index.m3u8", "/e/bait/"},
	}
	for _, tc := range cases {
		t.Run(tc.variant, func(t *testing.T) {
			embed := fake.EmbedURL(tc.variant, "ep-"+tc.variant)
			m, err := b.Capture(context.Background(), CaptureRequest{URL: embed, UserAgent: testUA, Skip: isBigBuckBunny})
			if err != nil {
				t.Fatalf("capture: %v", err)
			}
			if m.Kind != tc.kind || !strings.Contains(m.URL, tc.urlHas) || !strings.Contains(m.Frame, tc.frameHas) {
				t.Fatalf("captured %+v", m)
			}
			if m.Headers.Get("User-Agent") != testUA || m.Headers.Get("Referer") == "" {
				t.Fatalf("headers %v: want the page's UA and Referer", m.Headers)
			}
			if m.Kind == MediaMP4 && m.BrowserBytes >= int64(len(media.MP4))/2 {
				t.Fatalf("the browser read %d bytes of the video itself", m.BrowserBytes)
			}
			if m.Headers.Get("Range") != "" || m.Headers.Get("Sec-Fetch-Dest") != "" {
				t.Fatalf("headers %v carry browser-only headers", m.Headers)
			}
			// Without the browser's headers the media is refused.
			if code, _ := get(t, m.URL, testUA, nil); code != http.StatusForbidden {
				t.Fatalf("plain GET of the media with the UA but no other header: %d", code)
			}
			before := fake.Counts()
			got := fetchWithEngine(t, m)
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("downloaded %d bytes, not the fake's %d", len(got), len(tc.want))
			}
			after := fake.Counts()
			if after.EngineRequests == before.EngineRequests || after.BrowserRequests != before.BrowserRequests {
				t.Fatalf("the download did not run outside the browser: before %+v after %+v", before, after)
			}
		})
	}
	if c := fake.Counts(); c.BrowserSegments != 0 {
		t.Fatalf("the browser fetched %d HLS segments", c.BrowserSegments)
	}
	st := b.Status()
	if st.Starts != 1 || len(st.Hosts) != 1 || st.Hosts[0].Kind != KindCapture || st.Hosts[0].OK != len(cases) {
		t.Fatalf("status %+v", st)
	}
}

func TestCaptureTimeLimitAndBait(t *testing.T) {
	exe := needChromium(t)
	fake := jsplayer.Start(fakehoster.TestMedia(1<<20, 2, 16<<10))
	defer fake.Close()
	b := New(Options{Path: exe, CaptureTimeout: 3 * time.Second})
	defer b.Close()
	cases := []struct {
		name    string
		variant string
		skip    func(string) bool
		min     int64
		want    []string
	}{
		{"never plays", jsplayer.Never, nil, 0, []string{"no stream within 3s", "clicks"}},
		{"only bait and ads, the playlist refused by length", jsplayer.Bait, isBigBuckBunny, 0, []string{"1 bait refused", "1 tiny refused", "1 duration refused"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := CaptureRequest{URL: fake.EmbedURL(tc.variant, "x-"+tc.variant), UserAgent: testUA, Skip: tc.skip}
			if tc.variant == jsplayer.Bait {
				req.ExpectedDuration = 24 * time.Minute // the fake's playlist is 12 s long
			}
			_, err := b.Capture(context.Background(), req)
			if !errors.Is(err, ErrTimeout) {
				t.Fatalf("err %v, want ErrTimeout", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestMediaKindAndSize(t *testing.T) {
	cases := []struct {
		url, mime, want string
	}{
		{"https://cdn.example/x/master.m3u8?t=1", "", MediaHLS},
		{"https://cdn.example/x/playlist", "application/vnd.apple.mpegurl", MediaHLS},
		{"https://cdn.example/x/playlist", "application/x-mpegURL; charset=utf-8", MediaHLS},
		{"https://cdn.example/x/seg-1.ts", "video/mp2t", ""},
		{"https://cdn.example/x/init.m4s", "video/iso.segment", ""},
		{"https://cdn.example/x/v.mp4", "", MediaMP4},
		{"https://cdn.example/x/stream", "video/mp4", MediaMP4},
		{"https://cdn.example/x/app.js", "application/javascript", ""},
		{"blob:https://x/1", "video/mp4", ""},
	}
	for _, tc := range cases {
		if got := mediaKind(tc.url, tc.mime); got != tc.want {
			t.Errorf("mediaKind(%q, %q) = %q, want %q", tc.url, tc.mime, got, tc.want)
		}
	}
	sizes := []struct {
		h    http.Header
		want int64
	}{
		{http.Header{"Content-Range": {"bytes 0-1023/5000000"}, "Content-Length": {"1024"}}, 5000000},
		{http.Header{"Content-Length": {"42"}}, 42},
		{http.Header{"Content-Range": {"bytes 0-1023/*"}}, -1},
		{http.Header{}, -1},
	}
	for _, tc := range sizes {
		if got := mediaSize(tc.h); got != tc.want {
			t.Errorf("mediaSize(%v) = %d, want %d", tc.h, got, tc.want)
		}
	}
	for host, ad := range map[string]bool{"pubads.g.doubleclick.net": true, "doubleclick.net": true, "notdoubleclick.net": false,
		"cdn.edgeon-bandwidth.com": false, "vast.example.com": true, "imasdk.googleapis.com": true} {
		if isAdHost(host) != ad {
			t.Errorf("isAdHost(%q) = %v", host, !ad)
		}
	}
}

func TestHLSDuration(t *testing.T) {
	cases := []struct {
		body string
		want time.Duration
		ok   bool
	}{
		{"#EXTM3U\n#EXTINF:6.0,\na.ts\n#EXTINF:4.5,\nb.ts\n#EXT-X-ENDLIST\n", 10500 * time.Millisecond, true},
		{"#EXTM3U\r\n#EXTINF:10,title\r\na.ts\r\n", 10 * time.Second, true},
		{"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nindex.m3u8\n", 0, false},
		{"not a playlist", 0, false},
	}
	for _, tc := range cases {
		d, ok := hlsDuration(tc.body)
		if d != tc.want || ok != tc.ok {
			t.Errorf("hlsDuration(%q) = %s %v, want %s %v", tc.body, d, ok, tc.want, tc.ok)
		}
	}
}

func FuzzHLSDuration(f *testing.F) {
	f.Add("#EXTM3U\n#EXTINF:6.0,\na.ts\n")
	f.Add("#EXT-X-STREAM-INF:\n")
	f.Fuzz(func(t *testing.T, body string) {
		if d, ok := hlsDuration(body); ok && d < 0 {
			t.Fatalf("negative duration %s", d)
		}
	})
}

func TestCaptureHeadedUnderXvfb(t *testing.T) {
	exe := needChromium(t)
	needXvfb(t)
	media := fakehoster.TestMedia(1<<20, 2, 16<<10)
	fake := jsplayer.Start(media)
	defer fake.Close()
	b := New(Options{Path: exe, Headed: true, CaptureTimeout: 20 * time.Second})
	defer b.Close()
	m, err := b.Capture(context.Background(), CaptureRequest{URL: fake.EmbedURL(jsplayer.Click, "headed"), UserAgent: testUA})
	if err != nil {
		t.Fatal(err)
	}
	if st := b.Status(); !st.Headed || !st.Running {
		t.Fatalf("status %+v", st)
	}
	if got := fetchWithEngine(t, m); !bytes.Equal(got, media.MP4) {
		t.Fatalf("downloaded %d bytes", len(got))
	}
}
