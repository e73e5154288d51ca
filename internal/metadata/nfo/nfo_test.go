package nfo

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/metadata/tmdb"
)

var update = flag.Bool("update", false, "rewrite golden files")

func imageURL(size, p string) string { return "https://image.tmdb.org/t/p/" + size + p }

func loadJSON[T any](t *testing.T, name string) *T {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return &v
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestTVShowGolden(t *testing.T) {
	show := loadJSON[tmdb.Show](t, "show.json")
	for _, tc := range []struct {
		name, country, lang, file string
	}{
		{"german", "DE", "de", "tvshow_de.golden.nfo"},
		{"us fallback", "FR", "fr", "tvshow_fr.golden.nfo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := FromShow(show, MapOptions{Country: tc.country, Lang: tc.lang, ImageURL: imageURL})
			got, err := MarshalTVShow(doc)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, got)
		})
	}
}

func TestEpisodeGolden(t *testing.T) {
	season := loadJSON[tmdb.Season](t, "season1.json")
	var eps []EpisodeDetails
	for _, e := range season.Episodes {
		eps = append(eps, FromEpisode("Show & <Friends>", e, imageURL))
	}
	got, err := MarshalEpisodes(eps[0])
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "episode.golden.nfo", got)
	multi, err := MarshalEpisodes(eps...)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "episode_multi.golden.nfo", multi)
	if _, err := MarshalEpisodes(); err == nil {
		t.Error("MarshalEpisodes() with no episodes: want error")
	}
}

