package covers

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	_ "image/jpeg"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestSeriesCoverFetchedOnceAndKeptAcrossRestarts(t *testing.T) {
	cover := jpegOf(t, 220, 330, color.RGBA{200, 40, 90, 255})
	site := newImageSite(t, cover)
	data, animeDir := t.TempDir(), t.TempDir()
	lib := fakeLib{dir: animeDir, series: map[string]anime.Series{"demo": {Key: "demo", Site: "aniworld.to"}}}
	sites := &fakeSites{urls: map[string]string{"demo": site.URL + "/cover.jpg"}}
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	svc := newTestService(t, data, lib, sites, site, clk)

	var wg sync.WaitGroup
	imgs := make([]Image, 8)
	for i := range imgs { // concurrent first requests share one fetch
		wg.Add(1)
		go func() {
			defer wg.Done()
			img, err := svc.Series(context.Background(), "demo")
			if err != nil {
				t.Error(err)
			}
			imgs[i] = img
		}()
	}
	wg.Wait()
	for _, img := range imgs {
		if !bytes.Equal(img.Data, cover) || img.ContentType != "image/jpeg" || img.ETag != imgs[0].ETag || !strings.HasPrefix(img.ETag, `"`) {
			t.Fatalf("image %s %s (%d bytes)", img.ContentType, img.ETag, len(img.Data))
		}
	}
	if site.hits.Load() != 1 {
		t.Fatalf("site fetched %d times, want 1", site.hits.Load())
	}

	again := newTestService(t, data, lib, sites, site, clk) // a restart
	img, err := again.Series(context.Background(), "demo")
	if err != nil || !bytes.Equal(img.Data, cover) {
		t.Fatalf("after restart: %v", err)
	}
	if site.hits.Load() != 1 {
		t.Fatalf("fetched again after a restart (%d)", site.hits.Load())
	}
	if _, err := svc.Series(context.Background(), "nope"); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("unknown series: %v", err)
	}
}

