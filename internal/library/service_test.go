package library

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/store"
)

func TestAdd(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	env.cat.add("attack-on-titan", "Attack on Titan", 2013, map[int][]int{0: {1}, 1: {1, 2, 3}})
	env.cat.add("other-titan", "Other", 2020, map[int][]int{1: {1}})
	env.cat.add("breaking-bad", "Breaking Bad", 2008, map[int][]int{1: {1, 2}})

	res, err := env.svc.Add(ctx, "https://aniworld.to/anime/stream/attack-on-titan", "Attack on Titan: Final Season")
	if err != nil {
		t.Fatal(err)
	}
	want := AddResult{Status: "success", Message: "Successfully added series: Attack on Titan: Final Season", Key: "attack-on-titan",
		Folder: "Attack on Titan Final Season", DBID: res.DBID, MissingEpisodes: []string{"0-1", "1-1", "1-2", "1-3"}, TotalMissing: 4}
	if res.DBID <= 0 || !reflect.DeepEqual(res, want) {
		t.Fatalf("add = %+v\nwant %+v", res, want)
	}
	m, err := ReadMarker(filepath.Join(env.dir, "Attack on Titan Final Season"))
	if err != nil || m.Key != "attack-on-titan" || m.Year != 2013 {
		t.Fatalf("marker %+v %v", m, err)
	}
	d, _, err := env.svc.Get(ctx, "attack-on-titan")
	if err != nil || d.Description == nil || *d.Description != "About Attack on Titan" || d.Year != 2013 {
		t.Fatalf("detail %+v %v", d, err)
	}

	tests := []struct {
		name, link, title string
		wantErr           error
		wantFolder        string
	}{
		{"conflict", "https://aniworld.to/anime/stream/attack-on-titan", "Again", anime.ErrConflict, ""},
		{"bad host", "https://example.com/anime/stream/x", "X", anime.ErrInvalid, ""},
		{"bad path", "https://aniworld.to/serie/stream/x", "X", anime.ErrInvalid, ""},
		{"bad slug", "https://aniworld.to/anime/stream/a%20b", "X", anime.ErrInvalid, ""},
		{"not a url", "attack-on-titan", "X", anime.ErrInvalid, ""},
		{"unusable name", "https://aniworld.to/anime/stream/other-titan", ":::", anime.ErrInvalid, ""},
		{"folder taken by another series gets the year", "https://aniworld.to/anime/stream/other-titan", "Attack on Titan: Final Season", nil, "Attack on Titan Final Season (2020)"},
		{"s.to link, name from provider", "https://s.to/serie/stream/breaking-bad/staffel-1", "", nil, "Breaking Bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := env.svc.Add(ctx, tt.link, tt.title)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v; want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || res.Folder != tt.wantFolder {
				t.Fatalf("add = %+v, %v; want folder %q", res, err, tt.wantFolder)
			}
		})
	}
	if d, _, err := env.svc.Get(ctx, "breaking-bad"); err != nil || d.Site != SiteSTo || d.Link != "https://serienstream.to/serie/breaking-bad" { // added by its legacy link, stored in the new form
		t.Fatalf("s.to series %+v %v", d, err)
	}
	// Everything Add made survives a full scan unchanged.
	if sum := env.scan(t); sum.Series != 3 || sum.Unchanged != 3 || sum.Unmatched != 0 {
		t.Fatalf("scan after add %+v", sum)
	}
}

