package doctor

import (
	"errors"
	"testing"
)

func FuzzFirstURI(f *testing.F) {
	f.Add("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nindex.m3u8\n")
	f.Add("#EXTM3U\n#EXTINF:4,\nseg-0.ts\n")
	f.Add("")
	f.Add("#EXTM3U\r\n\r\n#EXT-X-STREAM-INF\r\n")
	f.Fuzz(func(t *testing.T, pl string) {
		uri, _ := firstURI([]byte(pl))
		if uri != "" && (uri[0] == '#' || uri != trimmed(uri)) {
			t.Fatalf("uri %q", uri)
		}
		_, _ = resolve("https://cdn.example/a/master.m3u8", uri)
	})
}

func trimmed(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

func FuzzShortReason(f *testing.F) {
	f.Add("aniworld: hoster VOE: voe: no payload: provider error")
	f.Add("hoster ")
	f.Add(": : :")
	f.Fuzz(func(t *testing.T, msg string) {
		r := ShortReason(errors.New(msg))
		if len(r) > 64 {
			t.Fatalf("reason %d bytes long", len(r))
		}
	})
}

func TestFirstURI(t *testing.T) {
	tests := []struct {
		pl, uri string
		master  bool
	}{
		{"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\n  index-v1.m3u8  \n", "index-v1.m3u8", true},
		{"#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nhttps://cdn/s/0.ts?x=1\n", "https://cdn/s/0.ts?x=1", false},
		{"#EXTM3U\n#EXT-X-ENDLIST\n", "", false},
	}
	for _, tt := range tests {
		uri, master := firstURI([]byte(tt.pl))
		if uri != tt.uri || master != tt.master {
			t.Errorf("firstURI(%q) = %q %v", tt.pl, uri, master)
		}
	}
}
