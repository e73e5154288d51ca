package hoster

import (
	"context"
	"encoding/json"
	"testing"

	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
)

func FuzzDecodeVOE(f *testing.F) {
	f.Add(fakehoster.EncodeVOE([]byte(`{"source":"https://a/b.m3u8"}`)))
	f.Add("")
	f.Add("@$^^~@%?*~!!#&")
	f.Add("Gur!!dhvpx")
	f.Fuzz(func(t *testing.T, s string) {
		out, err := decodeVOE(s)
		if err == nil && !json.Valid(out) {
			t.Fatalf("decodeVOE returned invalid JSON without error")
		}
	})
}

func FuzzVOEPayload(f *testing.F) {
	enc := fakehoster.EncodeVOE([]byte(`{"source":"https://a/b.m3u8","direct_access_url":"https://a/b.mp4"}`))
	f.Add(`<script type="application/json">"` + enc + `"</script>`)
	f.Add(`<script type="application/json">["` + enc + `"]</script>`)
	f.Add(`var a168c='` + enc + `';`)
	f.Add(`{'hls': 'aHR0cHM6Ly9hL2IubTN1OA=='}`)
	f.Add(`{'mp4': 'https://a/b.mp4'}`)
	f.Add(`<script type="application/json">{"fallback":[{"file":1}]}</script>`)
	f.Add(`let MKGMa="` + enc + `";`)
	f.Add(`var a168c='` + fakehoster.EncodeVOESimple([]byte(`{"source":"https://a/b.m3u8"}`)) + `';`)
	f.Add(`<script type='application/json'>"` + fakehoster.EncodeVOEWith([]byte(`{"source":"https://test-videos.co.uk/b.m3u8"}`), fakehoster.LoaderTokens) + `"</script>`)
	f.Fuzz(func(t *testing.T, body string) {
		u, kind, err := voePayload(body)
		if err == nil && u != "" && kind == "" {
			t.Fatal("url without kind")
		}
	})
}

func FuzzUnpackJS(f *testing.F) {
	packed, err := fakehoster.PackJS(`jwplayer("v").setup({sources:[{file:"https://a/b.m3u8"}]});`, 62)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(packed)
	f.Add(`eval(function(p,a,c,k,e,d){}('0 1',10,2,'a|b'.split('|'),0,{}))`)
	f.Add(`eval(function(p,a,c,k,e,d){}('`)
	f.Add(`eval(function(p,a,c,k,e,d){}('zzzzzzzzzzzz',62,1,'a'.split('|'),0,{}))`)
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = unpackJS(s)
	})
}

func FuzzDecryptFilemoon(f *testing.F) {
	pb, err := fakehoster.EncryptFilemoon([]byte(`{"sources":[{"url":"https://a/b.m3u8","height":720}]}`), 2)
	if err != nil {
		f.Fatal(err)
	}
	good, _ := json.Marshal(pb)
	f.Add(string(good))
	f.Add(`{"key_parts":["AAAA"],"iv":"AAAA","payload":"AAAA"}`)
	f.Add(`{"key_parts":[],"iv":"","payload":""}`)
	for _, edge := range []bool{false, true} {
		bp, err := fakehoster.EncryptByse([]byte(`{"sources":[{"url":"https://a/b.m3u8","height":720}]}`), edge)
		if err != nil {
			f.Fatal(err)
		}
		b, _ := json.Marshal(bp)
		f.Add(string(b))
	}
	f.Add(`{"key_parts":["AAAAAAAAAAAAAAAAAAAAAA","AAAAAAAAAAAAAAAAAAAAAA"],"iv2":"AAAA","payload2":"AAAA","decrypt_keys":{"edge_1":"AA","edge_2":"A"}}`)
	f.Fuzz(func(t *testing.T, s string) {
		var p filemoonPlayback
		if json.Unmarshal([]byte(s), &p) != nil {
			return
		}
		_, _ = decryptFilemoon(p)
	})
}

func FuzzDecodeSpeedFiles(f *testing.F) {
	f.Add(fakehoster.EncodeSpeedFiles("https://a/b.mp4"))
	f.Add("")
	f.Add("!!notbase64!!")
	f.Add("QUJD")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = decodeSpeedFiles(s)
	})
}

func FuzzVOETokens(f *testing.F) {
	f.Add(`var z=['<>', '|]', '}{', '&;', '` + "`~" + `', ')('];`)
	f.Add(`["@$","^^","~@","%?","*~","!!","#&"]`)
	f.Add(`[`)
	f.Add(`['a','b']`)
	f.Fuzz(func(t *testing.T, js string) {
		toks := VOETokens(js)
		if toks != nil && (len(toks) < 5 || len(toks) > 8) {
			t.Fatalf("%d tokens", len(toks))
		}
		for _, tok := range toks {
			if tok == "" {
				t.Fatal("empty token")
			}
		}
	})
}

func FuzzRemoved(f *testing.F) {
	f.Add(`<title>404</title>`)
	f.Add(`<script>Video not found</script>`)
	f.Add(`<p>im Wartungsmodus</p>`)
	f.Add(`<script`)
	f.Fuzz(func(t *testing.T, page string) {
		_ = Removed(page)
		_ = IsBait(page)
	})
}

// FuzzDispatch drives Registry.Resolve (host table, page recognition,
// forwards, label, fallback) with one body for every request.
func FuzzDispatch(f *testing.F) {
	f.Add("VOE", `<title>VOE</title><script type="application/json">"x"</script>`)
	f.Add("Vidara", `<script>window.location = "/next";</script>`)
	f.Add("Filemoon", `<title>Byse Frontend</title>`)
	f.Add("", `'/pass_md5/a/b' ?token=abc`)
	f.Fuzz(func(t *testing.T, label, body string) {
		reg := Default()
		st, _, err := reg.Resolve(context.Background(), bodyDoer(body), label, "https://unknown.example/e/code1")
		if err == nil && (st.URL == "" || IsBait(st.URL)) {
			t.Fatalf("stream %+v without error", st)
		}
	})
}
