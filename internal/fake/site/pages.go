package site

import (
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// rowView is one episode row (season table and episode nav).
type rowView struct {
	ID       string
	Num      int
	Href     string
	Label    string // "Folge 3" / "Film 1"
	NavTitle string
	TitleDE  string
	TitleEN  string
	Hosters  []string
	Flags    []flagView
}

type flagView struct {
	Key   int
	Src   string
	Title string
}

type linkView struct {
	ID     string
	Key    int
	Hoster string
	Hidden bool
}

type episodeView struct {
	ID          string
	TitleDE     string
	TitleEN     string
	Description string
	Langs       []flagView
	Links       []linkView
}

type pageView struct {
	PageTitle       string
	S               *Series
	Base            string // series path
	Active          int    // season shown (0 = movies)
	ActiveEpisode   int
	NumberOfSeasons int
	Rows            []rowView
	E               *episodeView
}

func flagOf(l anime.Language) flagView {
	switch l {
	case anime.LangGermanDub:
		return flagView{1, "/public/img/german.svg", "Deutsch"}
	case anime.LangEnglishSub:
		return flagView{2, "/public/img/japanese-english.svg", "mit Untertitel Englisch"}
	case anime.LangGermanSub:
		return flagView{3, "/public/img/japanese-german.svg", "mit Untertitel Deutsch"}
	case anime.LangEnglishDub:
		return flagView{4, "/public/img/english.svg", "Englisch"}
	}
	return flagView{int(l), "/public/img/unknown.svg", "?"}
}

// langsOf lists an episode's languages in first-appearance order.
func langsOf(e Episode) []anime.Language {
	seen := map[anime.Language]bool{}
	var out []anime.Language
	for _, l := range e.Links {
		if !seen[l.Lang] {
			seen[l.Lang] = true
			out = append(out, l.Lang)
		}
	}
	return out
}

// stream serves everything below the path prefix.
func (s *Site) stream(w http.ResponseWriter, r *http.Request, rest string) {
	parts := strings.Split(rest, "/")
	sr, ok := s.bySlug[parts[0]]
	if !ok {
		s.render(w, http.StatusOK, "notfound.html", map[string]any{"PageTitle": "Serie nicht gefunden"})
		return
	}
	v := pageView{PageTitle: sr.Title, S: sr, Base: s.opts.PathPrefix + sr.Slug, NumberOfSeasons: len(sr.Seasons)}
	if len(sr.Movies) > 0 {
		v.NumberOfSeasons++
	}
	season := 1
	if len(sr.Seasons) == 0 {
		season = 0
	}
	if len(parts) >= 2 {
		if parts[1] == "filme" {
			season = 0
		} else if m := seasonPathRe.FindStringSubmatch(parts[1]); m != nil {
			season, _ = strconv.Atoi(m[1])
		} else {
			http.NotFound(w, r)
			return
		}
	}
	eps, ok := s.episodes(sr, season)
	if !ok {
		http.NotFound(w, r)
		return
	}
	v.Active = season
	v.Rows = s.rows(v.Base, season, eps)
	if len(parts) <= 2 {
		s.render(w, http.StatusOK, "series.html", v)
		return
	}
	re := episodePathRe
	if season == 0 {
		re = filmPathRe
	}
	m := re.FindStringSubmatch(parts[2])
	if m == nil || len(parts) > 3 {
		http.NotFound(w, r)
		return
	}
	n, _ := strconv.Atoi(m[1])
	if n < 1 || n > len(eps) {
		http.NotFound(w, r)
		return
	}
	e := eps[n-1]
	v.ActiveEpisode = n
	v.PageTitle = fmt.Sprintf("%s %s", sr.Title, anime.EpisodeRef{Season: season, Episode: n})
	ev := &episodeView{ID: v.Rows[n-1].ID, TitleDE: e.TitleDE, TitleEN: e.TitleEN, Description: e.Description}
	langs := langsOf(e)
	for _, l := range langs {
		ev.Langs = append(ev.Langs, flagOf(l))
	}
	for _, l := range e.Links {
		ev.Links = append(ev.Links, linkView{ID: l.ID, Key: int(l.Lang), Hoster: l.Hoster, Hidden: l.Lang != langs[0]})
	}
	v.E = ev
	s.render(w, http.StatusOK, "episode.html", v)
}

func (s *Site) episodes(sr *Series, season int) ([]Episode, bool) {
	if season == 0 {
		return sr.Movies, len(sr.Movies) > 0
	}
	if season < 1 || season > len(sr.Seasons) {
		return nil, false
	}
	return sr.Seasons[season-1], true
}

func (s *Site) rows(base string, season int, eps []Episode) []rowView {
	out := make([]rowView, len(eps))
	for i, e := range eps {
		n := i + 1
		row := rowView{ID: strconv.Itoa(season*10000 + n), Num: n, TitleDE: e.TitleDE, TitleEN: e.TitleEN}
		if season == 0 {
			row.Href = fmt.Sprintf("%s/filme/film-%d", base, n)
			row.Label = fmt.Sprintf("Film %d", n)
		} else {
			row.Href = fmt.Sprintf("%s/staffel-%d/episode-%d", base, season, n)
			row.Label = fmt.Sprintf("Folge %d", n)
		}
		row.NavTitle = e.TitleDE
		if row.NavTitle == "" {
			row.NavTitle = e.TitleEN
		}
		seen := map[string]bool{}
		for _, l := range e.Links {
			if !seen[l.Hoster] {
				seen[l.Hoster] = true
				row.Hosters = append(row.Hosters, l.Hoster)
			}
		}
		for _, l := range langsOf(e) {
			row.Flags = append(row.Flags, flagOf(l))
		}
		out[i] = row
	}
	return out
}

// matches reports whether a series matches a search keyword.
func matches(sr *Series, q string) bool {
	q = strings.ToLower(q)
	if strings.Contains(strings.ToLower(sr.Title), q) || strings.Contains(sr.Slug, q) {
		return true
	}
	for _, a := range sr.AltTitles {
		if strings.Contains(strings.ToLower(a), q) {
			return true
		}
	}
	return false
}

// highlight escapes title and wraps the first match of q in <em>, as the
// site does.
func highlight(title, q string) string {
	i := strings.Index(strings.ToLower(title), strings.ToLower(q))
	if i < 0 || q == "" || len(strings.ToLower(title)) != len(title) {
		return html.EscapeString(title)
	}
	return html.EscapeString(title[:i]) + "<em>" + html.EscapeString(title[i:i+len(q)]) + "</em>" + html.EscapeString(title[i+len(q):])
}

// search is POST /ajax/search (form keyword): [{title, description, link}],
// with an episode link and a support link after the series hits.
func (s *Site) search(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch {
	case s.has(FaultSearchDown):
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	case s.has(FaultSearchNotJSON):
		s.render(w, http.StatusOK, "notfound.html", map[string]any{"PageTitle": "Fehler"})
		return
	}
	q := strings.TrimSpace(r.PostFormValue("keyword"))
	type hit struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		Link        string `json:"link"`
	}
	hits := []hit{}
	var first *Series
	for i := range s.opts.Catalog.Series {
		sr := &s.opts.Catalog.Series[i]
		if q == "" || !matches(sr, q) {
			continue
		}
		if first == nil {
			first = sr
		}
		hits = append(hits, hit{Title: highlight(sr.Title, q), Description: highlight(shorten(sr.Description), q), Link: s.opts.PathPrefix + sr.Slug})
	}
	if first != nil {
		hits = append(hits,
			hit{Title: "Folge 1 von " + html.EscapeString(first.Title), Description: "Episode", Link: s.opts.PathPrefix + first.Slug + "/staffel-1/episode-1"},
			hit{Title: "Wie suche ich <em>" + html.EscapeString(q) + "</em>?", Description: "Support", Link: "/support/anime/suche"},
		)
	}
	s.writeSearch(w, phpJSON(hits))
}