func TestList(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	// series i has i missing episodes out of 5; series 0 has none missing,
	// series 5 has no file at all.
	for i := range 6 {
		key := fmt.Sprintf("show-%d", i)
		name := fmt.Sprintf("Show %c", 'F'-rune(i)) // names in reverse key order
		env.cat.add(key, name, 2000+i, map[int][]int{1: {1, 2, 3, 4, 5}})
		env.marker(t, name, key, name, 2000+i)
		for e := 1; e <= 5-i; e++ {
			env.touch(t, fmt.Sprintf("%s/S01E%02d.mkv", name, e))
		}
	}
	env.scan(t)
	keys := func(items []ListItem) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.Key)
		}
		return out
	}
	tests := []struct {
		name      string
		q         ListQuery
		wantKeys  []string
		wantTotal int
		wantErr   bool
	}{
		{"default sorts by name, hides complete series", ListQuery{}, []string{"show-5", "show-4", "show-3", "show-2", "show-1"}, 5, false},
		{"page 2 of 2", ListQuery{Page: 2, PerPage: 3, SortBy: "title"}, []string{"show-2", "show-1"}, 5, false},
		{"page past the end", ListQuery{Page: 9, PerPage: 3}, nil, 5, false},
		{"by id", ListQuery{SortBy: "id", PerPage: 2}, []string{"show-1", "show-2"}, 5, false},
		{"by missing", ListQuery{SortBy: "missing_episodes"}, []string{"show-5", "show-4", "show-3", "show-2", "show-1"}, 5, false},
		{"no episodes filter", ListQuery{Filter: "no_episodes"}, []string{"show-5"}, 1, false},
		{"per_page 1000 ok", ListQuery{PerPage: 1000, SortBy: "name"}, []string{"show-5", "show-4", "show-3", "show-2", "show-1"}, 5, false},
		{"per_page too big", ListQuery{PerPage: 1001}, nil, 0, true},
		{"negative page", ListQuery{Page: -1}, nil, 0, true},
		{"every series", ListQuery{Filter: "all", PerPage: 2}, []string{"show-5", "show-4"}, 6, false},
		{"complete only", ListQuery{Filter: "complete"}, []string{"show-0"}, 1, false},
		{"missing only is the default", ListQuery{Filter: "missing", SortBy: "id", PerPage: 1}, []string{"show-1"}, 5, false},
		{"by year", ListQuery{Filter: "all", SortBy: "year", PerPage: 2}, []string{"show-0", "show-1"}, 6, false},
		{"by year, newest first", ListQuery{Filter: "all", SortBy: "year", SortOrder: "desc", PerPage: 2}, []string{"show-5", "show-4"}, 6, false},
		{"site filter", ListQuery{Filter: "all", Site: "aniworld.to", PerPage: 1}, []string{"show-5"}, 6, false},
		{"another site", ListQuery{Filter: "all", Site: "s.to"}, nil, 0, false},
		{"none in the queue", ListQuery{Filter: "downloading"}, nil, 0, false},
		{"none monitored", ListQuery{Filter: "monitored"}, nil, 0, false},
		{"bad sort", ListQuery{SortBy: "rating"}, nil, 0, true},
		{"bad filter", ListQuery{Filter: "everything"}, nil, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, total, err := env.svc.List(ctx, tt.q)
			if tt.wantErr {
				if !errors.Is(err, anime.ErrInvalid) {
					t.Fatalf("err = %v; want ErrInvalid", err)
				}
				return
			}
			if err != nil || total != tt.wantTotal || !slices.Equal(keys(items), tt.wantKeys) {
				t.Fatalf("got %v total %d err %v; want %v total %d", keys(items), total, err, tt.wantKeys, tt.wantTotal)
			}
		})
	}
	items, _, _ := env.svc.List(ctx, ListQuery{SortBy: "id", PerPage: 1})
	if items[0].AddedAt.IsZero() || !items[0].DownloadedAt.IsZero() {
		t.Fatalf("added %v, downloaded %v", items[0].AddedAt, items[0].DownloadedAt)
	}
	items[0].AddedAt = time.Time{} // the clock's; omitted when zero
	b, _ := json.Marshal(items[0])
	if string(b) != `{"key":"show-1","name":"Show E","site":"aniworld.to","folder":"Show E","missing_episodes":{"1":[5]},"link":"https://aniworld.to/anime/stream/show-1","year":2001,`+
		`"episode_count":4,"missing_count":1,"queued":0,"downloading":0,"failed":0,"monitored":false}` {
		t.Fatalf("json %s", b)
	}
}

