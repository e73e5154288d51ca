package covers

import (
	"bytes"
	"image/color"
	"net/http"
	"testing"
)

// FuzzThumbnail: any bytes either pass through unchanged or become a JPEG
// no wider than ThumbWidth; never a panic.
func FuzzThumbnail(f *testing.F) {
	f.Add(jpegOf(f, 500, 700, color.RGBA{1, 2, 3, 255}))
	f.Add(jpegOf(f, 20, 30, color.RGBA{1, 2, 3, 255}))
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01\x00\x00\x00\x01\x00\x00\x08\x02"))
	f.Add([]byte("<svg></svg>"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		out := thumbnail(data)
		if bytes.Equal(out, data) {
			return
		}
		if http.DetectContentType(out) != "image/jpeg" || len(out) >= len(data) {
			t.Fatalf("thumbnail of %d bytes is %d bytes of %s", len(data), len(out), http.DetectContentType(out))
		}
	})
}

// FuzzSignature: only the signature the service made verifies.
func FuzzSignature(f *testing.F) {
	s := signer{secret: bytes.Repeat([]byte{7}, secretSize)}
	f.Add("demo", s.sign("series", "demo"))
	f.Add("demo", "")
	f.Add("", "AAAA")
	f.Fuzz(func(t *testing.T, value, sig string) {
		if s.valid("series", value, sig) != (sig == s.sign("series", value)) {
			t.Fatalf("valid(%q, %q) disagrees with sign", value, sig)
		}
		if s.valid("remote", value, s.sign("series", value)) {
			t.Fatal("a series signature verifies as remote")
		}
	})
}

// FuzzCacheName: validName accepts every name the service makes and no
// path tricks.
func FuzzCacheName(f *testing.F) {
	f.Add("s-0123", "demo")
	f.Add("../x", "")
	f.Fuzz(func(t *testing.T, name, key string) {
		if !validName(cacheName('s', key)) {
			t.Fatalf("own name %q rejected", cacheName('s', key))
		}
		if validName(name) && (bytes.ContainsAny([]byte(name), "/\\.") || len(name) < 3) {
			t.Fatalf("accepted %q", name)
		}
	})
}