// TestReadBack writes a tvshow.nfo and reads it the way Jellyfin/Kodi do,
// checking every value.
func TestReadBack(t *testing.T) {
	show := loadJSON[tmdb.Show](t, "show.json")
	dir := t.TempDir()
	p := filepath.Join(dir, "tvshow.nfo")
	if err := WriteTVShow(p, FromShow(show, MapOptions{Country: "DE", Lang: "de", ImageURL: imageURL})); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ReadTVShow(f)
	if err != nil {
		t.Fatal(err)
	}
	u := func(p string) string { return imageURL("original", p) }
	want := &Info{
		Title: "Show & <Friends>", OriginalTitle: "ショー", SortTitle: "Show & <Friends>",
		Year: 2019, Premiered: "2019-04-06", Status: "Continuing",
		Plot:    `Tanjiro's family "vanishes" & he <fights>.`,
		Outline: `Tanjiro's family "vanishes" & he <fights>.`,
		Tagline: "Set your heart ablaze", Runtime: 24, MPAA: "12",
		Studios:       []string{"Tokyo MX"},
		Genres:        []string{"Animation", "Action & Adventure"},
		IDs:           map[string]string{"tmdb": "85937", "imdb": "tt9335498", "tvdb": "348545"},
		DefaultID:     "tmdb",
		Ratings:       []Rating{{Name: "themoviedb", Max: 10, Default: true, Value: 8.6, Votes: 6000}},
		Rating:        8.6,
		Images:        map[string]string{"Primary": u("/pde.jpg"), "Logo": u("/l.png"), "Backdrop": u("/b.jpg")},
		SeasonPosters: map[int]string{1: u("/s1.jpg")},
		Backdrops:     []string{u("/b.jpg"), u("/ben.jpg")},
		NamedSeasons:  map[int]string{0: "Specials", 1: "Season 1"},
		Actors:        []Actor{{Name: "A", Role: "B", Order: 0, Thumb: u("/a.jpg")}, {Name: "C", Role: "D", Order: 1}},
		EpisodeGuide:  map[string]string{"tmdb": "85937", "imdb": "tt9335498", "tvdb": "348545"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back:\n got %+v\nwant %+v", got, want)
	}
	if got.TMDBID() != 85937 {
		t.Errorf("TMDBID = %d", got.TMDBID())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only tvshow.nfo (no temp files)", len(entries))
	}
}

func TestReadForeignForms(t *testing.T) {
	for _, tc := range []struct {
		name  string
		doc   string
		check func(t *testing.T, in *Info)
	}{
		{"jellyfin alternatives", `<tvshow><name>N</name><biography>B</biography><aired>2001-02-03</aired>
			<year>1200</year><runtime>45 min</runtime><genre>Action / Comedy</genre><tmdbid>12</tmdbid>
			<imdb_id>tt1</imdb_id><status>Canceled</status><rating>7.5</rating></tvshow>`,
			func(t *testing.T, in *Info) {
				if in.Title != "N" || in.Plot != "B" || in.Year != 2001 || in.Runtime != 45 || in.Status != "Ended" {
					t.Errorf("got %+v", in)
				}
				if !reflect.DeepEqual(in.Genres, []string{"Action", "Comedy"}) || in.TMDBID() != 12 || in.IDs["imdb"] != "tt1" || in.Rating != 7.5 {
					t.Errorf("got %+v", in)
				}
			}},
		{"legacy id attributes", `<?xml version="1.0" encoding="utf-8"?><tvshow><title>T</title><id TMDB="99" TVDB="5">tt7</id>
			<ratings><rating name="x" max="5" default="true"><value>4</value></rating></ratings>
			<thumb aspect="banner">b</thumb><thumb>p</thumb><fanart><thumb>f</thumb></fanart></tvshow>`,
			func(t *testing.T, in *Info) {
				if in.TMDBID() != 99 || in.IDs["tvdb"] != "5" || in.IDs["imdb"] != "tt7" || in.Rating != 8 {
					t.Errorf("got %+v", in)
				}
				if in.Images["Banner"] != "b" || in.Images["Primary"] != "p" || in.Images["Backdrop"] != "f" {
					t.Errorf("images %+v", in.Images)
				}
			}},
		{"no tmdb id", `<tvshow><title>T</title><uniqueid type="tvdb" default="true">5</uniqueid></tvshow>`,
			func(t *testing.T, in *Info) {
				if in.TMDBID() != 0 || in.DefaultID != "tvdb" {
					t.Errorf("got %+v", in)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := ReadTVShow(strings.NewReader(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, in)
		})
	}
}

func TestReadRejects(t *testing.T) {
	for _, tc := range []struct{ name, doc string }{
		{"episode root", `<episodedetails><title>x</title></episodedetails>`},
		{"not xml", `hello`},
		{"empty", ``},
		{"truncated", `<tvshow><title>x`},
		{"latin1", `<?xml version="1.0" encoding="ISO-8859-1"?><tvshow><title>x</title></tvshow>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ReadTVShow(strings.NewReader(tc.doc)); !errors.Is(err, anime.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestStatusMapping(t *testing.T) {
	for in, want := range map[string]string{
		"Returning Series": "Continuing", "In Production": "Continuing", "Planned": "Continuing",
		"Pilot": "Continuing", "Ended": "Ended", "Canceled": "Ended", "": "", "weird": "",
	} {
		if got := KodiStatus(in); got != want {
			t.Errorf("KodiStatus(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEpisodePath(t *testing.T) {
	for in, want := range map[string]string{
		"/a/Show - S01E01 - x.mkv": "/a/Show - S01E01 - x.nfo",
		"/a/b.c/ep.mp4":            "/a/b.c/ep.nfo",
		"/a/noext":                 "/a/noext.nfo",
	} {
		if got := EpisodePath(in); got != want {
			t.Errorf("EpisodePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzReadTVShow(f *testing.F) {
	for _, s := range []string{
		`<tvshow><title>T</title><uniqueid type="tmdb">1</uniqueid></tvshow>`,
		`<tvshow><ratings><rating max="0"><value>1</value></rating></ratings><episodeguide>{"tmdb":1}</episodeguide></tvshow>`,
		`<tvshow><namedseason number="x">a</namedseason><thumb type="season" season="-1">u</thumb></tvshow>`,
		``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		in, err := ReadTVShow(strings.NewReader(doc))
		if err != nil {
			if !errors.Is(err, anime.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if in.TMDBID() < 0 {
			t.Fatal("negative id")
		}
	})
}
