package download

import (
	"bytes"
	"errors"
	"net/url"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestParsePlaylistMaster(t *testing.T) {
	base, _ := url.Parse("https://cdn.example/hls/v1/master.m3u8?t=tok")
	tests := []struct {
		name     string
		in       string
		wantN    int
		wantBest string
	}{
		{
			name: "highest resolution wins over bandwidth",
			in: "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=854x480\n480.m3u8\n" +
				"#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1920x1080,CODECS=\"avc1.640028,mp4a.40.2\"\n1080/index.m3u8\n",
			wantN:    2,
			wantBest: "https://cdn.example/hls/v1/1080/index.m3u8",
		},
		{
			name: "bandwidth breaks ties and absolute uris stay",
			in: "#EXTM3U\r\n#EXT-X-STREAM-INF:BANDWIDTH=100\r\nhttps://a.example/low.m3u8\r\n" +
				"#EXT-X-STREAM-INF:BANDWIDTH=200\r\n/root/high.m3u8\r\n",
			wantN:    2,
			wantBest: "https://cdn.example/root/high.m3u8",
		},
		{
			name:     "byte order mark and i-frame lines ignored",
			in:       "\xef\xbb\xbf#EXTM3U\n#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=9,URI=\"if.m3u8\"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n",
			wantN:    1,
			wantBest: "https://cdn.example/hls/v1/v.m3u8",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl, err := ParsePlaylist([]byte(tt.in), base)
			if err != nil {
				t.Fatal(err)
			}
			if pl.Master == nil || pl.Media != nil {
				t.Fatalf("not a master: %+v", pl)
			}
			if len(pl.Master.Variants) != tt.wantN {
				t.Errorf("variants = %d, want %d", len(pl.Master.Variants), tt.wantN)
			}
			if got := pl.Master.BestVariant().URI; got != tt.wantBest {
				t.Errorf("best = %s, want %s", got, tt.wantBest)
			}
		})
	}
}

func TestParsePlaylistMedia(t *testing.T) {
	base, _ := url.Parse("https://cdn.example/a/b/index.m3u8")
	in := `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:6
#EXT-X-MEDIA-SEQUENCE:100
#EXT-X-MAP:URI="init.mp4",BYTERANGE="720@0"
#EXTINF:6.006,
s0.m4s
#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example/k?id=1,2",IV=0x0102
#EXTINF:5.5,title with, comma
../s1.m4s
#EXT-X-BYTERANGE:1000@50
#EXTINF:4,
big.ts
#EXT-X-BYTERANGE:500
#EXTINF:4,
big.ts
#EXT-X-KEY:METHOD=NONE
#EXTINF:2,
/abs/s4.ts
#EXT-X-ENDLIST
`
	pl, err := ParsePlaylist([]byte(in), base)
	if err != nil {
		t.Fatal(err)
	}
	m := pl.Media
	if m == nil || pl.Master != nil {
		t.Fatal("not a media playlist")
	}
	if !m.EndList || m.MediaSequence != 100 || m.TargetDuration != 6 || len(m.Segments) != 5 {
		t.Fatalf("playlist = %+v", m)
	}
	wantIV := append(make([]byte, 14), 1, 2)
	tests := []struct {
		name   string
		seg    Segment
		uri    string
		dur    float64
		seq    int64
		keyed  bool
		rng    *ByteRange
		hasMap bool
	}{
		{"first", m.Segments[0], "https://cdn.example/a/b/s0.m4s", 6.006, 100, false, nil, true},
		{"keyed relative parent", m.Segments[1], "https://cdn.example/a/s1.m4s", 5.5, 101, true, nil, true},
		{"byte range with offset", m.Segments[2], "https://cdn.example/a/b/big.ts", 4, 102, true, &ByteRange{1000, 50}, true},
		{"byte range continues", m.Segments[3], "https://cdn.example/a/b/big.ts", 4, 103, true, &ByteRange{500, 1050}, true},
		{"key none", m.Segments[4], "https://cdn.example/abs/s4.ts", 2, 104, false, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.seg
			if s.URI != tt.uri || s.Duration != tt.dur || s.Sequence != tt.seq {
				t.Errorf("segment = %+v", s)
			}
			if (s.Key != nil) != tt.keyed {
				t.Errorf("key = %+v", s.Key)
			}
			if s.Key != nil && (s.Key.URI != "https://keys.example/k?id=1,2" || !bytes.Equal(s.Key.IV, wantIV)) {
				t.Errorf("key = %+v", s.Key)
			}
			if (tt.rng == nil) != (s.Range == nil) || (tt.rng != nil && *tt.rng != *s.Range) {
				t.Errorf("range = %+v, want %+v", s.Range, tt.rng)
			}
			if (s.Map != nil) != tt.hasMap || s.Map.URI != "https://cdn.example/a/b/init.mp4" || s.Map.Range.Length != 720 || s.Map.Sequence != 100 {
				t.Errorf("map = %+v", s.Map)
			}
		})
	}
	if d := m.TotalDuration(); d < 21.5 || d > 21.51 {
		t.Errorf("total duration %v", d)
	}
}

func TestParsePlaylistErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"html", "<html><title>Just a moment...</title></html>"},
		{"negative duration", "#EXTM3U\n#EXTINF:-1,\na.ts\n"},
		{"nan duration", "#EXTM3U\n#EXTINF:NaN,\na.ts\n"},
		{"uri without extinf", "#EXTM3U\n#EXT-X-TARGETDURATION:4\na.ts\n"},
		{"bad bandwidth", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=x\nv.m3u8\n"},
		{"bad resolution", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=big\nv.m3u8\n"},
		{"master without variants", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n"},
		{"mixed master and media", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n#EXTINF:1,\na.ts\n"},
		{"key without method", "#EXTM3U\n#EXT-X-KEY:URI=\"k\"\n#EXTINF:1,\na.ts\n"},
		{"bad iv", "#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\",IV=0xZZ\n"},
		{"long iv", "#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\",IV=0x" + "00112233445566778899aabbccddeeff00" + "\n"},
		{"map without uri", "#EXTM3U\n#EXT-X-MAP:BYTERANGE=\"1@0\"\n"},
		{"bad byterange", "#EXTM3U\n#EXT-X-BYTERANGE:-5\n"},
		{"bad media sequence", "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:-1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePlaylist([]byte(tt.in), nil)
			if !errors.Is(err, anime.ErrProvider) {
				t.Errorf("err = %v, want ErrProvider", err)
			}
		})
	}
}

func TestIVAndDecrypt(t *testing.T) {
	key := randomBytes(1, 16)
	iv := ivFor(&Key{Method: "AES-128"}, 258)
	if want := append(make([]byte, 14), 1, 2); !bytes.Equal(iv, want) {
		t.Fatalf("iv = %x", iv)
	}
	tests := []struct {
		name  string
		plain []byte
	}{
		{"empty plaintext is one padding block", nil},
		{"block aligned", randomBytes(2, 32)},
		{"unaligned", randomBytes(3, 1001)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := encryptAES128(t, tt.plain, key, iv)
			got, err := decryptAES128(ct, key, iv)
			if err != nil || !bytes.Equal(got, tt.plain) {
				t.Fatalf("decrypt = %x, %v", got, err)
			}
		})
	}
	if _, err := decryptAES128(make([]byte, 15), key, iv); err == nil {
		t.Error("unaligned ciphertext accepted")
	}
}

func FuzzParsePlaylist(f *testing.F) {
	seeds := []string{
		"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=1x1\nv.m3u8\n",
		"#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:3\n#EXT-X-MAP:URI=\"i.mp4\",BYTERANGE=\"5@1\"\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\",IV=0x1\n#EXTINF:1.5,\n#EXT-X-BYTERANGE:10@0\na.ts\n#EXT-X-ENDLIST\n",
		"#EXTM3U\n#EXT-X-KEY:METHOD=NONE\n#EXTINF:2,\n../b.ts\n",
		"#EXTM3U\n#EXT-X-STREAM-INF:CODECS=\"a,b\",BANDWIDTH=5\nhttps://x/y.m3u8\n",
		"",
		"#EXTM3U\n#EXTINF:1,\n%zz\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	base, _ := url.Parse("https://cdn.example/p/index.m3u8")
	f.Fuzz(func(t *testing.T, data []byte) {
		pl, err := ParsePlaylist(data, base)
		if err != nil {
			if !errors.Is(err, anime.ErrProvider) {
				t.Fatalf("error does not wrap ErrProvider: %v", err)
			}
			return
		}
		if (pl.Master == nil) == (pl.Media == nil) {
			t.Fatalf("exactly one of master/media must be set: %+v", pl)
		}
		if pl.Master != nil {
			_ = pl.Master.BestVariant() // must not panic: at least one variant
			return
		}
		for i, s := range pl.Media.Segments {
			if s.Duration < 0 || s.Sequence != pl.Media.MediaSequence+int64(i) {
				t.Fatalf("segment %d = %+v", i, s)
			}
			if s.Key != nil && s.Key.IV != nil && len(s.Key.IV) != 16 {
				t.Fatalf("iv length %d", len(s.Key.IV))
			}
			if s.Range != nil && (s.Range.Length <= 0 || s.Range.Offset < 0) {
				t.Fatalf("range %+v", s.Range)
			}
		}
	})
}
