package hoster_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/challenge"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// vidmolyFor returns a Vidmoly extractor whose /v/ rewrite lands on the
// farm's fake (standing in for vidmoly.net).
func vidmolyFor(farm *fakehoster.Farm) *hoster.Vidmoly {
	return &hoster.Vidmoly{EmbedHost: farm.Host(fakehoster.Vidmoly)}
}

// TestResolve2026Forms runs every late-2026 page form against the fakes
// and checks the stream plays the exact media with the returned headers.
func TestResolve2026Forms(t *testing.T) {
	tests := []struct {
		name   string
		hoster string
		id     string
		kind   anime.StreamKind
	}{
		{"voe junk tokens from the loader script", fakehoster.VOE, "loader-v1", anime.StreamHLS},
		{"voe MKGMa variable", fakehoster.VOE, "mkgma-v2", anime.StreamHLS},
		{"voe a168c old chain", fakehoster.VOE, "a168c-v3", anime.StreamHLS},
		{"voe a168c base64 reverse form", fakehoster.VOE, "a168cb64-v4", anime.StreamHLS},
		{"voe forward without /e/", fakehoster.VOE, "fwd-v5", anime.StreamHLS},
		{"voe bait source skipped for the real mp4", fakehoster.VOE, "bait-v6", anime.StreamMP4},
		{"doodstream loose pass_md5", fakehoster.Doodstream, "loose-d1", anime.StreamMP4},
		{"doodstream $.get pass_md5", fakehoster.Doodstream, "d2", anime.StreamMP4},
		{"filemoon byse attest flow", fakehoster.Filemoon, "b1", anime.StreamHLS},
		{"filemoon byse decrypt_keys edge", fakehoster.Filemoon, "edge-b2", anime.StreamHLS},
		{"filemoon old api videos", fakehoster.Filemoon, "api-b3", anime.StreamHLS},
		{"filemoon byse details with sources", fakehoster.Filemoon, "direct-b5", anime.StreamHLS},
		{"filemoon packed", fakehoster.Filemoon, "packed-b4", anime.StreamHLS},
		{"vidmoly /v/ rewritten to the embed host", fakehoster.Vidmoly, "v-m1", anime.StreamHLS},
		{"vidmoly embed", fakehoster.Vidmoly, "m2", anime.StreamHLS},
		{"vidavaca", fakehoster.Vidavaca, "vv1", anime.StreamHLS},
		{"vidara", fakehoster.Vidara, "va1", anime.StreamHLS},
		{"loadx with player cookie", fakehoster.LoadX, "l1", anime.StreamHLS},
		{"streamtape botlink", fakehoster.Streamtape, "botlink-s1", anime.StreamMP4},
		{"streamtape robotlink", fakehoster.Streamtape, "s2", anime.StreamMP4},
		{"luluvdo sources direct", fakehoster.Luluvdo, "u1", anime.StreamHLS},
		{"luluvdo /dl form", fakehoster.Luluvdo, "dl-u2", anime.StreamHLS},
	}
	farm := startFarm(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, _ := hoster.Default().Lookup(tt.hoster)
			if tt.hoster == fakehoster.Vidmoly {
				x = vidmolyFor(farm)
			}
			st, err := x.Resolve(context.Background(), &http.Client{}, farm.EmbedURL(tt.hoster, tt.id))
			if err != nil {
				t.Fatalf("resolve: %v", err)
			}
			if st.Kind != tt.kind || hoster.IsBait(st.URL) {
				t.Fatalf("stream %s (%s), want kind %s and no bait", st.URL, st.Kind, tt.kind)
			}
			want := testMedia.MP4
			if tt.kind == anime.StreamHLS {
				want = testMedia.HLSBytes()
			}
			got, err := download(st, st.Headers)
			if err != nil {
				t.Fatalf("download with headers: %v", err)
			}
			if sha256.Sum256(got) != sha256.Sum256(want) {
				t.Fatal("downloaded bytes differ from the media served")
			}
		})
	}
}

