package hoster_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// testMedia is small but spans several segments and a non-round size.
var testMedia = fakehoster.TestMedia(70_001, 3, 9_973)

func startFarm(t *testing.T) *fakehoster.Farm {
	t.Helper()
	f := fakehoster.Start(testMedia)
	t.Cleanup(f.Close)
	return f
}

func resolve(t *testing.T, farm *fakehoster.Farm, name, id string) (anime.Stream, error) {
	t.Helper()
	x, ok := hoster.Default().Lookup(name)
	if !ok {
		t.Fatalf("no extractor for %q", name)
	}
	return x.Resolve(context.Background(), &http.Client{}, farm.EmbedURL(name, id))
}

func TestResolveHappyPath(t *testing.T) {
	tests := []struct {
		name   string
		hoster string
		id     string
		kind   anime.StreamKind
	}{
		{"voe json string", fakehoster.VOE, "v1", anime.StreamHLS},
		{"voe json array", fakehoster.VOE, "array-v2", anime.StreamHLS},
		{"voe a168c var", fakehoster.VOE, "a168c-v3", anime.StreamHLS},
		{"voe legacy hls", fakehoster.VOE, "legacyhls-v4", anime.StreamHLS},
		{"voe legacy mp4", fakehoster.VOE, "legacymp4-v5", anime.StreamMP4},
		{"voe direct access only", fakehoster.VOE, "mp4-v6", anime.StreamMP4},
		{"voe fallback only", fakehoster.VOE, "fallback-v7", anime.StreamMP4},
		{"voe mirror redirect", fakehoster.VOE, "mirror-v8", anime.StreamHLS},
		{"vidoza sourcesCode", fakehoster.Vidoza, "z1", anime.StreamMP4},
		{"vidoza source tag", fakehoster.Vidoza, "source-z2", anime.StreamMP4},
		{"doodstream", fakehoster.Doodstream, "d1", anime.StreamMP4},
		{"filemoon api", fakehoster.Filemoon, "f1", anime.StreamHLS},
		{"filemoon packed", fakehoster.Filemoon, "packed-f2", anime.StreamHLS},
		{"filemoon iframe to packed", fakehoster.Filemoon, "iframe-f3", anime.StreamHLS},
		{"vidmoly", fakehoster.Vidmoly, "m1", anime.StreamHLS},
		{"streamtape substring", fakehoster.Streamtape, "s1", anime.StreamMP4},
		{"streamtape plain", fakehoster.Streamtape, "plain-s2", anime.StreamMP4},
		{"loadx", fakehoster.LoadX, "l1", anime.StreamHLS},
		{"loadx head refused", fakehoster.LoadX, "nohead-l2", anime.StreamHLS},
		{"luluvdo", fakehoster.Luluvdo, "u1", anime.StreamHLS},
		{"speedfiles", fakehoster.SpeedFiles, "sf1", anime.StreamMP4},
		{"vidara", fakehoster.Vidara, "va1", anime.StreamHLS},
	}
	farm := startFarm(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := resolve(t, farm, tt.hoster, tt.id)
			if err != nil {
				t.Fatalf("resolve: %v", err)
			}
			if st.Kind != tt.kind {
				t.Fatalf("kind = %q, want %q (url %s)", st.Kind, tt.kind, st.URL)
			}
			if st.Hoster != tt.hoster {
				t.Errorf("hoster = %q, want %q", st.Hoster, tt.hoster)
			}
			if st.Headers.Get("User-Agent") == "" {
				t.Errorf("no User-Agent in headers %v", st.Headers)
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
				t.Fatalf("downloaded %d bytes, hash differs from the %d served", len(got), len(want))
			}
			if code := plainGetStatus(t, st.URL); code != http.StatusForbidden {
				t.Errorf("plain GET without headers: status %d, want 403", code)
			}
			if ref := st.Headers.Get("Referer"); ref != "" {
				u, _ := url.Parse(farm.URL(tt.hoster))
				if tt.hoster == fakehoster.Vidmoly {
					if ref != hoster.VidmolyReferer {
						t.Errorf("vidmoly referer %q, want %q", ref, hoster.VidmolyReferer)
					}
				} else if !strings.HasPrefix(ref, u.String()) {
					t.Errorf("referer %q not derived from the embed origin %s", ref, u)
				}
			}
		})
	}
}

func TestResolveFailures(t *testing.T) {
	type failCase struct {
		failure fakehoster.Failure
		is      []error
		not     []error
	}
	cases := map[string]failCase{
		"no payload":     {fakehoster.NoPayload, []error{anime.ErrProvider}, []error{anime.ErrChallenge}},
		"broken payload": {fakehoster.BrokenPayload, []error{anime.ErrProvider}, []error{anime.ErrChallenge}},
		"challenge":      {fakehoster.Challenge, []error{anime.ErrChallenge, anime.ErrProvider}, nil},
		"forbidden":      {fakehoster.EmbedForbidden, []error{anime.ErrProvider}, []error{anime.ErrChallenge, anime.ErrNotFound}},
		"not found":      {fakehoster.EmbedNotFound, []error{anime.ErrProvider, anime.ErrNotFound}, nil},
	}
	ids := map[string]string{fakehoster.Filemoon: "f9", fakehoster.VOE: "v9"}
	for _, name := range fakehoster.Names() {
		for cname, fc := range cases {
			t.Run(name+"/"+cname, func(t *testing.T) {
				farm := startFarm(t)
				farm.Hoster(name).SetFailure(fc.failure)
				id := ids[name]
				if id == "" {
					id = "x1"
				}
				_, err := resolve(t, farm, name, id)
				if err == nil {
					t.Fatal("resolve succeeded, want error")
				}
				for _, want := range fc.is {
					if !errors.Is(err, want) {
						t.Errorf("error %q does not wrap %v", err, want)
					}
				}
				for _, bad := range fc.not {
					if errors.Is(err, bad) {
						t.Errorf("error %q wraps %v", err, bad)
					}
				}
				if !strings.HasPrefix(err.Error(), strings.ToLower(name)+": ") {
					t.Errorf("error %q does not name the hoster", err)
				}
			})
		}
	}
}

