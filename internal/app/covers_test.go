package app

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/covers"
)

// TestCoversEndToEnd: list items and details carry a signed cover_url that
// loads without a token (the site's cover, fetched from the fake sites of
// both aniworld and serienstream), with ETag revalidation; an unsigned or
// altered address is refused; the folder's poster.jpg replaces the site's
// cover; a search cover is served only through a signed remote address.
func TestCoversEndToEnd(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	r := startSSto(t, dataDir, animeDir, 1000)
	tok := r.ta.setupAndLogin(testPassword)
	r.tok = tok
	code, _, b := r.ta.do("POST", "/api/anime/add", tok, map[string]any{"link": r.ssURL + "/serie/the-office-demo"})
	if code != 200 {
		t.Fatalf("add serienstream: %d %v", code, b)
	}
	aw := providerURL(t, r)
	code, _, b = r.ta.do("POST", "/api/anime/add", tok, map[string]any{"link": aw + "/anime/stream/demo"})
	if code != 200 {
		t.Fatalf("add aniworld: %d %v", code, b)
	}
	demoFolder := b["folder"].(string)

	coverOf := func(key string) string {
		t.Helper()
		_, _, d := r.ta.do("GET", "/api/anime/"+key, tok, nil)
		u, _ := d["cover_url"].(string)
		if !strings.HasPrefix(u, covers.SeriesPath+key+"?sig=") {
			t.Fatalf("detail cover_url %q", u)
		}
		return u
	}
	raw := r.ta.getRaw("/api/anime?per_page=10", tok)
	for _, key := range []string{"demo", "the-office-demo"} {
		u := coverOf(key)
		if !strings.Contains(raw, `"cover_url":"`+strings.ReplaceAll(u, "&", `\u0026`)+`"`) && !strings.Contains(raw, u) {
			t.Fatalf("list lacks %s's cover_url %s: %s", key, u, raw)
		}
		res, body := get(t, r.ta.URL+u, "")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" || !isJPEG(body) ||
			res.Header.Get("ETag") == "" || !strings.Contains(res.Header.Get("Cache-Control"), "max-age") {
			t.Fatalf("%s cover: %d %v", key, res.StatusCode, res.Header)
		}
		res, _ = get(t, r.ta.URL+u, res.Header.Get("ETag"))
		if res.StatusCode != 304 {
			t.Fatalf("%s revalidation: %d", key, res.StatusCode)
		}
	}

	demo := coverOf("demo")
	for name, u := range map[string]string{
		"no signature":      covers.SeriesPath + "demo",
		"altered signature": demo[:len(demo)-2] + "xx",
		"another series":    strings.Replace(demo, "/demo?", "/the-office-demo?", 1),
		"unsigned remote":   covers.RemotePath + "?u=" + url.QueryEscape(aw+"/public/img/cover/x.jpg"),
	} {
		res, body := get(t, r.ta.URL+u, "")
		if res.StatusCode != 401 || !bytes.Contains(body, []byte("AUTHENTICATION_ERROR")) {
			t.Errorf("%s: %d %s", name, res.StatusCode, body)
		}
	}

	// TMDB artwork in the folder wins over the site's cover.
	_, before := get(t, r.ta.URL+demo, "")
	var poster bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 40, 60))
	img.Set(1, 1, color.RGBA{0, 255, 0, 255})
	jpeg.Encode(&poster, img, nil)
	if err := os.WriteFile(filepath.Join(animeDir, demoFolder, "poster.jpg"), poster.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, after := get(t, r.ta.URL+demo, ""); !bytes.Equal(after, poster.Bytes()) || bytes.Equal(after, before) {
		t.Fatal("poster.jpg not served")
	}

	// A search result's cover through the signed remote route.
	signer, err := covers.New(covers.Options{Dir: t.TempDir(), SecretFile: filepath.Join(dataDir, "covers.key"),
		Allowed: func(string) bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	remote := signer.RemoteURL(aw + "/public/img/cover/demo-stream-cover-AbCdEf_150x225.jpg")
	if res, body := get(t, r.ta.URL+remote, ""); res.StatusCode != 200 || !isJPEG(body) {
		t.Fatalf("remote cover: %d", res.StatusCode)
	}
	off := signer.RemoteURL("http://127.0.0.2:9/elsewhere.jpg") // signed, but not a site's host
	if res, body := get(t, r.ta.URL+off, ""); res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml" {
		t.Fatalf("off-site remote: %d %s", res.StatusCode, body)
	}
}

func providerURL(t *testing.T, r *sstoRig) string {
	t.Helper()
	_, _, cfg := r.ta.do("GET", "/api/config", r.tok, nil)
	return cfg["download"].(map[string]any)["provider_url"].(string)
}

func get(t *testing.T, u, etag string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func isJPEG(b []byte) bool { return len(b) > 3 && b[0] == 0xFF && b[1] == 0xD8 }
