package hoster

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
)

// bodyDoer answers every request with 200 and the same body, so a fuzzer
// can drive every parsing path of every extractor without a network.
type bodyDoer string

func (b bodyDoer) Do(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"text/html"}},
		Body:       io.NopCloser(strings.NewReader(string(b))),
		Request:    req,
	}, nil
}

func FuzzExtractors(f *testing.F) {
	enc := fakehoster.EncodeVOE([]byte(`{"source":"https://a/b.m3u8"}`))
	packed, err := fakehoster.PackJS(`setup({file:"https://a/b.m3u8"})`, 62)
	if err != nil {
		f.Fatal(err)
	}
	seeds := []string{
		`<script type="application/json">"` + enc + `"</script>`,
		`window.location.href = '/e/abc';`,
		`sourcesCode: [{ src: "https://a/v.mp4" }]`,
		`$.get('/pass_md5/1/2') ... ?token=abc&expiry=`,
		`https://cdn/base`,
		`{"playback":{"key_parts":["AAAA"],"iv":"AAAA","payload":"AAAA"}}`,
		packed,
		`<iframe src="//x/e/1"></iframe>`,
		`file:"https://a/b.m3u8"`,
		`'robotlink').innerHTML = '//a/get?x=' + ('xcdtok').substring(1).substring(2)`,
		`{"videoSource":"https://a/b.m3u8"}`,
		`var _0x5opu234 = "` + fakehoster.EncodeSpeedFiles("https://a/v.mp4") + `";`,
		`{"streaming_url":"https://a/b.m3u8"}`,
		`let MKGMa="` + enc + `";`,
		`<script src="/js/loader.abc.js"></script><script type="application/json">"` + enc + `"</script>`,
		`var u = '/pass_md5/1/2'; ?token=abc&expiry=`,
		`op=validate&gc_response=`,
		`{"embed_frame_url":"/frame/1","challenge_id":"c","nonce":"bm9uY2U","token":"t","playback":{"key_parts":["AAAA"]}}`,
		`document.getElementById("botlink").innerHTML = "//a/get_video?id=1&token=" + ( "abcxyz" ).substring(3);`,
		`sources: [{ file: "https://a/b.m3u8" }]`,
		`<title>Video 404</title>`,
		``,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	xs := Default().All()
	f.Fuzz(func(t *testing.T, body string) {
		for _, x := range xs {
			st, err := x.Resolve(context.Background(), bodyDoer(body), "https://host.example/e/code1")
			if err == nil && (st.URL == "" || st.Kind == "" || st.Headers.Get("User-Agent") == "") {
				t.Fatalf("%s: incomplete stream %+v without error", x.Name(), st)
			}
		}
	})
}