func TestStepErrorMessages(t *testing.T) {
	tests := []struct {
		name, hoster, id, want string
		failure                fakehoster.Failure
	}{
		{"voe no payload", fakehoster.VOE, "v1", "voe: no payload in embed page", fakehoster.NoPayload},
		{"dood no pass_md5", fakehoster.Doodstream, "d1", "doodstream: pass_md5 not found", fakehoster.NoPayload},
		{"dood empty pass_md5", fakehoster.Doodstream, "d1", "doodstream: pass_md5 returned no url", fakehoster.BrokenPayload},
		{"filemoon bad tag", fakehoster.Filemoon, "f1", "filemoon: decrypt playback", fakehoster.BrokenPayload},
		{"filemoon packed no file", fakehoster.Filemoon, "packed-f1", "filemoon: no file in unpacked script", fakehoster.BrokenPayload},
		{"speedfiles garbage", fakehoster.SpeedFiles, "s1", "speedfiles: decode payload", fakehoster.BrokenPayload},
		{"loadx no source", fakehoster.LoadX, "l1", "loadx: getVideo: no videoSource", fakehoster.NoPayload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			farm := startFarm(t)
			farm.Hoster(tt.hoster).SetFailure(tt.failure)
			_, err := resolve(t, farm, tt.hoster, tt.id)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestMediaForbiddenAfterResolve(t *testing.T) {
	farm := startFarm(t)
	farm.Hoster(fakehoster.Vidoza).SetFailure(fakehoster.MediaForbidden)
	st, err := resolve(t, farm, fakehoster.Vidoza, "z1")
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	if _, err := download(st, st.Headers); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("download error %v, want 403", err)
	}
}

func TestHeadersMatter(t *testing.T) {
	farm := startFarm(t)
	st, err := resolve(t, farm, fakehoster.Luluvdo, "dl-u1")
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	if got := st.Headers.Get("User-Agent"); got != hoster.LuluvdoUserAgent {
		t.Errorf("luluvdo UA = %q", got)
	}
	for _, drop := range []string{"User-Agent", "Referer", "Origin", "Accept-Language"} {
		t.Run("without "+drop, func(t *testing.T) {
			h := st.Headers.Clone()
			h.Del(drop)
			if drop == "User-Agent" {
				h.Set("User-Agent", "SomethingElse/1.0")
			}
			if _, err := download(st, h); err == nil {
				t.Fatalf("download without %s succeeded", drop)
			}
		})
	}
}

func TestRangeRequest(t *testing.T) {
	farm := startFarm(t)
	st, err := resolve(t, farm, fakehoster.Doodstream, "d1")
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	req, _ := http.NewRequest(http.MethodGet, st.URL, nil)
	req.Header = st.Headers.Clone()
	req.Header.Set("Range", "bytes=100-199")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, testMedia.MP4[100:200]) {
		t.Fatalf("range: status %d, %d bytes", resp.StatusCode, len(body))
	}
}

func TestBadEmbedURL(t *testing.T) {
	for _, x := range hoster.Default().All() {
		t.Run(x.Name(), func(t *testing.T) {
			_, err := x.Resolve(context.Background(), &http.Client{}, "ftp://nope/e/1")
			if !errors.Is(err, anime.ErrInvalid) {
				t.Fatalf("error %v, want ErrInvalid", err)
			}
		})
	}
}

// download fetches a stream with h: the whole MP4, or every segment of
// the first variant of an HLS master playlist, concatenated.
func download(st anime.Stream, h http.Header) ([]byte, error) {
	body, err := get(st.URL, h)
	if err != nil || st.Kind == anime.StreamMP4 {
		return body, err
	}
	media, err := playlistURIs(st.URL, body)
	if err != nil || len(media) == 0 {
		return nil, fmt.Errorf("master playlist: %v", err)
	}
	pl, err := get(media[0], h)
	if err != nil {
		return nil, err
	}
	segs, err := playlistURIs(media[0], pl)
	if err != nil {
		return nil, err
	}
	var out []byte
	for _, s := range segs {
		b, err := get(s, h)
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
	return out, nil
}

func playlistURIs(base string, body []byte) ([]string, error) {
	bu, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ref, err := url.Parse(line)
		if err != nil {
			return nil, err
		}
		out = append(out, bu.ResolveReference(ref).String())
	}
	return out, sc.Err()
}

func get(u string, h http.Header) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header = h.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", u, resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}

func plainGetStatus(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("plain get: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestCanceledContext(t *testing.T) {
	farm := startFarm(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, x := range hoster.Default().All() {
		t.Run(x.Name(), func(t *testing.T) {
			_, err := x.Resolve(ctx, &http.Client{}, farm.EmbedURL(x.Name(), "c1"))
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want context.Canceled", err)
			}
			if errors.Is(err, anime.ErrProvider) {
				t.Fatalf("cancellation reported as provider failure: %v", err)
			}
		})
	}
}
