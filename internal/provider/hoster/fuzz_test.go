package hoster

import (
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
