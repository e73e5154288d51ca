package tmdb

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	faketmdb "github.com/aniworld/aniworld/internal/fake/tmdb"
)

const (
	testKey   = "k3y-s3cret"
	testToken = "t0ken-s3cret"
)

type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) wait(_ context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return nil
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

func setup(t *testing.T, o Options) (*Client, *faketmdb.Server, *waits) {
	t.Helper()
	fake := faketmdb.New(faketmdb.Options{APIKey: testKey, Token: testToken})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	w := &waits{}
	o.APIURL, o.ImageURL = srv.URL+"/3", srv.URL+"/t/p"
	o.HTTP, o.Wait = srv.Client(), w.wait
	if o.APIKey == "" && o.Token == "" {
		o.APIKey = testKey
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c, fake, w
}

func TestAuth(t *testing.T) {
	for _, tc := range []struct {
		name         string
		opts         Options
		wantKeyParam string
		wantHeader   string
		wantErr      error
	}{
		{"api key", Options{APIKey: testKey}, testKey, "", nil},
		{"bearer token", Options{Token: testToken}, "", "Bearer " + testToken, nil},
		{"token wins over key", Options{APIKey: "other", Token: testToken}, "", "Bearer " + testToken, nil},
		{"bad key", Options{APIKey: "wrong"}, "wrong", "", ErrAuth},
		{"bad token", Options{Token: "wrong"}, "", "Bearer wrong", ErrAuth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, fake, _ := setup(t, tc.opts)
			_, err := c.SearchTV(t.Context(), "Show", 0)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr != nil {
				if !errors.Is(err, anime.ErrUnavailable) || !strings.Contains(err.Error(), "ANIWORLD_TMDB_API_KEY") {
					t.Errorf("auth error %q must wrap ErrUnavailable and say how to configure", err)
				}
				if strings.Contains(err.Error(), "wrong") {
					t.Errorf("error leaks the credential: %q", err)
				}
			}
			reqs := fake.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			if got := url.Values(reqs[0].Query).Get("api_key"); got != tc.wantKeyParam {
				t.Errorf("api_key = %q, want %q", got, tc.wantKeyParam)
			}
			if reqs[0].Authorization != tc.wantHeader {
				t.Errorf("Authorization = %q, want %q", reqs[0].Authorization, tc.wantHeader)
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"no credentials", Options{}},
		{"relative api url", Options{APIKey: "k", APIURL: "/3"}},
		{"bad image url", Options{APIKey: "k", ImageURL: "::"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.o); !errors.Is(err, anime.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestCalls(t *testing.T) {
	c, fake, _ := setup(t, Options{Language: "de-DE"})
	ctx := t.Context()

	res, err := c.SearchTV(ctx, "show", 2019)
	if err != nil || len(res) != 1 || res[0].ID != 85937 || res[0].OriginalName != "ショー" || res[0].Year() != 2019 {
		t.Fatalf("SearchTV = %+v, %v", res, err)
	}
	if res, err := c.SearchTV(ctx, "show", 2020); err != nil || len(res) != 0 {
		t.Errorf("SearchTV with other year = %+v, %v; want none", res, err)
	}
	q := url.Values(fake.Requests()[0].Query)
	if q.Get("query") != "show" || q.Get("first_air_date_year") != "2019" || q.Get("language") != "de-DE" {
		t.Errorf("search query = %v", q)
	}

	show, err := c.TV(ctx, 85937)
	if err != nil {
		t.Fatal(err)
	}
	q = url.Values(fake.Requests()[2].Query)
	if q.Get("append_to_response") != "external_ids,credits,images,content_ratings" || q.Get("include_image_language") != "de,en,null" {
		t.Errorf("tv query = %v", q)
	}
	if show.Name != "Show" || show.Runtime() != 24 || show.Rating("DE") != "TV-14" || show.ExternalIDs.IMDbID != "tt9335498" ||
		show.ExternalIDs.TVDBID != 348545 || len(show.Credits.Cast) != 1 || len(show.Images.Logos) != 1 ||
		show.Images.Backdrops[0].Lang != "" || len(show.Seasons) != 2 || show.Seasons[1].PosterPath != "/s1.jpg" {
		t.Errorf("TV = %+v", show)
	}

	se, err := c.Season(ctx, 85937, 1)
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := se.Episode(1); !ok || e.Name != "Ep 1" || e.StillPath != "/e1.jpg" || e.Runtime != 24 {
		t.Errorf("Season episode 1 = %+v, %v", e, ok)
	}
	if _, ok := se.Episode(2); ok {
		t.Error("episode 2 should not exist")
	}
	if got, want := c.ImageURL("w500", "/p.jpg"), strings.TrimSuffix(c.o.ImageURL, "/")+"/w500/p.jpg"; got != want {
		t.Errorf("ImageURL = %q, want %q", got, want)
	}
	if c.ImageURL("original", "") != "" {
		t.Error("ImageURL of empty path should be empty")
	}
	if c.Country() != "DE" || c.ImageLang() != "de" {
		t.Errorf("Country/ImageLang = %q/%q", c.Country(), c.ImageLang())
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fault     *faketmdb.Fault
		call      func(*Client) error
		want      error
		notWant   error
		wantCalls int
	}{
		{"unknown show is 404/34", nil, func(c *Client) error { _, err := c.TV(context.Background(), 1); return err },
			anime.ErrNotFound, anime.ErrUnavailable, 1},
		{"unknown season", nil, func(c *Client) error { _, err := c.Season(context.Background(), 85937, 9); return err },
			anime.ErrNotFound, nil, 1},
		{"500 is unavailable, not retried", &faketmdb.Fault{Path: "/3/tv/", Status: 500},
			func(c *Client) error { _, err := c.TV(context.Background(), 85937); return err },
			anime.ErrUnavailable, anime.ErrNotFound, 1},
		{"injected 401", &faketmdb.Fault{Path: "/3/", Status: 401},
			func(c *Client) error { _, err := c.Configuration(context.Background()); return err }, ErrAuth, nil, 1},
		{"429 forever gives up after retries", &faketmdb.Fault{Path: "/3/search", Status: 429, RetryAfter: "0"},
			func(c *Client) error { _, err := c.SearchTV(context.Background(), "x", 0); return err },
			anime.ErrUnavailable, nil, 4},
		{"html error page", &faketmdb.Fault{Path: "/3/tv/", Status: 502, Body: "<html>bad gateway</html>", ContentType: "text/html"},
			func(c *Client) error { _, err := c.TV(context.Background(), 85937); return err }, anime.ErrUnavailable, nil, 1},
		{"garbage 200", &faketmdb.Fault{Path: "/3/tv/", Status: 200, Body: "<html>", ContentType: "text/html"},
			func(c *Client) error { _, err := c.TV(context.Background(), 85937); return err }, anime.ErrUnavailable, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, fake, _ := setup(t, Options{})
			if tc.fault != nil {
				fake.Inject(*tc.fault)
			}
			err := tc.call(c)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tc.notWant != nil && errors.Is(err, tc.notWant) {
				t.Errorf("err = %v should not be %v", err, tc.notWant)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error leaks the api key: %v", err)
			}
			if got := fake.Count("/3/"); got != tc.wantCalls {
				t.Errorf("%d requests, want %d", got, tc.wantCalls)
			}
		})
	}
}

func TestRetryOn429(t *testing.T) {
	for _, tc := range []struct {
		name       string
		retryAfter string
		times      int
		base       time.Duration
		wantWaits  []time.Duration
	}{
		{"honours Retry-After seconds", "2", 2, time.Millisecond, []time.Duration{2 * time.Second, 2 * time.Second}},
		{"caps Retry-After", "3600", 1, time.Millisecond, []time.Duration{30 * time.Second}},
		{"exponential without usable header", "soon", 3, 10 * time.Millisecond,
			[]time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, fake, w := setup(t, Options{RetryBase: tc.base})
			fake.Inject(faketmdb.Fault{Path: "/3/search", Status: 429, RetryAfter: tc.retryAfter, Times: tc.times})
			res, err := c.SearchTV(t.Context(), "Show", 0)
			if err != nil || len(res) != 1 {
				t.Fatalf("SearchTV after 429s = %v, %v", res, err)
			}
			if got := fake.Count("/3/search"); got != tc.times+1 {
				t.Errorf("%d requests, want %d", got, tc.times+1)
			}
			got := w.all()
			if len(got) != len(tc.wantWaits) {
				t.Fatalf("waits = %v, want %v", got, tc.wantWaits)
			}
			for i := range got {
				if got[i] != tc.wantWaits[i] {
					t.Errorf("wait %d = %v, want %v", i, got[i], tc.wantWaits[i])
				}
			}
		})
	}
}

func TestRetryStopsOnCancel(t *testing.T) {
	c, fake, _ := setup(t, Options{})
	c.o.Wait = sleep
	fake.Inject(faketmdb.Fault{Path: "/3/search", Status: 429, RetryAfter: "30"})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.SearchTV(ctx, "Show", 0); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestConfigurationCache(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c, fake, _ := setup(t, Options{ConfigTTL: time.Hour, Now: func() time.Time { return now }})
	for i := range 3 {
		cfg, err := c.Configuration(t.Context())
		if err != nil || !strings.HasSuffix(cfg.Images.SecureBaseURL, "/t/p/") || len(cfg.Images.PosterSizes) == 0 {
			t.Fatalf("call %d: %+v, %v", i, cfg, err)
		}
	}
	if n := fake.Count("/3/configuration"); n != 1 {
		t.Errorf("%d configuration requests within the TTL, want 1", n)
	}
	now = now.Add(2 * time.Hour)
	if _, err := c.Configuration(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := fake.Count("/3/configuration"); n != 2 {
		t.Errorf("%d configuration requests after the TTL, want 2", n)
	}
}

type failingDoer struct{}

func (failingDoer) Do(r *http.Request) (*http.Response, error) {
	return nil, &url.Error{Op: "Get", URL: r.URL.String(), Err: errors.New("connection refused")}
}

func TestTransportErrorRedactsKey(t *testing.T) {
	c, err := New(Options{APIKey: testKey, HTTP: failingDoer{}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SearchTV(t.Context(), "x", 0)
	if !errors.Is(err, anime.ErrUnavailable) || strings.Contains(err.Error(), testKey) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("err = %v", err)
	}
	if _, err := c.OpenImage(t.Context(), "original", "/p.jpg"); !errors.Is(err, anime.ErrUnavailable) {
		t.Errorf("OpenImage err = %v", err)
	}
}

func TestOpenImage(t *testing.T) {
	c, fake, _ := setup(t, Options{})
	resp, err := c.OpenImage(t.Context(), "original", "/p.jpg")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("content type %q", resp.Header.Get("Content-Type"))
	}
	if _, err := c.OpenImage(t.Context(), "original", "/x.gif"); !errors.Is(err, anime.ErrNotFound) {
		t.Errorf("missing image err = %v", err)
	}
	fake.Inject(faketmdb.Fault{Path: "/t/p/", Status: 500})
	if _, err := c.OpenImage(t.Context(), "original", "/p.jpg"); !errors.Is(err, anime.ErrUnavailable) {
		t.Errorf("500 image err = %v", err)
	}
	for _, r := range fake.Requests() {
		if r.Path != "/3/" && (url.Values(r.Query).Get("api_key") != "" || r.Authorization != "") {
			t.Errorf("image request %s carries credentials", r.Path)
		}
	}
}

// TestFindTVDB: /find with external_source=tvdb_id answers the linked
// shows; an unknown id is an empty list, not an error.
func TestFindTVDB(t *testing.T) {
	c, fake, _ := setup(t, Options{Language: "de-DE"})
	ctx := t.Context()
	res, err := c.FindTVDB(ctx, 348545)
	if err != nil || len(res) != 1 || res[0].ID != 85937 || res[0].Name != "Show" || res[0].Year() != 2019 {
		t.Fatalf("FindTVDB = %+v, %v", res, err)
	}
	q := url.Values(fake.Requests()[0].Query)
	if fake.Requests()[0].Path != "/3/find/348545" || q.Get("external_source") != "tvdb_id" || q.Get("language") != "de-DE" {
		t.Errorf("find request = %+v", fake.Requests()[0])
	}
	if res, err := c.FindTVDB(ctx, 1); err != nil || len(res) != 0 {
		t.Errorf("unknown tvdb id = %+v, %v; want none", res, err)
	}
	if _, err := c.FindTVDB(ctx, 0); !errors.Is(err, anime.ErrInvalid) {
		t.Errorf("tvdb id 0: %v", err)
	}
}
