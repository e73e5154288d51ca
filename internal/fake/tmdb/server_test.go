package tmdb

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

func get(t *testing.T, srv *httptest.Server, path string, hdr map[string]string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var body map[string]any
	_ = json.Unmarshal(b, &body)
	return resp.StatusCode, resp.Header, body
}

func TestServer(t *testing.T) {
	fake := New(Options{APIKey: "k", Token: "t"})
	srv := httptest.NewServer(fake)
	defer srv.Close()

	for _, tc := range []struct {
		name       string
		path       string
		hdr        map[string]string
		wantStatus int
		wantCode   float64
		wantField  string
	}{
		{"search by key", "/3/search/tv?api_key=k&query=show&first_air_date_year=2019", nil, 200, 0, "results"},
		{"details by token", "/3/tv/85937?append_to_response=external_ids,images", map[string]string{"Authorization": "Bearer t"}, 200, 0, "external_ids"},
		{"season", "/3/tv/85937/season/1?api_key=k", nil, 200, 0, "episodes"},
		{"configuration", "/3/configuration?api_key=k", nil, 200, 0, "images"},
		{"no credentials", "/3/tv/85937", nil, 401, 7, "status_message"},
		{"wrong token", "/3/tv/85937", map[string]string{"Authorization": "Bearer x"}, 401, 7, "status_message"},
		{"unknown show", "/3/tv/1?api_key=k", nil, 404, 34, "status_message"},
		{"unknown season", "/3/tv/85937/season/5?api_key=k", nil, 404, 34, "status_message"},
		{"unknown route", "/3/movie/1?api_key=k", nil, 404, 34, "status_message"},
		{"find by tvdb id", "/3/find/348545?api_key=k&external_source=tvdb_id", nil, 200, 0, "tv_results"},
		{"find an unknown id", "/3/find/1?api_key=k&external_source=tvdb_id", nil, 200, 0, "movie_results"},
		{"find without source", "/3/find/348545?api_key=k", nil, 400, 22, "status_message"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := get(t, srv, tc.path, tc.hdr)
			if status != tc.wantStatus {
				t.Fatalf("status %d, want %d (%v)", status, tc.wantStatus, body)
			}
			if tc.wantCode != 0 && body["status_code"] != tc.wantCode {
				t.Errorf("status_code %v, want %v", body["status_code"], tc.wantCode)
			}
			if _, ok := body[tc.wantField]; !ok {
				t.Errorf("body lacks %q: %v", tc.wantField, body)
			}
		})
	}
	if _, _, body := get(t, srv, "/3/search/tv?api_key=k&query=show&first_air_date_year=2000", nil); body["total_results"] != 0.0 {
		t.Errorf("year filter: %v", body)
	}
	if _, _, body := get(t, srv, "/3/find/348545?api_key=k&external_source=tvdb_id", nil); len(body["tv_results"].([]any)) != 1 {
		t.Errorf("find: %v", body)
	}
	if _, _, body := get(t, srv, "/3/find/tt9335498?api_key=k&external_source=imdb_id", nil); len(body["tv_results"].([]any)) != 1 {
		t.Errorf("find by imdb id: %v", body)
	}
	if n := fake.Count("/3/tv/"); n != 6 {
		t.Errorf("Count(/3/tv/) = %d, want 6", n)
	}
	fake.Reset()
	if fake.Count("") != 0 {
		t.Error("Reset did not clear the log")
	}
}

func TestFaults(t *testing.T) {
	fake := New(Options{})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	fake.Inject(Fault{Path: "/3/search", Status: 429, RetryAfter: "7", Times: 2})
	for i := range 2 {
		status, hdr, body := get(t, srv, "/3/search/tv?query=show", nil)
		if status != 429 || hdr.Get("Retry-After") != "7" || body["status_code"] != 25.0 {
			t.Errorf("call %d: %d %v %v", i, status, hdr, body)
		}
	}
	if status, _, _ := get(t, srv, "/3/search/tv?query=show", nil); status != 200 {
		t.Errorf("fault outlived Times: %d", status)
	}
	fake.Inject(Fault{Path: "/t/p/", Status: 500})
	if status, _, body := get(t, srv, "/t/p/original/p.jpg", nil); status != 500 || body["status_code"] != 11.0 {
		t.Errorf("image fault: %d %v", status, body)
	}
	fake.ClearFaults()
	if status, hdr, _ := get(t, srv, "/t/p/original/p.jpg", nil); status != 200 || hdr.Get("Content-Type") != "image/jpeg" {
		t.Errorf("image: %d %v", status, hdr)
	}
}

func TestRendezvousAndGauge(t *testing.T) {
	fake := New(Options{Rendezvous: 3})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			resp, err := srv.Client().Get(srv.URL + "/3/configuration")
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	if got := fake.MaxInFlight(); got != 3 {
		t.Errorf("MaxInFlight = %d, want 3", got)
	}
	if fake.InFlight() != 0 {
		t.Errorf("InFlight = %d after all returned", fake.InFlight())
	}
}
