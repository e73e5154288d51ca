package hoster

import (
	"encoding/json"
	"strings"
	"testing"

	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
)

func BenchmarkDecodeVOE(b *testing.B) {
	js, _ := json.Marshal(map[string]string{"source": "https://cdn.example/" + strings.Repeat("x", 200) + "/master.m3u8", "direct_access_url": "https://cdn.example/v.mp4"})
	enc := fakehoster.EncodeVOE(js)
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if _, err := decodeVOE(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnpackJS(b *testing.B) {
	src := strings.Repeat(`var player=jwplayer("vplayer");player.setup({sources:[{file:"https://a/b.m3u8"}],width:"100%"});`, 50)
	packed, err := fakehoster.PackJS(src, 62)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(packed)))
	for b.Loop() {
		if _, err := unpackJS(packed); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecryptFilemoon(b *testing.B) {
	pb, err := fakehoster.EncryptFilemoon([]byte(`{"sources":[{"url":"https://a/1.m3u8","height":1080},{"url":"https://a/2.m3u8","height":720}]}`), 4)
	if err != nil {
		b.Fatal(err)
	}
	p := filemoonPlayback{KeyParts: pb.KeyParts, IV: pb.IV, Payload: pb.Payload}
	for b.Loop() {
		if _, err := decryptFilemoon(p); err != nil {
			b.Fatal(err)
		}
	}
}
