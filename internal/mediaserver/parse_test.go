package mediaserver

import (
	"strings"
	"testing"
)

// TestParseSections reads differently written /library/sections answers:
// attribute order, whitespace, extra elements and attributes, a BOM-less
// header-less document, empty containers.
func TestParseSections(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want map[string][]string
	}{
		{"plex as served", `<?xml version="1.0" encoding="UTF-8"?>
<MediaContainer size="2" allowSync="0" title1="Plex Library">
<Directory allowSync="1" art="/:/resources/show-fanart.jpg" key="2" type="show" title="Anime" agent="tv.plex.agents.series">
<Location id="3" path="/data/anime" />
<Location id="4" path="/data/anime2" />
</Directory>
<Directory key="1" type="movie" title="Filme"><Location id="1" path="/data/movies"/></Directory>
</MediaContainer>`, map[string][]string{"2": {"/data/anime", "/data/anime2"}, "1": {"/data/movies"}}},
		{"attributes reordered, one line, no header", `<MediaContainer><Directory title="TV" type="show" key="7"><Location path="D:\Anime" id="9"/></Directory></MediaContainer>`,
			map[string][]string{"7": {`D:\Anime`}}},
		{"noise elements and comments", `<MediaContainer size="1">
  <!-- a comment -->
  <Meta><Type key="x"/></Meta>
  <Directory key="12" title="Serien &amp; Anime">
    <Genre tag="x"/>
    <Location id="1" path="/srv/Serien &amp; Anime"/>
  </Directory>
</MediaContainer>`, map[string][]string{"12": {"/srv/Serien & Anime"}}},
		{"empty", `<MediaContainer size="0"></MediaContainer>`, map[string][]string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseSections(strings.NewReader(c.doc))
			if err != nil {
				t.Fatal(err)
			}
			m := map[string][]string{}
			for _, d := range got.Directories {
				for _, l := range d.Locations {
					m[d.Key] = append(m[d.Key], l.Path)
				}
			}
			if len(m) != len(c.want) {
				t.Fatalf("got %v, want %v", m, c.want)
			}
			for k, v := range c.want {
				if strings.Join(m[k], "|") != strings.Join(v, "|") {
					t.Fatalf("section %s: got %v, want %v", k, m[k], v)
				}
			}
		})
	}
	for _, bad := range []string{"", "<html><body>401 Unauthorized", `{"MediaContainer":{}}`} {
		if _, err := parseSections(strings.NewReader(bad)); err == nil {
			t.Errorf("parseSections(%q) accepted", bad)
		}
	}
}

func FuzzParseSections(f *testing.F) {
	f.Add(`<MediaContainer><Directory key="1"><Location path="/a"/></Directory></MediaContainer>`)
	f.Add(`<MediaContainer size="0"/>`)
	f.Add(`<x`)
	f.Fuzz(func(t *testing.T, doc string) {
		_, _ = parseSections(strings.NewReader(doc))
	})
}

func FuzzMapPath(f *testing.F) {
	f.Add("/srv/anime/Show/a.mp4", "/srv/anime", "/media")
	f.Add(`C:\x`, `C:\`, `\\nas\x`)
	f.Fuzz(func(t *testing.T, p, from, to string) {
		got := MapPath(p, []Mapping{{From: from, To: to}})
		trimmed := strings.TrimRight(from, "/\\")
		if trimmed == "" || !(p == trimmed || strings.HasPrefix(p, trimmed+"/") || strings.HasPrefix(p, trimmed+"\\")) {
			if got != p {
				t.Fatalf("unmapped %q changed to %q", p, got)
			}
		}
	})
}
