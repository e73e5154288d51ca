package aniworld

import (
	"errors"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/provider"
)

func TestSearch(t *testing.T) {
	tests := []struct {
		name        string
		query       string
		faults      site.Fault
		wantKeys    []string
		wantFolder  string // of the first result
		wantYear    int
		wantCover   bool
		wantErrIs   error
		wantPrimary int // POSTs to /ajax/search
		wantBackup  int // GETs of /ajax/seriesSearch
	}{
		{name: "primary finds series and drops episode and support links", query: "demo", wantKeys: []string{"demo"}, wantFolder: "Demo & Friends", wantPrimary: 1},
		{name: "alternative title", query: "デモ", wantKeys: []string{"demo"}, wantPrimary: 1},
		{name: "second series", query: "kein", wantKeys: []string{"no-movies"}, wantFolder: "Kein Film", wantPrimary: 1},
		{name: "no hits is an empty list", query: "zzz", wantKeys: []string{}, wantPrimary: 1},
		{name: "bom and control characters tolerated", query: "demo", faults: site.FaultSearchBOM, wantKeys: []string{"demo"}, wantPrimary: 1},
		{name: "non-json answer falls back to seriesSearch", query: "demo", faults: site.FaultSearchNotJSON, wantKeys: []string{"demo"}, wantFolder: "Demo & Friends (2020)", wantYear: 2020, wantCover: true, wantPrimary: 1, wantBackup: 1},
		{name: "failing primary falls back", query: "o", faults: site.FaultSearchDown, wantKeys: []string{"demo", "no-movies"}, wantYear: 2020, wantCover: true, wantPrimary: 1, wantBackup: 1},
		{name: "fallback with bom", query: "kein", faults: site.FaultSearchDown | site.FaultSearchBOM, wantKeys: []string{"no-movies"}, wantFolder: "Kein Film (2019)", wantYear: 2019, wantCover: true, wantPrimary: 1, wantBackup: 1},
		{name: "ddos-guard is a challenge", query: "demo", faults: site.FaultDDoSGuard, wantErrIs: anime.ErrChallenge, wantPrimary: 1, wantBackup: 1},
		{name: "cloudflare is a challenge", query: "demo", faults: site.FaultJustAMoment, wantErrIs: anime.ErrChallenge, wantPrimary: 1, wantBackup: 1},
		{name: "empty query", query: "  ", wantErrIs: anime.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOpts{})
			e.site.SetFaults(tt.faults)
			got, err := e.client.Search(t.Context(), tt.query)
			if p, b := e.site.Hits("/ajax/search"), e.site.Hits("/ajax/seriesSearch"); p != tt.wantPrimary || b != tt.wantBackup {
				t.Errorf("requests: primary %d fallback %d, want %d %d", p, b, tt.wantPrimary, tt.wantBackup)
			}
			if tt.wantErrIs != nil {
				if !errors.Is(err, tt.wantErrIs) {
					t.Fatalf("err %v, want %v", err, tt.wantErrIs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Fatal("nil slice; want an empty list for JSON []")
			}
			keys := []string{}
			for _, r := range got {
				keys = append(keys, r.Key)
				if r.Site != "aniworld.to" || r.Link != e.srv.URL+"/anime/stream/"+r.Key || r.MissingEpisodes == nil {
					t.Errorf("result %+v", r)
				}
			}
			if !equalStrings(keys, tt.wantKeys) {
				t.Fatalf("keys %v, want %v", keys, tt.wantKeys)
			}
			if len(got) == 0 {
				return
			}
			first := got[0]
			if tt.wantFolder != "" && first.Folder != tt.wantFolder {
				t.Errorf("folder %q, want %q", first.Folder, tt.wantFolder)
			}
			if first.Year != tt.wantYear {
				t.Errorf("year %d, want %d", first.Year, tt.wantYear)
			}
			if (first.Cover != "") != tt.wantCover {
				t.Errorf("cover %q", first.Cover)
			}
			if first.Key == "demo" && first.Name != "Demo & Friends" {
				t.Errorf("name %q: <em> and entities must be gone", first.Name)
			}
		})
	}
}

func TestSearchSTo(t *testing.T) {
	e := newEnv(t, envOpts{prefix: "/serie/stream/"})
	got, err := e.client.Search(t.Context(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Key != "demo" || got[0].Site != "s.to" || got[0].Link != e.srv.URL+"/serie/stream/demo" {
		t.Fatalf("s.to search %+v", got)
	}
	d, err := e.client.Series(t.Context(), "demo")
	if err != nil || d.Title != "Demo & Friends" || d.Site != "s.to" {
		t.Fatalf("s.to series %+v %v", d, err)
	}
}

func TestSlugFromLink(t *testing.T) {
	e := newEnv(t, envOpts{})
	tests := []struct {
		link string
		want string
		ok   bool
	}{
		{"/anime/stream/demo", "demo", true},
		{"/anime/stream/demo/", "demo", true},
		{"https://aniworld.to/anime/stream/one-piece", "one-piece", true},
		{"/anime/stream/demo/staffel-1/episode-1", "", false},
		{"/support/anime/suche", "", false},
		{"/serie/stream/demo", "", false},
		{"/anime/stream/", "", false},
		{"/anime/stream/de mo", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.link, func(t *testing.T) {
			got, ok := e.client.slugFromLink(tt.link)
			if ok != tt.ok || (ok && got != tt.want) {
				t.Errorf("slugFromLink(%q) = %q,%v want %q,%v", tt.link, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestProviderInterface(t *testing.T) {
	e := newEnv(t, envOpts{})
	reg := provider.NewRegistry(e.client)
	p, ref, err := reg.ForURL(e.srv.URL + "/anime/stream/demo/staffel-2/episode-1")
	if err != nil || p != provider.Provider(e.client) || ref.Key != "demo" || ref.Season != 2 || ref.Episode != 1 {
		t.Fatalf("ForURL: %v %+v %v", p, ref, err)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
