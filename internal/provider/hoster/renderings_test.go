package hoster

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
)

// pagesDoer answers GET/POST by path from a map (404 otherwise), with
// Set-Cookie headers for paths listed in cookies.
type pagesDoer struct {
	pages   map[string]string
	cookies map[string]string
}

func (d pagesDoer) Do(req *http.Request) (*http.Response, error) {
	body, ok := d.pages[req.URL.Path]
	code := http.StatusOK
	if !ok {
		code, body = http.StatusNotFound, "not found"
	}
	h := http.Header{"Content-Type": {"text/html"}}
	if c, ok := d.cookies[req.URL.Path]; ok {
		h.Set("Set-Cookie", c)
	}
	return &http.Response{StatusCode: code, Header: h, Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
}

const jsd = `<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script>`

// TestPageRenderings parses each 2026 form in several renderings a real
// page could have: other quotes, whitespace, attribute order, wrappers,
// noise around the payload.
func TestPageRenderings(t *testing.T) {
	const media = "https://cdn.example.net/hls/abc/master.m3u8"
	const mp4 = "https://cdn.example.net/v/abc.mp4"
	enc := fakehoster.EncodeVOE([]byte(`{"source":"` + media + `"}`))
	loaderEnc := fakehoster.EncodeVOEWith([]byte(`{"source":"`+media+`"}`), fakehoster.LoaderTokens)
	simple := fakehoster.EncodeVOESimple([]byte(`{"source":"` + media + `"}`))
	loaderJS := `!function(){var a=1;var junk = [ "<>" ,"|]", "}{",'&;', "` + "`~" + `" , ")(" ];window.z=junk}();`
	tests := []struct {
		name  string
		x     Extractor
		pages map[string]string
		want  string
	}{
		{"voe json, attributes reordered", &VOE{}, map[string]string{"/e/1": `<html><head><title>VOE</title></head><body>` +
			`<script data-cfasync="false" type = 'application/json' id="p">` + "\n  \"" + enc + "\"\n" + `</script>` + jsd + `</body></html>`}, media},
		{"voe json after ld+json noise", &VOE{}, map[string]string{"/e/1": `<script type="application/ld+json">{"name":"x"}</script>` +
			`<div class="ad">x</div><SCRIPT TYPE="application/json">["` + enc + `"]</SCRIPT>`}, media},
		{"voe MKGMa with spaces and single quotes", &VOE{}, map[string]string{"/e/1": "<script>\n\tvar   MKGMa = '" + enc + "' ;\n</script>"}, media},
		{"voe MKGMa inside a larger script", &VOE{}, map[string]string{"/e/1": `<script>window.x=1;let MKGMa="` + enc + `",y=2;play(MKGMa)</script>`}, media},
		{"voe a168c double quotes", &VOE{}, map[string]string{"/e/1": `<script>var a168c = "` + enc + `";</script>`}, media},
		{"voe a168c base64-reverse form", &VOE{}, map[string]string{"/e/1": `<script>var a168c='` + simple + `'</script>`}, media},
		{"voe loader script, relative src with query", &VOE{}, map[string]string{
			"/e/1":                 `<script type="application/json">"` + loaderEnc + `"</script><script async src="js/loader.9f8e.js?v=3"></script>`,
			"/e/js/loader.9f8e.js": loaderJS}, media},
		{"voe loader script, absolute path, double-quoted tokens", &VOE{}, map[string]string{
			"/e/1":                 `<script src='/js/loader.ab12cd.js' defer></script><script type="application/json">"` + loaderEnc + `"</script>`,
			"/js/loader.ab12cd.js": loaderJS}, media},
		{"voe tokens inline in the page", &VOE{}, map[string]string{"/e/1": `<script>var t=["<>","|]","}{","&;","` + "`~" + `",")("];</script>` +
			`<script type="application/json">"` + loaderEnc + `"</script>`}, media},
		{"voe forward with window.location and double quotes", &VOE{}, map[string]string{
			"/e/1": `<script>  window.location = "/abc" ;</script>`,
			"/abc": `<script type="application/json">"` + enc + `"</script>`}, media},
		{"dood pass_md5 in $.get with double quotes", &Doodstream{}, map[string]string{
			"/e/1":              `<script>$.get("/pass_md5/1-2/xyz", function(d){ x = d + "?token=tok123&expiry=" })</script>`,
			"/pass_md5/1-2/xyz": "https://cdn.example.net/dl/"}, "https://cdn.example.net/dl/"},
		{"dood pass_md5 in a variable", &Doodstream{}, map[string]string{
			"/e/1":          "<script>\nconst p = '/pass_md5/9/8';\nfetch(p).then(r => r.text()).then(b => go(b + '?token=tok9&expiry=' + Date.now()));\n</script>",
			"/pass_md5/9/8": "https://cdn.example.net/dl/"}, "https://cdn.example.net/dl/"},
		{"vidmoly file with single quotes and a subtitle track", &Vidmoly{}, map[string]string{
			"/embed-1.html": `<script>player.setup({tracks:[{file:'https://cdn.example.net/s.vtt'}], sources: [ { file : '` + media + `' } ]})</script>`}, media},
		{"streamtape botlink double quotes and spaces", &Streamtape{}, map[string]string{
			"/e/1": `<script>document.getElementById( "botlink" ).innerHTML = "//cdn.example.net/get_video?id=1&token=" + ( "xyzTOK" ).substring( 3 );</script>`},
			"https://cdn.example.net/get_video?id=1&token=TOK"},
		{"streamtape robotlink two substrings", &Streamtape{}, map[string]string{
			"/e/1": `<script>document.getElementById('robotlink').innerHTML = '//cdn.example.net/get_video?id=1&token='+ ('xcdTOK').substring(1).substring(2);</script>`},
			"https://cdn.example.net/get_video?id=1&token=TOK"},
		{"luluvdo sources with quoted key", &Luluvdo{}, map[string]string{
			"/e/1": `<script>jwplayer("v").setup({ "sources" : [ { "file" : "` + media + `" } ] , image: "/x.jpg" })</script>`}, media},
		{"luluvdo sources multi-line", &Luluvdo{}, map[string]string{
			"/e/1": "<script>setup({\n  sources: [\n    {file:\"" + media + "\", label: \"HD\"}\n  ]\n});</script>"}, media},
		{"vidoza sourcesCode single quotes", &Vidoza{}, map[string]string{
			"/embed-1.html": `<script>new Clappr.Player({ sourcesCode: [ { src: '` + mp4 + `', type: 'video/mp4' } ] })</script>`}, mp4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/e/1"
			if _, ok := tt.pages["/embed-1.html"]; ok {
				path = "/embed-1.html"
			}
			st, err := tt.x.Resolve(context.Background(), pagesDoer{pages: tt.pages}, "https://host.example"+path)
			if err != nil {
				t.Fatalf("resolve: %v", err)
			}
			if !strings.HasPrefix(st.URL, tt.want) {
				t.Fatalf("url %q, want %q", st.URL, tt.want)
			}
		})
	}
}