func TestLoadXCookieInDownloadHeaders(t *testing.T) {
	farm := startFarm(t)
	st, err := resolve(t, farm, fakehoster.LoadX, "l9")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(st.Headers.Get("Cookie"), "fireplayer_player=") {
		t.Fatalf("headers %v lack the player cookie", st.Headers)
	}
	h := st.Headers.Clone()
	h.Del("Cookie")
	if _, err := download(st, h); err == nil {
		t.Fatal("download without the player cookie succeeded")
	}
}

// TestResolveRefusals: pages a browser could not play either yield
// errors, never a stream; removed videos are ErrNotFound, gates are
// challenges with their kind.
func TestResolveRefusals(t *testing.T) {
	tests := []struct {
		name     string
		hoster   string
		id       string
		failure  fakehoster.Failure
		is       error
		kind     challenge.Kind
		contains string
	}{
		{"voe only bait sources", fakehoster.VOE, "baitonly-v1", fakehoster.OK, anime.ErrProvider, "", "bait"},
		{"doodstream captcha", fakehoster.Doodstream, "captcha-d1", fakehoster.OK, anime.ErrChallenge, challenge.Captcha, "captcha challenge"},
		{"filemoon proof-of-work gate", fakehoster.Filemoon, "captcha-b1", fakehoster.OK, anime.ErrChallenge, "proof-of-work captcha", "proof-of-work"},
		{"filemoon attest refused", fakehoster.Filemoon, "b2", fakehoster.AttestRefused, anime.ErrProvider, "", "byse attest: HTTP 403"},
		{"vidmoly /v/ without rewrite host is only a landing page", fakehoster.Vidmoly, "m3", fakehoster.NoPayload, anime.ErrProvider, "", "vidmoly: no file in embed page"},
	}
	farm := startFarm(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			farm.Hoster(tt.hoster).SetFailure(tt.failure)
			defer farm.Hoster(tt.hoster).SetFailure(fakehoster.OK)
			x, _ := hoster.Default().Lookup(tt.hoster)
			if tt.hoster == fakehoster.Vidmoly {
				x = vidmolyFor(farm)
			}
			st, err := x.Resolve(context.Background(), &http.Client{}, farm.EmbedURL(tt.hoster, tt.id))
			if err == nil {
				t.Fatalf("resolved to %s, want an error", st.URL)
			}
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.contains) {
				t.Fatalf("error %q, want %v containing %q", err, tt.is, tt.contains)
			}
			var ce *hoster.ChallengeError
			if tt.kind != "" && (!errors.As(err, &ce) || ce.Kind != tt.kind) {
				t.Fatalf("error %q: want challenge kind %q", err, tt.kind)
			}
		})
	}
}

// TestRemovedAndGatedEveryHoster: each fake answers "removed" in another
// 2026 form (200 text, <title>404, 404/410/451); every extractor reports
// ErrNotFound. A Turnstile gate is ErrChallenge of kind turnstile.
func TestRemovedAndGatedEveryHoster(t *testing.T) {
	farm := startFarm(t)
	for _, name := range fakehoster.Names() {
		t.Run(name, func(t *testing.T) {
			x, _ := hoster.Default().Lookup(name)
			if name == fakehoster.Vidmoly {
				x = vidmolyFor(farm)
			}
			farm.Hoster(name).SetFailure(fakehoster.Removed)
			_, err := x.Resolve(context.Background(), &http.Client{}, farm.EmbedURL(name, "r1"))
			if !errors.Is(err, anime.ErrNotFound) {
				t.Errorf("removed: error %v, want ErrNotFound", err)
			}
			farm.Hoster(name).SetFailure(fakehoster.Turnstile)
			_, err = x.Resolve(context.Background(), &http.Client{}, farm.EmbedURL(name, "r1"))
			var ce *hoster.ChallengeError
			if !errors.Is(err, anime.ErrChallenge) || !errors.As(err, &ce) || ce.Kind != challenge.Turnstile || ce.Host == "" {
				t.Errorf("turnstile: error %v, want a turnstile ChallengeError with its host", err)
			}
			farm.Hoster(name).SetFailure(fakehoster.OK)
		})
	}
}

