package hoster

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
)

func TestUnpackJSGolden(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{
			name: "radix 10",
			in:   `eval(function(p,a,c,k,e,d){while(c--)if(k[c])p=p.replace(new RegExp('\\b'+c+'\\b','g'),k[c]);return p}('0 1=\'2\';',10,3,'var|x|hello'.split('|'),0,{}))`,
			want: `var x='hello';`,
		},
		{
			name: "radix 62 with upper-case digits and empty keys",
			in:   "<script>eval(function(p,a,c,k,e,d){return p}('A(\"B\");0.z(1)',62,38,'a|b" + strings.Repeat("|", 35) + "jwplayer|file'.split('|'),0,{}))</script>",
			want: `jwplayer("file");a.z(b)`,
		},
		{
			name: "escaped quotes and backslashes",
			in:   `eval(function(p,a,c,k,e,d){}('0:"1\\2",3:\'4\'',36,5,'file|a|b|c|d'.split('|'),0,{}))`,
			want: `file:"a\b",c:'d'`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := unpackJS(tt.in)
			if err != nil {
				t.Fatalf("unpack: %v", err)
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnpackJSErrors(t *testing.T) {
	tests := map[string]string{
		"no packer":        `var a = 1;`,
		"no args":          `eval(function(p,a,c,k,e,d){return p}`,
		"unterminated":     `eval(function(p,a,c,k,e,d){}('0 1`,
		"bad radix":        `eval(function(p,a,c,k,e,d){}('0',99,1,'a'.split('|'),0,{}))`,
		"not split on bar": `eval(function(p,a,c,k,e,d){}('0',10,1,'a'.split(','),0,{}))`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := unpackJS(in); err == nil {
				t.Fatal("want error")
			}
		})
	}
}

// randomJS builds script-like text: identifiers, numbers, punctuation,
// quotes, backslashes and newlines.
func randomJS(r *rand.Rand) string {
	atoms := []string{"var", "file", "sources", "jwplayer", "x", "_a1", "1080", "0", "Z9",
		":", "\"", "'", "\\", "\n", "(", ")", "{", "}", ".", ",", " ", "https", "//", "m3u8", "|", "é"}
	var b strings.Builder
	for n := r.IntN(80); n > 0; n-- {
		b.WriteString(atoms[r.IntN(len(atoms))])
	}
	return b.String()
}

func TestPackUnpackRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 500; i++ {
		src := randomJS(r)
		radix := []int{10, 36, 62, 2 + r.IntN(61)}[i%4]
		packed, err := fakehoster.PackJS(src, radix)
		if err != nil {
			t.Fatalf("pack: %v", err)
		}
		got, err := unpackJS("<script>" + packed + "</script>")
		if err != nil {
			t.Fatalf("unpack %q (radix %d): %v", src, radix, err)
		}
		if got != src {
			t.Fatalf("round trip radix %d:\n got %q\nwant %q", radix, got, src)
		}
	}
}

func TestVOERoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 500; i++ {
		doc := map[string]any{"source": randomString(r), "n": r.IntN(1 << 20), "list": []string{randomString(r)}}
		js, _ := json.Marshal(doc)
		got, err := decodeVOE(fakehoster.EncodeVOE(js))
		if err != nil {
			t.Fatalf("decode %s: %v", js, err)
		}
		if string(got) != string(js) {
			t.Fatalf("round trip: got %s want %s", got, js)
		}
	}
}

func TestSpeedFilesRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 500; i++ {
		u := "https://cdn.example/" + randomString(r) + ".mp4"
		got, err := decodeSpeedFiles(fakehoster.EncodeSpeedFiles(u))
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if got != u {
			t.Fatalf("round trip: got %q want %q", got, u)
		}
	}
}

func TestFilemoonRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 100; i++ {
		var srcs []map[string]any
		best, bestH := "", -1
		for n := 1 + r.IntN(5); n > 0; n-- {
			h := r.IntN(2160)
			u := "https://cdn.example/" + randomString(r) + ".m3u8"
			srcs = append(srcs, map[string]any{"url": u, "height": h})
			if h > bestH {
				best, bestH = u, h
			}
		}
		plain, _ := json.Marshal(map[string]any{"sources": srcs})
		pb, err := fakehoster.EncryptFilemoon(plain, 1+r.IntN(6))
		if err != nil {
			t.Fatal(err)
		}
		got, err := decryptFilemoon(filemoonPlayback{KeyParts: pb.KeyParts, IV: pb.IV, Payload: pb.Payload})
		if err != nil {
			t.Fatalf("decrypt: %v", err)
		}
		if got != best {
			t.Fatalf("picked %q, want tallest %q", got, best)
		}
	}
}

func TestFilemoonFallsBackToPayload2(t *testing.T) {
	pb, err := fakehoster.EncryptFilemoon([]byte(`{"sources":[{"url":"https://a/x.m3u8","height":720}]}`), 2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decryptFilemoon(filemoonPlayback{KeyParts: pb.KeyParts, IV: pb.IV, Payload: "AAAAAAAAAAAAAAAAAAAAAAAA", IV2: pb.IV, Payload2: pb.Payload})
	if err != nil || got != "https://a/x.m3u8" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func randomString(r *rand.Rand) string {
	const chars = "abcXYZ0189-_~%/?&=.é\"'\\<>"
	b := make([]rune, r.IntN(40))
	rs := []rune(chars)
	for i := range b {
		b[i] = rs[r.IntN(len(rs))]
	}
	return string(b)
}

func TestDoodstreamURLShape(t *testing.T) {
	farm := fakehoster.Start(fakehoster.TestMedia(10, 1, 10))
	defer farm.Close()
	fixed := time.Unix(1_700_000_000, 0)
	x := &Doodstream{Now: func() time.Time { return fixed }}
	st, err := x.Resolve(context.Background(), &http.Client{}, farm.EmbedURL(fakehoster.Doodstream, "abc"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(farm.URL(fakehoster.Doodstream)+"/dood/abc/v~") + `[A-Za-z0-9]{10}\?token=t616263&expiry=1700000000$`)
	if !re.MatchString(st.URL) {
		t.Fatalf("url %q does not match %s", st.URL, re)
	}
	if st.Headers.Get("Referer") != farm.URL(fakehoster.Doodstream)+"/" {
		t.Errorf("referer %q", st.Headers.Get("Referer"))
	}
}

func TestRegistryDefault(t *testing.T) {
	r := Default()
	for _, n := range fakehoster.Names() {
		if _, ok := r.Lookup(strings.ToLower(n)); !ok {
			t.Errorf("Default() lacks %s", n)
		}
	}
}

// uaDoer is an http.Client that pins a UA per host, like httpclient.
type uaDoer struct {
	http.Client
	ua string
}

func (d *uaDoer) UserAgent(string) string { return d.ua }

func TestUserAgentFromDoer(t *testing.T) {
	farm := fakehoster.Start(fakehoster.TestMedia(10, 1, 10))
	defer farm.Close()
	d := &uaDoer{ua: "Pinned/2.0"}
	tests := []struct {
		name string
		x    Extractor
		id   string
		want string
	}{
		{"doer ua", &Vidoza{}, "a", "Pinned/2.0"},
		{"own ua wins", &Vidoza{UserAgent: "Own/1.0"}, "a", "Own/1.0"},
		{"luluvdo direct form takes the doer's ua", &Luluvdo{}, "a", "Pinned/2.0"},
		{"luluvdo /dl form keeps its fixed ua", &Luluvdo{}, "dl-a", LuluvdoUserAgent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := tt.x.Resolve(context.Background(), d, farm.EmbedURL(tt.x.Name(), tt.id))
			if err != nil {
				t.Fatal(err)
			}
			if got := st.Headers.Get("User-Agent"); got != tt.want {
				t.Fatalf("UA %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDoodstreamDownloadPathRewritten(t *testing.T) {
	farm := fakehoster.Start(fakehoster.TestMedia(10, 1, 10))
	defer farm.Close()
	st, err := (&Doodstream{}).Resolve(context.Background(), &http.Client{}, farm.URL(fakehoster.Doodstream)+"/d/abc")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(st.URL, "/dood/abc/") {
		t.Fatalf("url %q", st.URL)
	}
}