func TestLocalPosterWinsAndIsScaledDown(t *testing.T) {
	site := newImageSite(t, jpegOf(t, 220, 330, color.RGBA{1, 2, 3, 255}))
	data, animeDir := t.TempDir(), t.TempDir()
	lib := fakeLib{dir: animeDir, series: map[string]anime.Series{"demo": {Key: "demo", Site: "aniworld.to"}}}
	sites := &fakeSites{urls: map[string]string{"demo": site.URL + "/cover.jpg"}}
	svc := newTestService(t, data, lib, sites, site, &clock{t: time.Unix(1_700_000_000, 0)})

	if err := os.MkdirAll(filepath.Join(animeDir, "demo"), 0o755); err != nil {
		t.Fatal(err)
	}
	poster := filepath.Join(animeDir, "demo", PosterFile)
	if err := os.WriteFile(poster, jpegOf(t, 1000, 1500, color.RGBA{10, 200, 30, 255}), 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := svc.Series(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(img.Data))
	if err != nil || cfg.Width != ThumbWidth || cfg.Height != 600 {
		t.Fatalf("thumbnail %dx%d: %v", cfg.Width, cfg.Height, err)
	}
	dec, _, _ := image.Decode(bytes.NewReader(img.Data))
	if r, g, _, _ := dec.At(200, 300).RGBA(); g>>8 < 150 || r>>8 > 60 {
		t.Fatalf("thumbnail colour changed: r=%d g=%d", r>>8, g>>8)
	}
	if site.hits.Load() != 0 || sites.calls != 0 {
		t.Fatalf("site asked although a poster exists (%d hits, %d lookups)", site.hits.Load(), sites.calls)
	}

	// New artwork replaces the old at once (another ETag).
	small := jpegOf(t, 200, 300, color.RGBA{0, 0, 250, 255})
	if err := os.WriteFile(poster, small, 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	os.Chtimes(poster, later, later)
	img2, err := svc.Series(context.Background(), "demo")
	if err != nil || !bytes.Equal(img2.Data, small) || img2.ETag == img.ETag {
		t.Fatalf("new poster not served: %v", err)
	}
}

func TestFetchOnlyImagesFromAllowedHosts(t *testing.T) {
	cover := jpegOf(t, 20, 30, color.RGBA{9, 9, 9, 255})
	site := newImageSite(t, cover)
	tests := []struct {
		name string
		url  string
		ok   bool
		hits int64 // requests that reached the site
	}{
		{"an image", site.URL + "/cover.jpg", true, 1},
		{"a redirect on the site", site.URL + "/moved.jpg", true, 2},
		{"a redirect off the site is not followed", site.URL + "/away.jpg", false, 1},
		{"an HTML page labelled image/jpeg", site.URL + "/page.html", false, 1},
		{"an SVG", site.URL + "/image.svg", false, 1},
		{"larger than the limit", site.URL + "/big.jpg", false, 1},
		{"a 404", site.URL + "/gone.jpg", false, 1},
		{"another host", "http://127.0.0.2:1/cover.jpg", false, 0},
		{"credentials in the URL", strings.Replace(site.URL, "http://", "http://u:p@", 1) + "/cover.jpg", false, 0},
		{"not http", "file:///etc/passwd", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site.hits.Store(0)
			svc := newTestService(t, t.TempDir(), fakeLib{}, &fakeSites{}, site, &clock{t: time.Unix(1_700_000_000, 0)})
			img, err := svc.Remote(context.Background(), tt.url)
			if tt.ok != (err == nil) {
				t.Fatalf("err %v", err)
			}
			if !tt.ok && !errors.Is(err, ErrNoCover) {
				t.Fatalf("err %v, want ErrNoCover", err)
			}
			if tt.ok && !bytes.Equal(img.Data, cover) {
				t.Fatal("wrong bytes")
			}
			if got := site.hits.Load(); got != tt.hits {
				t.Fatalf("%d requests reached the site, want %d", got, tt.hits)
			}
		})
	}
}

func TestFailedFetchIsRetriedOnlyLater(t *testing.T) {
	site := newImageSite(t, jpegOf(t, 20, 30, color.RGBA{9, 9, 9, 255}))
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	svc := newTestService(t, t.TempDir(), fakeLib{}, &fakeSites{}, site, clk)
	for range 3 {
		if _, err := svc.Remote(context.Background(), site.URL+"/gone.jpg"); !errors.Is(err, ErrNoCover) {
			t.Fatal(err)
		}
	}
	if site.hits.Load() != 1 {
		t.Fatalf("%d fetches within the retry delay, want 1", site.hits.Load())
	}
	clk.Add(defaultRetryAfter + time.Second)
	svc.Remote(context.Background(), site.URL+"/gone.jpg")
	if site.hits.Load() != 2 {
		t.Fatalf("%d fetches after the retry delay, want 2", site.hits.Load())
	}
}

func TestSignedURLs(t *testing.T) {
	site := newImageSite(t, nil)
	data := t.TempDir()
	svc := newTestService(t, data, fakeLib{}, &fakeSites{}, site, &clock{})
	fi, err := os.Stat(filepath.Join(data, "covers.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}

	su, _ := url.Parse(svc.SeriesURL("attack on/titan"))
	key, _ := url.PathUnescape(strings.TrimPrefix(su.EscapedPath(), SeriesPath))
	sig := su.Query().Get("sig")
	if key != "attack on/titan" || !svc.ValidSeries(key, sig) {
		t.Fatalf("series URL %s does not verify", su)
	}
	raw := site.URL + "/cover.jpg?x=1&y=2"
	ru, _ := url.Parse(svc.RemoteURL(raw))
	if ru.Path != RemotePath || ru.Query().Get("u") != raw || !svc.ValidRemote(raw, ru.Query().Get("sig")) {
		t.Fatalf("remote URL %s does not verify", ru)
	}
	rejected := []struct {
		name  string
		valid bool
	}{
		{"another key", svc.ValidSeries("other", sig)},
		{"a series signature for a remote URL", svc.ValidRemote(key, sig)},
		{"an altered signature", svc.ValidSeries(key, sig[:len(sig)-1]+"A")},
		{"no signature", svc.ValidSeries(key, "")},
		{"another URL", svc.ValidRemote(raw+"&z", ru.Query().Get("sig"))},
	}
	for _, r := range rejected {
		if r.valid {
			t.Errorf("%s verified", r.name)
		}
	}
	for _, u := range []string{"", "http://127.0.0.2/x.jpg", "javascript:alert(1)", "/relative.jpg"} {
		if got := svc.RemoteURL(u); got != "" {
			t.Errorf("RemoteURL(%q) = %q, want none", u, got)
		}
	}
	// The key survives a restart: URLs handed out stay valid.
	again := newTestService(t, data, fakeLib{}, &fakeSites{}, site, &clock{})
	if !again.ValidSeries(key, sig) {
		t.Fatal("signature invalid after a restart")
	}
}

// slowLib is a library whose series have no folder (no anime directory).
type slowLib struct{}

func (slowLib) SeriesDir(_ context.Context, key string) (anime.Series, string, error) {
	return anime.Series{Key: key, Site: "aniworld.to"}, "", nil
}

func TestSlowFetchAnswersPendingAndGoesOn(t *testing.T) {
	cover := jpegOf(t, 20, 30, color.RGBA{9, 9, 9, 255})
	release := make(chan struct{})
	site := newImageSite(t, cover)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		<-release
		w.Write(cover)
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	u, _ := url.Parse(slow.URL)
	svc, err := New(Options{Dir: t.TempDir(), SecretFile: filepath.Join(t.TempDir(), "k"), Library: slowLib{},
		Sites: &fakeSites{urls: map[string]string{"demo": slow.URL + "/c.jpg", "fast": site.URL + "/cover.jpg"}}, Client: http.DefaultClient,
		Allowed: func(h string) bool { return h == u.Host || strings.HasPrefix(site.URL, "http://"+h) }, Wait: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Series(context.Background(), "demo"); !errors.Is(err, ErrPending) || !errors.Is(err, ErrNoCover) {
		t.Fatalf("slow fetch: %v, want ErrPending", err)
	}
	close(release)
	deadline := time.Now().Add(10 * time.Second) // only guards a hang
	for {
		img, err := svc.Series(context.Background(), "demo")
		if err == nil {
			if !bytes.Equal(img.Data, cover) {
				t.Fatal("wrong bytes")
			}
			break
		}
		if !errors.Is(err, ErrPending) || time.Now().After(deadline) {
			t.Fatalf("after release: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// A series without a folder still gets its site cover.
	if img, err := svc.Series(context.Background(), "fast"); err != nil || !bytes.Equal(img.Data, cover) {
		t.Fatalf("no folder: %v", err)
	}
}
