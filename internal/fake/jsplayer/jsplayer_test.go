package jsplayer

import (
	"io"
	"net/http"
	"strings"
	"testing"

	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
)

// TestMediaNeedsThePageHeaders checks the fake's rules without a browser:
// the media URL is not in the page, and media answers only to the page's
// UA, Referer and session cookie.
func TestMediaNeedsThePageHeaders(t *testing.T) {
	media := fakehoster.TestMedia(4096, 2, 1024)
	p := Start(media)
	defer p.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	const ua = "Mozilla/5.0 test"
	get := func(u string, h map[string]string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		for k, v := range h {
			req.Header.Set(k, v)
		}
		res, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, string(b)
	}
	embed := p.EmbedURL(Pieces, "abc")
	res, page := get(embed, map[string]string{"User-Agent": ua})
	if res.StatusCode != 200 || strings.Contains(page, "master.m3u8") || strings.Contains(page, "/hls/abc") {
		t.Fatalf("embed page %d shows its media URL: %s", res.StatusCode, page)
	}
	var session string
	for _, c := range res.Cookies() {
		if c.Name == SessionCookie {
			session = c.Value
		}
	}
	mp4 := p.Pages.URL + "/mp4/abc/video.mp4"
	good := map[string]string{"User-Agent": ua, "Referer": embed, "Cookie": SessionCookie + "=" + session}
	cases := []struct {
		name string
		drop string
		code int
	}{
		{"all headers", "", 200},
		{"no cookie", "Cookie", 403},
		{"no referer", "Referer", 403},
		{"other UA", "User-Agent", 403},
	}
	for _, tc := range cases {
		h := map[string]string{}
		for k, v := range good {
			if k != tc.drop {
				h[k] = v
			}
		}
		if tc.drop == "User-Agent" {
			h["User-Agent"] = "curl/8"
		}
		if res, body := get(mp4, h); res.StatusCode != tc.code || (tc.code == 200 && body != string(media.MP4)) {
			t.Errorf("%s: status %d", tc.name, res.StatusCode)
		}
	}
	h := map[string]string{"User-Agent": ua, "Referer": embed, "Cookie": SessionCookie + "=" + session, "Range": "bytes=10-19"}
	if res, body := get(mp4, h); res.StatusCode != 206 || body != string(media.MP4[10:20]) {
		t.Errorf("range: %d", res.StatusCode)
	}
	h["Sec-Fetch-Dest"] = "video"
	get(mp4, h)
	if c := p.Counts(); c.EngineRequests != 2 || c.BrowserRequests != 1 || c.BrowserBytes != 10 {
		t.Errorf("counts %+v", c)
	}
}
