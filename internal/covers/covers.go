// Package covers serves series covers to the web UI: fetched once from the
// site (the cover its series page names) or taken from the artwork in the
// series folder (poster.jpg, written by internal/metadata), kept in a
// size-capped cache in the data directory, and addressed by signed URLs
// because an <img> cannot send the bearer token. See README.md.
package covers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/httpclient"
)

// ErrNoCover: there is no cover for this series or URL (none known, the
// fetch failed recently, or the answer was not an image).
var ErrNoCover = errors.New("no cover")

// ErrPending: the cover is being fetched but took longer than
// Options.Wait; ask again later (it is ErrNoCover too).
var ErrPending = fmt.Errorf("%w yet: still fetching", ErrNoCover)

// Library finds a library series and its folder ("" when it has none).
type Library interface {
	SeriesDir(ctx context.Context, key string) (anime.Series, string, error)
}

// Sites answers the cover URL a site's series page names ("" for none).
type Sites interface {
	CoverURL(ctx context.Context, site, key string) (string, error)
}

// Doer sends outbound requests (the product's one HTTP client).
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Defaults.
const (
	DefaultMaxBytes      = 200 << 20 // the cache's cap
	DefaultMaxImageBytes = 5 << 20   // one fetched image
	maxPosterBytes       = 40 << 20  // one local poster (internal/metadata's cap)
	defaultRetryAfter    = time.Hour // after a failed fetch
	defaultWait          = 2 * time.Second
	fetchTimeout         = 30 * time.Second
	maxParallelFetches   = 4
	maxFailures          = 10_000
)

// PosterFile is the artwork internal/metadata writes into a series folder.
const PosterFile = "poster.jpg"

// Options configure a Service.
type Options struct {
	Dir        string // cache directory (created 0700)
	SecretFile string // URL-signing key, created 0600 when missing
	MaxBytes   int64  // cache cap; 0: DefaultMaxBytes
	// MaxImageBytes caps one fetched image; 0: DefaultMaxImageBytes.
	MaxImageBytes int64
	Library       Library
	Sites         Sites
	Client        Doer
	// Allowed reports whether the server may fetch from host (the sites'
	// hosts and mirrors, the TMDB image host). Nil allows none.
	Allowed    func(host string) bool
	RetryAfter time.Duration // after a failed fetch; 0: one hour
	// Wait is how long a request waits for a cover being fetched before
	// it answers ErrPending (the fetch goes on); 0: two seconds. A slow
	// site then never holds the browser's connections.
	Wait   time.Duration
	Now    func() time.Time
	Logger *slog.Logger
}

// Service finds, caches and signs covers.
type Service struct {
	o     Options
	sign  signer
	cache *cache
	group singleflight.Group
	slots chan struct{} // bounds parallel fetches

	mu     sync.Mutex
	failed map[string]time.Time // cache name -> when the last fetch failed
}

// Image is one cover ready to serve.
type Image struct {
	Data        []byte
	ContentType string
	ETag        string // strong, quoted
}

