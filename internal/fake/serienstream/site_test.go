package serienstream

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/challenge"
	"github.com/aniworld/aniworld/internal/httpclient"
)

func noFollow(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u, referer string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if referer != "" {
		req.Header.Set("Referer", referer)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

// TestQuirks checks the site's quirks the fake copies and the provider relies on.
func TestQuirks(t *testing.T) {
	s := New(Options{GateAfter: 2, EmbedURL: func(h, id string) string { return "http://127.0.0.1:9/" + h + "/" + id }})
	srv := httptest.NewServer(s)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := noFollow(jar)
	ep := srv.URL + "/serie/the-office-demo/staffel-1/episode-1"
	lo := srv.URL + "/r?t=the-office-demo-1-1-0"

	t.Run("no session, no referer: player page", func(t *testing.T) {
		res, body := get(t, noFollow(nil), lo, "")
		if res.StatusCode != 200 || res.Header.Get("Location") != "" || !strings.Contains(body, "player-placeholder") ||
			challenge.Detect(res.StatusCode, res.Header, []byte(body)) != challenge.None {
			t.Fatalf("%d %q", res.StatusCode, body)
		}
	})
	t.Run("referer alone redirects", func(t *testing.T) {
		res, _ := get(t, noFollow(nil), lo, ep)
		if res.StatusCode != 302 || res.Header.Get("Location") != "http://127.0.0.1:9/VOE/the-office-demo-1-1-0" {
			t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
	t.Run("session, burst, gate, pass", func(t *testing.T) {
		if res, body := get(t, c, ep, ""); res.StatusCode != 200 || !strings.Contains(body, `data-provider-name="Provider"`) {
			t.Fatalf("episode page %d", res.StatusCode)
		}
		for i := 0; i < 2; i++ {
			if res, _ := get(t, c, lo, ""); res.StatusCode != 302 {
				t.Fatalf("link-out %d: %d", i, res.StatusCode)
			}
		}
		res, body := get(t, c, lo, "")
		if k := challenge.Detect(res.StatusCode, res.Header, []byte(body)); k != challenge.Turnstile {
			t.Fatalf("third link-out: %d %s, want the Turnstile gate", res.StatusCode, k)
		}
		u, _ := http.NewRequest("GET", lo, nil)
		cl, err := (&WidgetSolver{}).Solve(context.Background(), httpclient.SolveRequest{URL: lo, Cookies: jar.Cookies(u.URL), Referer: ep})
		if err != nil {
			t.Fatal(err)
		}
		jar.SetCookies(u.URL, cl.Cookies)
		if res, _ := get(t, c, lo, ""); res.StatusCode != 302 {
			t.Fatalf("after the pass: %d", res.StatusCode)
		}
		// A wrong token does not pass.
		res, err = c.PostForm(srv.URL+"/r/verify", map[string][]string{"cf-turnstile-response": {"forged"}})
		if err != nil || res.StatusCode != 403 {
			t.Fatalf("forged token: %v %d", err, res.StatusCode)
		}
	})
	t.Run("provider button leaves for an official service", func(t *testing.T) {
		res, _ := get(t, noFollow(nil), srv.URL+"/r?t=the-office-demo-1-1-provider", ep)
		if res.StatusCode != 302 || !strings.Contains(res.Header.Get("Location"), "official-streaming.invalid") {
			t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
	t.Run("search without results", func(t *testing.T) {
		_, body := get(t, noFollow(nil), srv.URL+"/api/search/suggest?term=zzz", "")
		var v struct{ Shows []any }
		if json.Unmarshal([]byte(body), &v) != nil || v.Shows == nil || len(v.Shows) != 0 {
			t.Fatalf("suggest %s", body)
		}
		if _, body := get(t, noFollow(nil), srv.URL+"/suche?term=zzz&tab=shows", ""); !strings.Contains(body, "Keine Ergebnisse") {
			t.Fatalf("search page %s", body)
		}
	})
	t.Run("untitled season and unknown pages", func(t *testing.T) {
		_, body := get(t, noFollow(nil), srv.URL+"/serie/the-office-demo/staffel-2", "")
		if strings.Contains(body, "episode-title-ger") || strings.Count(body, `class="episode-row"`) != 2 {
			t.Fatalf("season 2 %s", body)
		}
		for _, p := range []string{"/serie/nope", "/serie/the-office-demo/staffel-9", "/serie/the-office-demo/staffel-1/episode-9", "/r?t=nope"} {
			if res, _ := get(t, noFollow(nil), srv.URL+p, ""); res.StatusCode != 404 {
				t.Errorf("%s: %d", p, res.StatusCode)
			}
		}
	})
}
