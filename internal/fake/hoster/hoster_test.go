package hoster

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func getWith(t *testing.T, url string, h http.Header) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestNewUnknownHoster(t *testing.T) {
	if _, err := New("NoSuchHoster", Media{}); err == nil {
		t.Fatal("want error")
	}
	for _, n := range Names() {
		if _, err := New(n, Media{}); err != nil {
			t.Errorf("New(%q): %v", n, err)
		}
	}
}

func TestMediaGuard(t *testing.T) {
	media := TestMedia(1000, 4, 100)
	h, err := New(VOE, media)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	ua := "TestAgent/1.0"
	good := http.Header{"User-Agent": {ua}, "Referer": {srv.URL + "/"}, "Origin": {srv.URL}}
	seg := srv.URL + "/hls/x/seg-2.ts"

	if code, _ := getWith(t, seg, good.Clone()); code != http.StatusForbidden {
		t.Fatalf("before any embed fetch: status %d, want 403", code)
	}
	if code, _ := getWith(t, srv.URL+h.EmbedPath("x"), http.Header{"User-Agent": {ua}}); code != http.StatusOK {
		t.Fatalf("embed: status %d", code)
	}
	tests := []struct {
		name string
		mod  func(http.Header)
		want int
	}{
		{"all headers", func(http.Header) {}, http.StatusOK},
		{"other ua", func(h http.Header) { h.Set("User-Agent", "Other") }, http.StatusForbidden},
		{"no referer", func(h http.Header) { h.Del("Referer") }, http.StatusForbidden},
		{"foreign referer", func(h http.Header) { h.Set("Referer", "https://elsewhere/") }, http.StatusForbidden},
		{"no origin", func(h http.Header) { h.Del("Origin") }, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hd := good.Clone()
			tt.mod(hd)
			code, body := getWith(t, seg, hd)
			if code != tt.want {
				t.Fatalf("status %d, want %d", code, tt.want)
			}
			if code == http.StatusOK && !bytes.Equal(body, media.Segments[2]) {
				t.Fatal("segment bytes differ")
			}
		})
	}
	t.Run("playlist lists every segment", func(t *testing.T) {
		code, body := getWith(t, srv.URL+"/hls/x/index.m3u8", good.Clone())
		if code != http.StatusOK || strings.Count(string(body), ".ts") != 4 || !strings.Contains(string(body), "#EXT-X-ENDLIST") {
			t.Fatalf("status %d body %q", code, body)
		}
	})
	t.Run("range on mp4", func(t *testing.T) {
		hd := good.Clone()
		hd.Set("Range", "bytes=990-")
		code, body := getWith(t, srv.URL+"/mp4/x/video.mp4", hd)
		if code != http.StatusPartialContent || !bytes.Equal(body, media.MP4[990:]) {
			t.Fatalf("status %d, %d bytes", code, len(body))
		}
	})
	t.Run("media failure switch", func(t *testing.T) {
		h.SetFailure(MediaForbidden)
		defer h.SetFailure(OK)
		if code, _ := getWith(t, seg, good.Clone()); code != http.StatusForbidden {
			t.Fatalf("status %d, want 403", code)
		}
	})
	if h.MediaHits() == 0 || h.PageHits() != 1 {
		t.Errorf("hits: media %d page %d", h.MediaHits(), h.PageHits())
	}
}

func TestPageFailures(t *testing.T) {
	farm := Start(TestMedia(10, 1, 10))
	defer farm.Close()
	tests := []struct {
		name    string
		failure Failure
		code    int
		marker  string
	}{
		{"forbidden", EmbedForbidden, http.StatusForbidden, ""},
		{"not found", EmbedNotFound, http.StatusNotFound, ""},
		{"challenge", Challenge, http.StatusServiceUnavailable, "Just a moment"},
		{"ok", OK, http.StatusOK, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			farm.Hoster(VOE).SetFailure(tt.failure)
			code, body := getWith(t, farm.EmbedURL(VOE, "a"), http.Header{"User-Agent": {"x"}})
			if code != tt.code || !strings.Contains(string(body), tt.marker) {
				t.Fatalf("status %d body %.80q", code, body)
			}
		})
	}
	if farm.EmbedURL("Nope", "a") != "" || farm.URL("Nope") != "" || farm.Hoster("Nope") != nil {
		t.Error("unknown hoster should give zero values")
	}
}

func TestTestMediaDeterministic(t *testing.T) {
	a, b := TestMedia(500, 3, 50), TestMedia(500, 3, 50)
	if !bytes.Equal(a.MP4, b.MP4) || !bytes.Equal(a.HLSBytes(), b.HLSBytes()) {
		t.Fatal("TestMedia is not deterministic")
	}
	if len(a.HLSBytes()) != 150 || bytes.Equal(a.Segments[0], a.Segments[1]) {
		t.Fatal("segments wrong size or identical")
	}
}

func TestPackJSRejectsBadRadix(t *testing.T) {
	for _, r := range []int{0, 1, 63, 95} {
		if _, err := PackJS("a", r); err == nil {
			t.Errorf("radix %d accepted", r)
		}
	}
	if _, err := EncryptFilemoon([]byte("x"), 0); err == nil {
		t.Error("0 key parts accepted")
	}
}