// TestLoadXCookieRenderings: the cookie is found among several
// Set-Cookie attributes and carried to the getVideo POST.
func TestLoadXCookieRenderings(t *testing.T) {
	for _, c := range []string{
		"fireplayer_player=abc123; Path=/; HttpOnly",
		"fireplayer_player=abc123",
		"fireplayer_player=abc123; Max-Age=3600; SameSite=Lax; Secure",
	} {
		d := &cookieCheck{pagesDoer: pagesDoer{pages: map[string]string{
			"/video/68/x":       `<div id="player"></div>`,
			"/player/index.php": `{"videoSource":"https://cdn.example.net/x.m3u8"}`,
		}, cookies: map[string]string{"/video/68/x": c}}}
		st, err := (&LoadX{}).Resolve(context.Background(), d, "https://loadx.example/video/68/x")
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if st.Headers.Get("Cookie") != "fireplayer_player=abc123" || d.postCookie != "fireplayer_player=abc123" {
			t.Fatalf("%s: download cookie %q, post cookie %q", c, st.Headers.Get("Cookie"), d.postCookie)
		}
	}
}

type cookieCheck struct {
	pagesDoer
	postCookie string
}

func (c *cookieCheck) Do(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost {
		c.postCookie = req.Header.Get("Cookie")
	}
	return c.pagesDoer.Do(req)
}