func TestOneScanAtATime(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1}})
	env.marker(t, "Naruto", "naruto", "Naruto", 2002)
	env.cat.block, env.cat.entered = make(chan struct{}), make(chan struct{})

	if !env.svc.StartRescan(ctx) {
		t.Fatal("first rescan not started")
	}
	<-env.cat.entered
	if !env.svc.Scanning() {
		t.Fatal("Scanning() = false during scan")
	}
	if env.svc.StartRescan(ctx) {
		t.Fatal("second rescan started while one runs")
	}
	if _, err := env.svc.Scan(ctx, nil); !errors.Is(err, ErrScanRunning) || !errors.Is(err, anime.ErrConflict) {
		t.Fatalf("Scan during rescan: %v", err)
	}
	close(env.cat.block)
	if err := env.svc.WaitScan(ctx); err != nil {
		t.Fatal(err)
	}
	if env.svc.Scanning() {
		t.Fatal("still scanning after WaitScan")
	}
	if _, n, _ := env.svc.Status(ctx); n != 1 {
		t.Fatalf("series = %d", n)
	}
	if !env.svc.StartRescan(ctx) {
		t.Fatal("rescan after the first finished was refused")
	}
	if err := env.svc.WaitScan(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestAddDuringScanSurvivesPruning(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1}})
	env.cat.add("bleach", "Bleach", 2004, map[int][]int{1: {1, 2}})
	env.marker(t, "Naruto", "naruto", "Naruto", 2002)
	env.cat.block, env.cat.entered, env.cat.blockKey = make(chan struct{}), make(chan struct{}), "naruto"
	if !env.svc.StartRescan(ctx) {
		t.Fatal("not started")
	}
	<-env.cat.entered // the scan has listed the directory, without Bleach
	res, err := env.svc.Add(ctx, "https://aniworld.to/anime/stream/bleach", "Bleach")
	if err != nil || res.TotalMissing != 2 {
		t.Fatalf("add during scan: %+v %v", res, err)
	}
	close(env.cat.block)
	if err := env.svc.WaitScan(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.svc.Get(ctx, "bleach"); err != nil {
		t.Fatalf("series added during a scan was pruned: %v", err)
	}
	if sum := env.scan(t); sum.Series != 2 || sum.Removed != 0 {
		t.Fatalf("next scan %+v", sum)
	}
}

func TestCloseStopsBackgroundScan(t *testing.T) {
	env := newEnv(t, nil)
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1}})
	env.marker(t, "Naruto", "naruto", "Naruto", 2002)
	env.cat.block, env.cat.entered = make(chan struct{}), make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	if !env.svc.StartRescan(ctx) {
		t.Fatal("not started")
	}
	cancel() // the request ending does not stop the scan …
	<-env.cat.entered
	if !env.svc.Scanning() {
		t.Fatal("scan stopped with its request")
	}
	env.svc.Close() // … Close does, and waits for it.
	if env.svc.Scanning() {
		t.Fatal("scanning after Close")
	}
	if env.svc.StartRescan(context.Background()) {
		t.Fatal("rescan started after Close")
	}
}

func TestMarkDownloadedAndLanguages(t *testing.T) {
	tests := []struct {
		name        string
		require     bool
		lang        anime.Language
		wantMissing anime.MissingEpisodes
	}{
		{"wanted language", true, anime.LangGermanDub, anime.MissingEpisodes{"1": {3}}},
		{"unwanted language stays missing", true, anime.LangEnglishDub, anime.MissingEpisodes{"1": {2, 3}}},
		{"any language when not required", false, anime.LangEnglishDub, anime.MissingEpisodes{"1": {3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t, func(o *Options) {
				o.RequireWantedLanguage = tt.require
				o.Languages = []anime.Language{anime.LangGermanDub, anime.LangGermanSub}
			})
			ctx := context.Background()
			env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1, 2, 3}})
			env.marker(t, "Naruto", "naruto", "Naruto", 2002)
			env.touch(t, "Naruto/Season 01/Naruto - S01E01 - (German Sub).mp4")
			env.scan(t)
			tg, err := env.svc.DownloadTarget(ctx, "naruto", anime.EpisodeRef{Season: 1, Episode: 2}, tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			if want := "Season 01/Naruto - S01E02 - (" + tt.lang.String() + ").mp4"; tg.Rel != want || tg.Abs != filepath.Join(env.dir, "Naruto", filepath.FromSlash(want)) {
				t.Fatalf("target %+v", tg)
			}
			if err := os.WriteFile(tg.Abs, []byte("video"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := env.svc.MarkDownloaded(ctx, "naruto", anime.EpisodeRef{Season: 1, Episode: 2}, tt.lang, tg); err != nil {
				t.Fatal(err)
			}
			d, _, err := env.svc.Get(ctx, "naruto")
			if err != nil || !reflect.DeepEqual(d.MissingEpisodes, tt.wantMissing) || !slices.Equal(d.Episodes, []string{"1-1", "1-2"}) {
				t.Fatalf("after mark: %+v %v", d, err)
			}
			checkConsistent(t, env.db)
			// A rescan agrees with what MarkDownloaded recorded.
			env.scan(t)
			d2, _, _ := env.svc.Get(ctx, "naruto")
			if !reflect.DeepEqual(d2.MissingEpisodes, tt.wantMissing) {
				t.Fatalf("rescan disagrees: %v vs %v", d2.MissingEpisodes, tt.wantMissing)
			}
		})
	}
	env := newEnv(t, nil)
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1}})
	env.marker(t, "Naruto", "naruto", "Naruto", 2002)
	env.scan(t)
	ctx := context.Background()
	if err := env.svc.MarkDownloaded(ctx, "naruto", anime.EpisodeRef{Season: 1, Episode: 1}, 1, anime.Target{Rel: "../../etc/passwd", Abs: "/etc/passwd"}); !errors.Is(err, anime.ErrInvalid) {
		t.Fatalf("escape: %v", err)
	}
	file := filepath.Join(t.TempDir(), "x.mkv")
	os.WriteFile(file, []byte("video"), 0o644)
	if err := env.svc.MarkDownloaded(ctx, "nope", anime.EpisodeRef{Season: 1, Episode: 1}, 1, anime.Target{Rel: "x.mkv", Abs: file}); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("unknown series: %v", err)
	}
}

