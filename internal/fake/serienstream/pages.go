package serienstream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// pageSize is the HTML search's page size.
const pageSize = 24

type group struct {
	Label  string
	Values []string
	Kind   string // link path segment
}

type SeriesPage struct {
	Show    *Show
	Poster  string
	Groups  []group
	Seasons []int
	Current int
}

func seriesView(sh *Show) SeriesPage {
	v := SeriesPage{Show: sh, Poster: posterPath(sh)}
	for _, g := range []group{{"Genre:", sh.Genres, "genre"}, {"Besetzung:", sh.Cast, "person"}, {"Regisseur:", sh.Directors, "person"}, {"Land:", sh.Countries, "land"}} {
		if len(g.Values) > 0 {
			v.Groups = append(v.Groups, g)
		}
	}
	for i := range sh.Seasons {
		v.Seasons = append(v.Seasons, i+1)
	}
	return v
}

func posterPath(sh *Show) string {
	return "/media/images/channel/desktop/" + sh.Slug + "-" + fmt.Sprintf("%08x", len(sh.Title)*2654435761%(1<<32)) + "?format=jpg"
}

type row struct {
	Number  int
	URL     string
	TitleDE string
	TitleEN string
	Hosters []string
	Langs   []string
}

type seasonPage struct {
	SeriesPage
	Rows []row
}

func seasonView(sh *Show, season int) seasonPage {
	v := seasonPage{SeriesPage: seriesView(sh)}
	v.Current = season
	for i, e := range sh.Seasons[season-1] {
		r := row{Number: i + 1, URL: fmt.Sprintf("/serie/%s/staffel-%d/episode-%d", sh.Slug, season, i+1), TitleDE: e.TitleDE, TitleEN: e.TitleEN}
		for _, l := range e.Links {
			if !contains(r.Hosters, l.Hoster) {
				r.Hosters = append(r.Hosters, l.Hoster)
			}
			if lab := langLabel(l.Lang); !contains(r.Langs, lab) {
				r.Langs = append(r.Langs, lab)
			}
		}
		v.Rows = append(v.Rows, r)
	}
	return v
}

type button struct {
	PlayURL string
	Hoster  string
	Label   string
	LangID  int
}

type episodePage struct {
	SeriesPage
	Season, Episode int
	Heading         string
	Buttons         []button
}

func episodeView(sh *Show, season, ep int) episodePage {
	v := episodePage{SeriesPage: seriesView(sh), Season: season, Episode: ep}
	v.Current = season
	e := sh.Seasons[season-1][ep-1]
	v.Heading = fmt.Sprintf("S%02dE%02d: %s", season, ep, e.TitleDE)
	if e.TitleDE == "" {
		v.Heading = fmt.Sprintf("S%02dE%02d: %s", season, ep, e.TitleEN)
	} else if e.TitleEN != "" {
		v.Heading += " (" + e.TitleEN + ")"
	}
	v.Buttons = append(v.Buttons, button{PlayURL: fmt.Sprintf("/r?t=%s-%d-%d-provider", sh.Slug, season, ep), Hoster: "Provider", Label: "Deutsch", LangID: 1})
	for _, l := range e.Links {
		v.Buttons = append(v.Buttons, button{PlayURL: "/r?t=" + l.Token, Hoster: l.Hoster, Label: langLabel(l.Lang), LangID: langID(l.Lang)})
	}
	return v
}

func langLabel(l anime.Language) string {
	if l == anime.LangEnglishDub {
		return "Englisch"
	}
	return "Deutsch"
}

func langID(l anime.Language) int {
	if l == anime.LangEnglishDub {
		return 2
	}
	return 1
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// matches answers the shows whose title contains q, case-insensitively.
func (s *Site) matches(q string) []*Show {
	q = strings.ToLower(strings.TrimSpace(q))
	var out []*Show
	if q == "" {
		return out
	}
	for _, sh := range s.opts.Catalog.Shows {
		if strings.Contains(strings.ToLower(sh.Title), q) || strings.Contains(sh.Slug, q) {
			out = append(out, s.shows[sh.Slug])
		}
	}
	return out
}

func (s *Site) suggest(w http.ResponseWriter, r *http.Request) {
	type show struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	}
	out := struct {
		Shows  []show `json:"shows"`
		People []any  `json:"people"`
	}{Shows: []show{}, People: []any{}}
	for i, sh := range s.matches(r.URL.Query().Get("term")) {
		if i == 8 { // the dropdown shows a few
			break
		}
		out.Shows = append(out.Shows, show{Name: sh.Title, URL: "/serie/" + sh.Slug})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

type searchView struct {
	Term  string
	Shows []*Show
	Page  int
	More  bool
}

func (s *Site) searchPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	all := s.matches(q.Get("term"))
	from := min((page-1)*pageSize, len(all))
	to := min(from+pageSize, len(all))
	s.render(w, r, http.StatusOK, "search", searchView{Term: q.Get("term"), Shows: all[from:to], Page: page, More: to < len(all)})
}

// render executes a page inside the layout; page views open a session.
func (s *Site) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	if name != "gate" && name != "player" && name != "notfound" {
		s.sessionOf(w, r, true)
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

var tinyJPEG = func() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2, 3))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	jpeg.Encode(&b, img, nil)
	return b.Bytes()
}()

var tmpl = template.Must(template.New("site").Funcs(template.FuncMap{
	"poster": posterPath,
}).Parse(templates))