// New opens the cache and the signing key.
func New(o Options) (*Service, error) {
	if o.Dir == "" || o.SecretFile == "" {
		return nil, fmt.Errorf("%w: covers need a cache directory and a key file", anime.ErrInvalid)
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxImageBytes <= 0 {
		o.MaxImageBytes = DefaultMaxImageBytes
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = defaultRetryAfter
	}
	if o.Wait <= 0 {
		o.Wait = defaultWait
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Allowed == nil {
		o.Allowed = func(string) bool { return false }
	}
	secret, err := loadSecret(o.SecretFile)
	if err != nil {
		return nil, err
	}
	c, err := openCache(o.Dir, o.MaxBytes, o.Now)
	if err != nil {
		return nil, err
	}
	return &Service{o: o, sign: signer{secret}, cache: c, slots: make(chan struct{}, maxParallelFetches), failed: map[string]time.Time{}}, nil
}

// Usage answers the cache's size in bytes and its number of files.
func (s *Service) Usage() (int64, int) { return s.cache.usage() }

func cacheName(kind byte, parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return string(kind) + "-" + hex.EncodeToString(h[:16])
}

// Series answers a library series' cover: the folder's poster.jpg when
// present (scaled down), else the site's cover, fetched once. Unknown
// series are anime.ErrNotFound; no cover is ErrNoCover.
func (s *Service) Series(ctx context.Context, key string) (Image, error) {
	series, dir, err := s.o.Library.SeriesDir(ctx, key)
	if err != nil {
		return Image{}, err
	}
	if dir != "" { // "": no folder to look in (no anime directory)
		if img, err := s.localPoster(filepath.Join(dir, PosterFile), key); err == nil {
			return img, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			s.o.Logger.Debug("cover: local poster unusable", "key", key, "error", err)
		}
	}
	return s.cached(cacheName('s', key), func(ctx context.Context) ([]byte, error) {
		raw, err := s.o.Sites.CoverURL(ctx, series.Site, series.Key)
		if err != nil {
			return nil, err
		}
		if raw == "" {
			return nil, ErrNoCover
		}
		return s.fetch(ctx, raw)
	})
}

// Remote answers an image a site sent (a search result's cover), fetched
// once; only from allowed hosts.
func (s *Service) Remote(ctx context.Context, raw string) (Image, error) {
	return s.cached(cacheName('r', raw), func(ctx context.Context) ([]byte, error) { return s.fetch(ctx, raw) })
}

// localPoster imports poster.jpg into the cache under a name that changes
// with the file, so new artwork replaces the site cover at once.
func (s *Service) localPoster(path, key string) (Image, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Image{}, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxPosterBytes {
		return Image{}, fmt.Errorf("%w: %s is not a usable poster", anime.ErrInvalid, path)
	}
	name := cacheName('l', key, strconv.FormatInt(fi.ModTime().UnixNano(), 10), strconv.FormatInt(fi.Size(), 10))
	if b, ok := s.cache.get(name); ok {
		return newImage(b)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Image{}, err
	}
	if _, err := sniff(b); err != nil {
		return Image{}, err
	}
	b = thumbnail(b)
	if err := s.cache.put(name, b); err != nil {
		s.o.Logger.Warn("cover cache write failed", "error", err)
	}
	return newImage(b)
}

func newImage(b []byte) (Image, error) {
	ct, err := sniff(b)
	if err != nil {
		return Image{}, err
	}
	h := sha256.Sum256(b)
	return Image{Data: b, ContentType: ct, ETag: `"` + hex.EncodeToString(h[:12]) + `"`}, nil
}

// cached answers the cache entry name, else runs load once (concurrent
// callers share it, at most maxParallelFetches at a time) and stores its
// result; a caller waits at most Options.Wait (then ErrPending). A failed
// load is not retried for RetryAfter.
func (s *Service) cached(name string, load func(context.Context) ([]byte, error)) (Image, error) {
	if b, ok := s.cache.get(name); ok {
		return newImage(b)
	}
	if s.recentlyFailed(name) {
		return Image{}, ErrNoCover
	}
	ch := s.group.DoChan(name, func() (any, error) {
		if b, ok := s.cache.get(name); ok {
			return b, nil
		}
		s.slots <- struct{}{}
		defer func() { <-s.slots }()
		// Not the caller's context: a browser dropping a lazy image must
		// not cancel the fetch the other callers wait for.
		ctx, cancel := context.WithTimeout(context.Background(), fetchTimeout)
		defer cancel()
		b, err := load(ctx)
		if err == nil {
			b = thumbnail(b)
			_, err = sniff(b)
		}
		if err != nil {
			s.noteFailure(name)
			return nil, err
		}
		if err := s.cache.put(name, b); err != nil {
			s.o.Logger.Warn("cover cache write failed", "error", err)
		}
		return b, nil
	})
	timer := time.NewTimer(s.o.Wait)
	defer timer.Stop()
	select {
	case r := <-ch:
		if r.Err != nil {
			s.o.Logger.Debug("cover unavailable", "error", r.Err)
			return Image{}, fmt.Errorf("%w: %v", ErrNoCover, r.Err)
		}
		return newImage(r.Val.([]byte))
	case <-timer.C:
		return Image{}, ErrPending
	}
}

func (s *Service) recentlyFailed(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.failed[name]
	return ok && s.o.Now().Sub(at) < s.o.RetryAfter
}

func (s *Service) noteFailure(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failed) >= maxFailures {
		clear(s.failed)
	}
	s.failed[name] = s.o.Now()
}

// allowedURL: http(s), no credentials, and a host the server may fetch.
func (s *Service) allowedURL(u *url.URL) bool {
	return (u.Scheme == "https" || u.Scheme == "http") && u.User == nil && u.Host != "" && s.o.Allowed(u.Host)
}

// maxRedirects bounds the redirects a cover fetch follows, each to an
// allowed host only.
const maxRedirects = 3

// fetch GETs an image from an allowed host: 200, at most MaxImageBytes,
// and an image by its bytes. Redirects are followed here, not by the
// client, so that every hop is checked before it is requested.
func (s *Service) fetch(ctx context.Context, raw string) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil || !s.allowedURL(u) {
		return nil, fmt.Errorf("%w: cover URL %q is not on a site's host", anime.ErrInvalid, raw)
	}
	ctx = httpclient.WithoutRedirects(ctx)
	for hop := 0; ; hop++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8")
		resp, err := s.o.Client.Do(req)
		if err != nil {
			return nil, err
		}
		if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
			resp.Body.Close()
			next, err := u.Parse(loc)
			if err != nil || !s.allowedURL(next) || hop >= maxRedirects {
				return nil, fmt.Errorf("%w: cover redirected off the site's hosts", anime.ErrInvalid)
			}
			u = next
			continue
		}
		return s.readImage(resp, u)
	}
}

func (s *Service) readImage(resp *http.Response, u *url.URL) ([]byte, error) {
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("cover %s: HTTP %d", u.Redacted(), resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, s.o.MaxImageBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > s.o.MaxImageBytes {
		return nil, fmt.Errorf("%w: cover larger than %d bytes", anime.ErrInvalid, s.o.MaxImageBytes)
	}
	if _, err := sniff(b); err != nil {
		return nil, err
	}
	return b, nil
}