func TestSeriesDirAndTMDB(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1}})
	env.marker(t, "Naruto (2002)", "naruto", "Naruto", 2002)
	env.scan(t)
	s, dir, err := env.svc.SeriesDir(ctx, "naruto")
	if err != nil || s.Name != "Naruto" || dir != filepath.Join(env.dir, "Naruto (2002)") {
		t.Fatalf("%+v %q %v", s, dir, err)
	}
	if err := env.svc.SetTMDBID(ctx, "naruto", 46260); err != nil {
		t.Fatal(err)
	}
	if d, _, _ := env.svc.Get(ctx, "naruto"); d.TMDBID != 46260 {
		t.Fatalf("tmdb id %d", d.TMDBID)
	}
	// A rescan keeps the TMDB id (the marker does not hold it).
	env.touch(t, "Naruto (2002)/S01E01.mkv")
	env.scan(t)
	if d, _, _ := env.svc.Get(ctx, "naruto"); d.TMDBID != 46260 {
		t.Fatalf("tmdb id lost on rescan: %d", d.TMDBID)
	}
	if err := env.svc.SetTMDBID(ctx, "nope", 1); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
}

func TestSetDirectory(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1}})
	env.cat.add("bleach", "Bleach", 2004, map[int][]int{1: {1}})
	env.marker(t, "Naruto", "naruto", "Naruto", 2002)
	env.scan(t)

	other := t.TempDir()
	for _, k := range []string{"bleach"} {
		if err := os.MkdirAll(filepath.Join(other, "Bleach"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := WriteMarker(filepath.Join(other, "Bleach"), Marker{Key: k, Name: "Bleach"}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := env.svc.SetDirectory(ctx, other)
	if err != nil || n != 1 {
		t.Fatalf("synced %d %v", n, err)
	}
	dir, count, _ := env.svc.Status(ctx)
	if dir != other || count != 1 {
		t.Fatalf("status %q %d", dir, count)
	}
	if _, err := env.svc.SetDirectory(ctx, filepath.Join(other, "missing")); !errors.Is(err, anime.ErrInvalid) {
		t.Fatalf("missing dir: %v", err)
	}
	// Switching to an empty directory is deliberate: the old series go.
	n, err = env.svc.SetDirectory(ctx, t.TempDir())
	if _, count, _ := env.svc.Status(ctx); err != nil || n != 0 || count != 0 {
		t.Fatalf("empty dir: synced %d, %v, count %d", n, err, count)
	}
}

// TestUseDirectory: naming the directory the library already uses answers
// its count without a scan (a new folder stays unseen); another directory
// switches and scans.
func TestUseDirectory(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1}})
	env.cat.add("bleach", "Bleach", 2004, map[int][]int{1: {1}})
	env.marker(t, "Naruto", "naruto", "Naruto", 2002)
	env.scan(t)
	dir := env.svc.Directory()
	if err := os.MkdirAll(filepath.Join(dir, "Bleach"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarker(filepath.Join(dir, "Bleach"), Marker{Key: "bleach", Name: "Bleach"}); err != nil {
		t.Fatal(err)
	}
	if n, err := env.svc.UseDirectory(ctx, dir+string(filepath.Separator)+"."); err != nil || n != 1 {
		t.Fatalf("same directory: %d %v; want 1 without a scan", n, err)
	}
	other := t.TempDir()
	if n, err := env.svc.UseDirectory(ctx, other); err != nil || n != 0 || env.svc.Directory() != other {
		t.Fatalf("other directory: %d %v %q", n, err, env.svc.Directory())
	}
	if n, err := env.svc.UseDirectory(ctx, dir); err != nil || n != 2 {
		t.Fatalf("back to the first: %d %v; want both series after a scan", n, err)
	}
	if _, err := env.svc.UseDirectory(ctx, ""); !errors.Is(err, anime.ErrInvalid) {
		t.Fatalf("empty: %v", err)
	}
}

func TestParseLink(t *testing.T) {
	sites := append(DefaultSites(), Site{Name: "mirror", BaseURL: "http://127.0.0.1:8080/aw", StreamPath: "/anime/stream/"})
	sites = append(sites, Site{Name: SiteAniworld, BaseURL: "https://aniworld.cc", StreamPath: "/anime/stream/"},
		Site{Name: SiteAniworld, BaseURL: "https://186.2.175.111/", StreamPath: "/anime/stream/"})
	tests := []struct {
		in, site, key, url string
	}{
		{"https://aniworld.to/anime/stream/attack-on-titan", SiteAniworld, "attack-on-titan", "https://aniworld.to/anime/stream/attack-on-titan"},
		{"https://www.aniworld.to/anime/stream/attack-on-titan/", SiteAniworld, "attack-on-titan", "https://aniworld.to/anime/stream/attack-on-titan"},
		{"https://aniworld.to/anime/stream/one-piece/staffel-2/episode-3", SiteAniworld, "one-piece", "https://aniworld.to/anime/stream/one-piece"},
		// The retired s.to form is understood and stored in the new form.
		{"https://s.to/serie/stream/breaking-bad", SiteSTo, "breaking-bad", "https://serienstream.to/serie/breaking-bad"},
		{"https://serienstream.to/serie/stream/breaking-bad/staffel-1", SiteSTo, "breaking-bad", "https://serienstream.to/serie/breaking-bad"},
		{"https://serienstream.to/serie/breaking-bad", SiteSTo, "breaking-bad", "https://serienstream.to/serie/breaking-bad"},
		{"https://serienstream.to/serie/breaking-bad/staffel-2/episode-5", SiteSTo, "breaking-bad", "https://serienstream.to/serie/breaking-bad"},
		{"https://serienstream.to/serie/", "", "", ""},
		{"http://127.0.0.1:8080/aw/anime/stream/naruto", "mirror", "naruto", "http://127.0.0.1:8080/aw/anime/stream/naruto"},
		{"https://aniworld.cc/anime/stream/attack-on-titan/staffel-1", SiteAniworld, "attack-on-titan", "https://aniworld.to/anime/stream/attack-on-titan"},
		{"https://186.2.175.111/anime/stream/attack-on-titan", SiteAniworld, "attack-on-titan", "https://aniworld.to/anime/stream/attack-on-titan"},
		{"https://aniworld.cc/anime/stream/", "", "", ""},
		{"https://aniworld.to/anime/stream/", "", "", ""},
		{"https://aniworld.to/anime/stream/../x", "", "", ""},
		{"ftp://aniworld.to/anime/stream/x", "", "", ""},
		{"https://evil.to/anime/stream/x", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			l, err := ParseLink(sites, tt.in)
			if tt.key == "" {
				if !errors.Is(err, anime.ErrInvalid) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil || l.Site != tt.site || l.Key != tt.key || l.URL != tt.url {
				t.Fatalf("got %+v %v", l, err)
			}
		})
	}
}

func TestComputeMissing(t *testing.T) {
	remote := map[int][]int{0: {1}, 1: {1, 2, 3}, 2: {}}
	files := []store.EpisodeFile{
		{Season: 1, Episode: 1, Language: anime.LangGermanDub},
		{Season: 1, Episode: 2, Language: anime.LangEnglishDub},
		{Season: 1, Episode: 3},
	}
	wanted := []anime.Language{anime.LangGermanDub}
	tests := []struct {
		name    string
		require bool
		want    anime.MissingEpisodes
	}{
		{"any language", false, anime.MissingEpisodes{"0": {1}}},
		{"wanted only, unknown counts as present", true, anime.MissingEpisodes{"0": {1}, "1": {2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ComputeMissing(remote, files, wanted, tt.require)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v; want %v", got, tt.want)
			}
		})
	}
	if got := strings.Join(episodeCodes(anime.MissingEpisodes{"10": {1}, "2": {3, 1}, "0": {2}}), ","); got != "0-2,2-1,2-3,10-1" {
		t.Fatalf("codes %s", got)
	}
}