// seriesSearch is GET /ajax/seriesSearch?keyword=.
func (s *Site) seriesSearch(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("keyword"))
	type hit struct {
		Name           string `json:"name"`
		Link           string `json:"link"`
		Description    string `json:"description"`
		Cover          string `json:"cover"`
		ProductionYear string `json:"productionYear"`
	}
	hits := []hit{}
	for i := range s.opts.Catalog.Series {
		sr := &s.opts.Catalog.Series[i]
		if q == "" || !matches(sr, q) {
			continue
		}
		end := "Heute"
		if sr.EndYear > 0 {
			end = strconv.Itoa(sr.EndYear)
		}
		hits = append(hits, hit{
			Name: html.EscapeString(sr.Title), Link: sr.Slug, Description: html.EscapeString(shorten(sr.Description)),
			Cover:          strings.Replace(sr.Cover, "_220x330", "_150x225", 1),
			ProductionYear: fmt.Sprintf("(%d - %s)", sr.StartYear, end),
		})
	}
	s.writeSearch(w, phpJSON(hits))
}

func (s *Site) writeSearch(w http.ResponseWriter, body []byte) {
	if s.has(FaultSearchBOM) {
		body = append([]byte("\ufeff\x00\r\n"), body...)
		body = append(body, '\x1f', '\n')
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(body)
}
