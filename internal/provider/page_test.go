package provider

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestCheckPage(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/anime/stream/demo", nil)
	tests := []struct {
		name     string
		status   int
		header   http.Header
		body     string
		notFound []int
		want     error // nil: no error
		msg      string
	}{
		{name: "ok", status: 200, body: "<html></html>"},
		{name: "404 listed", status: 404, notFound: []int{404}, want: anime.ErrNotFound, msg: `site: season page "demo": ` + anime.ErrNotFound.Error() + " (status 404)"},
		{name: "410 listed", status: 410, notFound: []int{404, 410}, want: anime.ErrNotFound, msg: "(status 410)"},
		{name: "410 not listed", status: 410, notFound: []int{404}, want: anime.ErrProvider, msg: "status 410"},
		{name: "429", status: 429, want: anime.ErrRateLimited, msg: "(status 429)"},
		{name: "500", status: 500, want: anime.ErrProvider, msg: "status 500"},
		{name: "cloudflare challenge", status: 403, header: http.Header{"Cf-Mitigated": {"challenge"}}, body: "<title>Just a moment...</title>", want: anime.ErrChallenge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			err := CheckPage("site", "season page", "demo", req, tt.status, h, []byte(tt.body), tt.notFound...)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), `site: season page "demo": `) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q lacks prefix or %q", err, tt.msg)
			}
		})
	}
}

func TestEpisodeList(t *testing.T) {
	var l EpisodeList
	if got := l.Sorted(); got == nil || len(got) != 0 {
		t.Fatalf("empty list = %#v, want non-nil empty", got)
	}
	for _, ep := range []EpisodeInfo{{Number: 3, TitleDE: "c"}, {Number: 1, TitleDE: "a"}, {Number: 3, TitleDE: "dup"}, {Number: 2, TitleDE: "b"}} {
		l.Add(ep)
	}
	want := []EpisodeInfo{{Number: 1, TitleDE: "a"}, {Number: 2, TitleDE: "b"}, {Number: 3, TitleDE: "c"}}
	if got := l.Sorted(); !reflect.DeepEqual(got, want) {
		t.Errorf("Sorted = %+v, want %+v", got, want)
	}
}

func TestAllSeasons(t *testing.T) {
	boom := errors.New("boom")
	series := func(context.Context, string) (SeriesDetails, error) {
		return SeriesDetails{Seasons: []int{0, 1, 2}}, nil
	}
	season := func(_ context.Context, _ string, n int) (Season, error) {
		if n == 2 {
			return Season{}, boom
		}
		return Season{Number: n}, nil
	}
	if _, err := AllSeasons(context.Background(), "demo", series, season); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	ok := func(_ context.Context, _ string, n int) (Season, error) { return Season{Number: n}, nil }
	got, err := AllSeasons(context.Background(), "demo", series, ok)
	if err != nil || !reflect.DeepEqual(got, []Season{{Number: 0}, {Number: 1}, {Number: 2}}) {
		t.Errorf("AllSeasons = %+v, %v", got, err)
	}
}

func TestCheckKey(t *testing.T) {
	for _, tt := range []struct {
		key string
		ok  bool
	}{{"one-piece", true}, {"demo2", true}, {"", false}, {"../etc", false}, {"a/b", false}, {"a b", false}} {
		err := CheckKey(tt.key)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, anime.ErrInvalid)) {
			t.Errorf("CheckKey(%q) = %v, want ok=%v", tt.key, err, tt.ok)
		}
	}
}

func TestResolveRef(t *testing.T) {
	base, _ := url.Parse("https://aniworld.to")
	for _, tt := range []struct{ ref, want string }{
		{" /anime/stream/demo ", "https://aniworld.to/anime/stream/demo"},
		{"https://voe.sx/e/abc", "https://voe.sx/e/abc"},
		{"//cdn.example/x", "https://cdn.example/x"},
		{"", ""},
		{"   ", ""},
		{"%zz", ""},
	} {
		got := ""
		if u := ResolveRef(base, tt.ref); u != nil {
			got = u.String()
		}
		if got != tt.want {
			t.Errorf("ResolveRef(%q) = %q, want %q", tt.ref, got, tt.want)
		}
	}
}

func TestClientDefaults(t *testing.T) {
	ttl, now, log := ClientDefaults(0, nil, nil)
	if ttl != DefaultCacheTTL || now == nil || log == nil {
		t.Fatalf("defaults: ttl %v, clock set %v, logger %v", ttl, now != nil, log)
	}
	fixed := func() time.Time { return time.Unix(42, 0) }
	mine := slog.New(slog.DiscardHandler)
	ttl, now, log = ClientDefaults(time.Minute, fixed, mine)
	if ttl != time.Minute || !now().Equal(time.Unix(42, 0)) || log != mine {
		t.Errorf("configured values replaced: %v, %v, %v", ttl, now(), log)
	}
	if ttl, _, _ = ClientDefaults(-time.Second, fixed, mine); ttl != DefaultCacheTTL {
		t.Errorf("negative ttl kept: %v", ttl)
	}
}