// TestFilemoonSessionKey: one extractor keeps its P-256 key for its
// lifetime; another extractor (another session) makes a fresh one.
func TestFilemoonSessionKey(t *testing.T) {
	farm := startFarm(t)
	a, b := &hoster.Filemoon{}, &hoster.Filemoon{}
	for _, x := range []*hoster.Filemoon{a, a, b} {
		if _, err := x.Resolve(context.Background(), &http.Client{}, farm.EmbedURL(fakehoster.Filemoon, "k1")); err != nil {
			t.Fatal(err)
		}
	}
	keys := farm.Hoster(fakehoster.Filemoon).ByseKeys()
	if len(keys) != 3 || keys[0] != keys[1] || keys[0] == keys[2] {
		t.Fatalf("attested keys %v: want the same key twice, then a new one", keys)
	}
	if a.SessionKeyX() != keys[0] || b.SessionKeyX() != keys[2] {
		t.Fatal("SessionKeyX does not match the attested keys")
	}
}

func TestRemovedMarkers(t *testing.T) {
	tests := []struct {
		page string
		want string
	}{
		{`<html><title>VOE</title><h1>Video not found</h1></html>`, "video not found"},
		{`<p>The file has been REMOVED by the owner</p>`, "has been removed"},
		{"<div>\n  File Not Found\n</div>", "file not found"},
		{`<title>Error 404 - Page</title><body>x</body>`, "<title>Error 404 - Page</title>"},
		{`<title> 404 </title>`, "<title>404</title>"},
		{`<title>404 Not Found</title>`, "<title>404 Not Found</title>"},
		{`<title>Watch One.Piece.E404.German.mp4 - VOE</title>`, ""},
		{`<title>One Piece Folge 404 - Wer ist der Stärkste? | VOE</title>`, ""},
		{`<h2>Maintenance Mode</h2>`, "maintenance mode"},
		{`<p>Wir sind im Wartungsmodus.</p>`, "im wartungsmodus"},
		{`<script>var msg = {notFound: "Video not found"};</script><div id="player"></div>`, ""},
		{`<title>VOE | watch</title><script type="application/json">"abc"</script>`, ""},
		{``, ""},
	}
	for _, tt := range tests {
		if got := hoster.Removed(tt.page); got != tt.want {
			t.Errorf("Removed(%.50q) = %q, want %q", tt.page, got, tt.want)
		}
	}
}

func TestIsBait(t *testing.T) {
	for u, want := range map[string]bool{
		"https://test-videos.co.uk/vids/x.mp4":                                        true,
		"https://SAMPLE-VIDEOS.com/video123/mp4/720/a.mp4":                            true,
		"https://commondatastorage.googleapis.com/gtv-videos-bucket/sample/x.mp4":     true,
		"https://cdn.example/BigBuckBunny_320x180.mp4":                                true,
		"https://delivery-node-7.edgeon-bandwidth.com/engine/hls2/01/abc/master.m3u8": false,
		"": false,
	} {
		if got := hoster.IsBait(u); got != want {
			t.Errorf("IsBait(%q) = %v", u, got)
		}
	}
}

func TestVOETokens(t *testing.T) {
	tests := []struct {
		name, js string
		want     []string
	}{
		{"loader array", `var cfg={a:1};var z=['<>', '|]', '}{', '&;', '` + "`~" + `', ')('];`, []string{"<>", "|]", "}{", "&;", "`~", ")("}},
		{"double quotes no spaces", `x=["@$","^^","~@","%?","*~","!!","#&"]`, []string{"@$", "^^", "~@", "%?", "*~", "!!", "#&"}},
		{"skips a word array first", `l=["alpha","beta","gamma","delta","omega"];j=['@$','^^','~@','%?','*~']`, []string{"@$", "^^", "~@", "%?", "*~"}},
		{"too few", `j=['@$','^^','~@']`, nil},
		{"nothing", `console.log(1)`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hoster.VOETokens(tt.js)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}
