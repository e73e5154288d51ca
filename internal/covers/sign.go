package covers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"

	"github.com/aniworld/aniworld/internal/atomicfile"
)

// secretSize is the length of the URL-signing key.
const secretSize = 32

// loadSecret reads the signing key at path, creating it (random, 0600)
// when absent.
func loadSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil && len(b) == secretSize {
		return b, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read cover signing key: %w", err)
	}
	b = make([]byte, secretSize)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("generate cover signing key: %w", err)
	}
	if err := atomicfile.Write(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("store cover signing key: %w", err)
	}
	return b, nil
}

// signer makes and checks the capability signatures of cover URLs: an
// <img> cannot send the bearer token, so the URL itself proves that the
// server handed it out.
type signer struct{ secret []byte }

func (s signer) sign(kind, value string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

func (s signer) valid(kind, value, sig string) bool {
	want := s.sign(kind, value)
	return len(sig) == len(want) && hmac.Equal([]byte(sig), []byte(want))
}

// Paths of the cover routes (the API registers them; OwnAuth).
const (
	SeriesPath = "/covers/series/"
	RemotePath = "/covers/remote"
)

// SeriesURL is the signed address of a library series' cover.
func (s *Service) SeriesURL(key string) string {
	if key == "" {
		return ""
	}
	return SeriesPath + url.PathEscape(key) + "?sig=" + s.sign.sign("series", key)
}

// RemoteURL is the signed address under which the product serves an image
// a site sent (a search result's cover). It answers "" for an empty URL or
// one on a host the server may not fetch from, so callers can pass any
// provider value through.
func (s *Service) RemoteURL(raw string) string {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || !s.allowedURL(u) {
		return ""
	}
	return RemotePath + "?u=" + url.QueryEscape(raw) + "&sig=" + s.sign.sign("remote", raw)
}

// ValidSeries reports whether sig is the signature SeriesURL gave key.
func (s *Service) ValidSeries(key, sig string) bool { return s.sign.valid("series", key, sig) }

// ValidRemote reports whether sig is the signature RemoteURL gave raw.
func (s *Service) ValidRemote(raw, sig string) bool { return s.sign.valid("remote", raw, sig) }
