package mediaserver

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	fakejellyfin "github.com/aniworld/aniworld/internal/fake/jellyfin"
	fakekodi "github.com/aniworld/aniworld/internal/fake/kodi"
	fakeplex "github.com/aniworld/aniworld/internal/fake/plex"
)

func TestMapPath(t *testing.T) {
	maps := []Mapping{{From: "/srv/anime", To: "/media/anime"}, {From: "/srv/anime/Kids", To: `\\nas\kids`}, {From: "/data", To: "/"}}
	cases := []struct{ in, want string }{
		{"/srv/anime/Show/Season 01/x.mp4", "/media/anime/Show/Season 01/x.mp4"},
		{"/srv/anime", "/media/anime"},
		{"/srv/animex/a.mp4", "/srv/animex/a.mp4"}, // not on a component boundary
		{"/srv/anime/Kids/Show/a.mp4", `\\nas\kids\Show\a.mp4`},
		{"/data/Show/a.mp4", "/Show/a.mp4"},
		{"/other/a.mp4", "/other/a.mp4"},
	}
	for _, c := range cases {
		if got := MapPath(c.in, maps); got != c.want {
			t.Errorf("MapPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestServers: each kind tells its fake the mapped path, and a wrong token
// fails the connection test with ErrAuth.
func TestServers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	jf := fakejellyfin.New("jf-token")
	px := fakeplex.New("plex-token", fakeplex.Section{Key: "1", Title: "Filme", Type: "movie", Locations: []string{"/media/movies"}},
		fakeplex.Section{Key: "7", Title: "Anime", Type: "show", Locations: []string{"/media/anime"}})
	kd := fakekodi.New("kodi", "secret")
	sj, sp, sk := httptest.NewServer(jf), httptest.NewServer(px), httptest.NewServer(kd)
	defer sj.Close()
	defer sp.Close()
	defer sk.Close()
	maps := []Mapping{{From: "/lib", To: "/media/anime"}}
	file := "/lib/Demo & Friends (2020)/Season 01/Demo - S01E04 - (German Dub).mp4"
	mapped := "/media/anime/Demo & Friends (2020)/Season 01/Demo - S01E04 - (German Dub).mp4"
	cases := []struct {
		name  string
		cfg   Config
		check func(t *testing.T)
	}{
		{"jellyfin", Config{Name: "jf", Kind: Jellyfin, URL: sj.URL, Token: "jf-token", PathMap: maps}, func(t *testing.T) {
			if u := jf.Updates(); len(u) != 1 || u[0].Path != mapped || u[0].UpdateType != "Created" {
				t.Fatalf("updates %+v", u)
			}
		}},
		{"plex", Config{Name: "px", Kind: Plex, URL: sp.URL + "/", Token: "plex-token", PathMap: maps}, func(t *testing.T) {
			if r := px.Refreshes(); len(r) != 1 || r[0].Section != "7" || r[0].Path != "/media/anime/Demo & Friends (2020)/Season 01" {
				t.Fatalf("refreshes %+v", r)
			}
		}},
		{"kodi", Config{Name: "kd", Kind: Kodi, URL: sk.URL, Username: "kodi", Password: "secret", PathMap: maps}, func(t *testing.T) {
			if s := kd.Scans(); len(s) != 1 || s[0] != "/media/anime/Demo & Friends (2020)/Season 01/" {
				t.Fatalf("scans %+v", s)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := New(c.cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Test(ctx); err != nil {
				t.Fatalf("test: %v", err)
			}
			if err := s.Updated(ctx, file); err != nil {
				t.Fatal(err)
			}
			c.check(t)
			bad := c.cfg
			bad.Token, bad.Password = "wrong", "wrong"
			s, _ = New(bad, nil)
			if err := s.Test(ctx); !errors.Is(err, ErrAuth) {
				t.Fatalf("wrong credentials: %v", err)
			}
		})
	}
	s, _ := New(Config{Name: "px2", Kind: Plex, URL: sp.URL, Token: "plex-token"}, nil)
	if err := s.Updated(ctx, "/elsewhere/a.mp4"); err == nil {
		t.Fatal("plex refresh outside every section passed")
	}
	if _, err := New(Config{Name: "x", Kind: "vlc", URL: sp.URL}, nil); err == nil {
		t.Fatal("unknown kind accepted")
	}
}

// TestDispatcherRetries: a server that fails is retried, then the next
// update goes on; Updated never blocks.
func TestDispatcherRetries(t *testing.T) {
	jf := fakejellyfin.New("tok")
	srv := httptest.NewServer(jf)
	defer srv.Close()
	bad, _ := New(Config{Name: "down", Kind: Jellyfin, URL: "http://127.0.0.1:1", Token: "tok"}, nil)
	good, _ := New(Config{Name: "jf", Kind: Jellyfin, URL: srv.URL, Token: "tok"}, nil)
	var waits []time.Duration
	d := NewDispatcher(DispatcherOptions{Attempts: 3, Backoff: time.Second, Sleep: func(_ context.Context, w time.Duration) error {
		waits = append(waits, w)
		return nil
	}})
	d.SetServers([]Server{bad, good})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	d.Updated("/a/b.mp4")
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := jf.WaitFor(wctx, "/a/b.mp4"); err != nil {
		t.Fatal(err)
	}
	for _, ok := d.LastErrors()["jf"]; !ok; _, ok = d.LastErrors()["jf"] {
		time.Sleep(2 * time.Millisecond) // the fake recorded it; the dispatcher reads the answer
	}
	cancel()
	<-done
	if len(waits) != 2 || waits[0] != time.Second || waits[1] != 2*time.Second {
		t.Fatalf("waits %v", waits)
	}
	if e := d.LastErrors(); e["down"] == "" || e["jf"] != "" {
		t.Fatalf("last errors %v", e)
	}
	if err := d.Test(context.Background(), "nope"); err == nil {
		t.Fatal("unknown server tested")
	}
}
