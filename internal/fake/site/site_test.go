package site

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

func noFollow() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func fetch(t *testing.T, method, u string, form url.Values) (int, http.Header, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = noFollow().PostForm(u, form)
	} else {
		resp, err = noFollow().Get(u)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestRoutes(t *testing.T) {
	s := New(Options{RedirectTarget: func(id string) string {
		if id == "100001" {
			return ""
		}
		return "http://hoster.test/e/" + id
	}})
	srv := httptest.NewServer(s)
	defer srv.Close()
	voe, _ := s.LinkID("demo", 1, 1, "VOE", anime.LangGermanDub)
	tests := []struct {
		name       string
		method     string
		path       string
		form       url.Values
		faults     Fault
		wantStatus int
		contains   []string
		header     [2]string
	}{
		{name: "home", path: "/", wantStatus: 200, contains: []string{"Demo &amp; Friends", "/anime/stream/no-movies"}},
		{name: "series", path: "/anime/stream/demo", wantStatus: 200, contains: []string{`data-full-description="Ein &#34;Demo&#34; &amp; seine`, ">Heute<", `title="Alle Filme"`, `tbody id="season1"`, "adsbygoogle", "<footer"}},
		{name: "ended series", path: "/anime/stream/no-movies", wantStatus: 200, contains: []string{"/animes/jahr/2021"}},
		{name: "unknown series", path: "/anime/stream/missing", wantStatus: 200, contains: []string{`class="messageAlert danger"`}},
		{name: "season 2", path: "/anime/stream/demo/staffel-2", wantStatus: 200, contains: []string{`tbody id="season2"`, "Das Finale"}},
		{name: "movies", path: "/anime/stream/demo/filme", wantStatus: 200, contains: []string{"filme/film-1", "<strong></strong>"}},
		{name: "episode", path: "/anime/stream/demo/staffel-1/episode-1", wantStatus: 200, contains: []string{`data-lang-key="3"`, `style="display: none;"`, "<h4>Vidmoly</h4>", `data-link-target="/redirect/` + voe + `"`}},
		{name: "movie page", path: "/anime/stream/demo/filme/film-1", wantStatus: 200, contains: []string{"Demo: The Movie"}},
		{name: "missing episode", path: "/anime/stream/demo/staffel-1/episode-4", wantStatus: 404},
		{name: "missing season", path: "/anime/stream/no-movies/filme", wantStatus: 404},
		{name: "redirect", path: "/redirect/" + voe, wantStatus: 302, header: [2]string{"Location", "http://hoster.test/e/" + voe}},
		{name: "redirect without target", path: "/redirect/100001", wantStatus: 404},
		{name: "redirect challenge", path: "/redirect/" + DemoChallengeLinkID, wantStatus: 403, contains: []string{"Just a moment..."}},
		{name: "redirect gone", path: "/redirect/" + DemoGoneLinkID, wantStatus: 404},
		{name: "search", method: http.MethodPost, path: "/ajax/search", form: url.Values{"keyword": {"demo"}}, wantStatus: 200,
			contains: []string{`"title":"<em>Demo<\/em> &amp; Friends"`, `\/support\/`, `staffel-1\/episode-1`}},
		{name: "search get refused", path: "/ajax/search", wantStatus: 405},
		{name: "search bom", method: http.MethodPost, path: "/ajax/search", form: url.Values{"keyword": {"demo"}}, faults: FaultSearchBOM, wantStatus: 200, contains: []string{"\ufeff"}},
		{name: "search not json", method: http.MethodPost, path: "/ajax/search", form: url.Values{"keyword": {"demo"}}, faults: FaultSearchNotJSON, wantStatus: 200, contains: []string{"<html"}},
		{name: "search down", method: http.MethodPost, path: "/ajax/search", form: url.Values{"keyword": {"demo"}}, faults: FaultSearchDown, wantStatus: 500},
		{name: "series search", path: "/ajax/seriesSearch?keyword=kein", wantStatus: 200, contains: []string{`"productionYear":"(2019 - 2021)"`, `"link":"no-movies"`, `_150x225`}},
		{name: "ddos-guard", path: "/anime/stream/demo", faults: FaultDDoSGuard, wantStatus: 403, header: [2]string{"Server", "ddos-guard"}},
		{name: "just a moment", path: "/", faults: FaultJustAMoment, wantStatus: 403, contains: []string{"cdn-cgi/challenge-platform"}},
		{name: "cover image", path: "/public/img/cover/demo_220x330.jpg", wantStatus: 200, header: [2]string{"Content-Type", "image/jpeg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.SetFaults(tt.faults)
			defer s.SetFaults(0)
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			status, h, body := fetch(t, method, srv.URL+tt.path, tt.form)
			if status != tt.wantStatus {
				t.Errorf("status %d, want %d", status, tt.wantStatus)
			}
			for _, c := range tt.contains {
				if !strings.Contains(body, c) {
					t.Errorf("body lacks %q", c)
				}
			}
			if tt.header[0] != "" && h.Get(tt.header[0]) != tt.header[1] {
				t.Errorf("%s = %q, want %q", tt.header[0], h.Get(tt.header[0]), tt.header[1])
			}
		})
	}
	if s.Hits("/anime/stream/demo") != 2 || s.TotalHits() < len(tests) {
		t.Errorf("hits %d total %d", s.Hits("/anime/stream/demo"), s.TotalHits())
	}
}

func TestGenerateAndPrefix(t *testing.T) {
	s := New(Options{Catalog: Generate(3, 2, 4), PathPrefix: "serie/stream"})
	srv := httptest.NewServer(s)
	defer srv.Close()
	if s.PathPrefix() != "/serie/stream/" || len(s.Catalog().Series) != 3 {
		t.Fatalf("prefix %q", s.PathPrefix())
	}
	status, _, body := fetch(t, http.MethodGet, srv.URL+"/serie/stream/series-3/staffel-2/episode-4", nil)
	if status != 200 || !strings.Contains(body, "Folge 2-4") {
		t.Errorf("status %d", status)
	}
	ids := map[string]bool{}
	for _, sr := range s.Catalog().Series {
		for _, eps := range sr.Seasons {
			for _, e := range eps {
				for _, l := range e.Links {
					if ids[l.ID] || l.ID == "" {
						t.Fatalf("duplicate or empty link id %q", l.ID)
					}
					ids[l.ID] = true
				}
			}
		}
	}
	if len(ids) != 3*2*4*15 {
		t.Errorf("%d link ids", len(ids))
	}
	if status, _, _ := fetch(t, http.MethodGet, srv.URL+"/anime/stream/series-1", nil); status != 404 {
		t.Errorf("aniworld prefix on an s.to fake: %d", status)
	}
}
