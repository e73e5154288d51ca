package nfo

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// Info is what Jellyfin and Kodi take from a tvshow.nfo: alternative element names resolved, ids collected from every form,
// ratings rescaled to 10, artwork sorted into Jellyfin's image types.
type Info struct {
	Title         string
	OriginalTitle string
	SortTitle     string
	Year          int // > 1850, else the premiered year, else 0
	Premiered     string
	Status        string // "Continuing", "Ended" or ""
	Plot          string
	Outline       string
	Tagline       string
	Runtime       int // minutes
	MPAA          string
	Studios       []string
	Genres        []string
	// IDs maps a lowercase provider ("tmdb", "imdb", "tvdb") to its id.
	IDs map[string]string
	// DefaultID is the provider of the uniqueid marked default="true".
	DefaultID string
	Ratings   []Rating // Value rescaled to a maximum of 10
	// Rating is the default rating's value (Jellyfin's community rating).
	Rating float64
	// Images maps Jellyfin's image type (Primary, Logo, Banner, Thumb, Art,
	// Disc, Backdrop) to the first URL of that type.
	Images map[string]string
	// SeasonPosters maps a season number to its poster URL.
	SeasonPosters map[int]string
	Backdrops     []string
	NamedSeasons  map[int]string
	Actors        []Actor
	EpisodeGuide  map[string]string
}

// TMDBID is the TMDB id, or 0 when the NFO has none.
func (i *Info) TMDBID() int {
	n, err := strconv.Atoi(strings.TrimSpace(i.IDs["tmdb"]))
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

type rawShow struct {
	Title         string   `xml:"title"`
	Name          string   `xml:"name"`
	LocalTitle    string   `xml:"localtitle"`
	OriginalTitle string   `xml:"originaltitle"`
	SortTitle     string   `xml:"sorttitle"`
	Year          string   `xml:"year"`
	Premiered     string   `xml:"premiered"`
	Aired         string   `xml:"aired"`
	ReleaseDate   string   `xml:"releasedate"`
	Status        string   `xml:"status"`
	Plot          string   `xml:"plot"`
	Biography     string   `xml:"biography"`
	Review        string   `xml:"review"`
	Outline       string   `xml:"outline"`
	Tagline       string   `xml:"tagline"`
	Runtime       string   `xml:"runtime"`
	MPAA          string   `xml:"mpaa"`
	Studio        []string `xml:"studio"`
	Genre         []string `xml:"genre"`
	TMDBID        string   `xml:"tmdbid"`
	IMDBID        string   `xml:"imdbid"`
	TVDBID        string   `xml:"tvdbid"`
	IMDBID2       string   `xml:"imdb_id"`
	UniqueID      []struct {
		Type    string `xml:"type,attr"`
		Default string `xml:"default,attr"`
		Value   string `xml:",chardata"`
	} `xml:"uniqueid"`
	ID []struct {
		TMDB  string `xml:"TMDB,attr"`
		TVDB  string `xml:"TVDB,attr"`
		IMDB  string `xml:"IMDB,attr"`
		Value string `xml:",chardata"`
	} `xml:"id"`
	Rating  string `xml:"rating"`
	Ratings []struct {
		Name    string `xml:"name,attr"`
		Max     string `xml:"max,attr"`
		Default string `xml:"default,attr"`
		Value   string `xml:"value"`
		Votes   string `xml:"votes"`
	} `xml:"ratings>rating"`
	Thumb []struct {
		Aspect string `xml:"aspect,attr"`
		Type   string `xml:"type,attr"`
		Season string `xml:"season,attr"`
		URL    string `xml:",chardata"`
	} `xml:"thumb"`
	Fanart      []string `xml:"fanart>thumb"`
	NamedSeason []struct {
		Number string `xml:"number,attr"`
		Name   string `xml:",chardata"`
	} `xml:"namedseason"`
	Actor []struct {
		Name  string `xml:"name"`
		Role  string `xml:"role"`
		Order string `xml:"order"`
		Thumb string `xml:"thumb"`
	} `xml:"actor"`
	EpisodeGuide string `xml:"episodeguide"`
}

// ReadTVShow parses a tvshow.nfo. A document whose root is not <tvshow> or
// that is not well-formed XML is anime.ErrInvalid.
func ReadTVShow(r io.Reader) (*Info, error) {
	var raw rawShow
	dec := xml.NewDecoder(io.LimitReader(r, 8<<20))
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		if l := strings.ToLower(label); l == "utf-8" || l == "utf8" || l == "us-ascii" {
			return in, nil
		}
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	var start xml.StartElement
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: read nfo: %v", anime.ErrInvalid, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			start = se
			break
		}
	}
	if start.Name.Local != "tvshow" {
		return nil, fmt.Errorf("%w: read nfo: root is <%s>, want <tvshow>", anime.ErrInvalid, start.Name.Local)
	}
	if err := dec.DecodeElement(&raw, &start); err != nil {
		return nil, fmt.Errorf("%w: read nfo: %v", anime.ErrInvalid, err)
	}
	return raw.info(), nil
}

// info maps the decoded elements (with their Kodi, Emby and Jellyfin
// variants) onto Info.
func (raw *rawShow) info() *Info {
	in := &Info{
		Title:         firstNonEmpty(raw.Title, raw.Name, raw.LocalTitle),
		OriginalTitle: trim(raw.OriginalTitle),
		SortTitle:     trim(raw.SortTitle),
		Premiered:     firstNonEmpty(raw.Premiered, raw.Aired, raw.ReleaseDate),
		Status:        KodiStatus(raw.Status),
		Plot:          firstNonEmpty(raw.Plot, raw.Biography, raw.Review),
		Outline:       trim(raw.Outline),
		Tagline:       trim(raw.Tagline),
		Runtime:       leadingInt(raw.Runtime),
		MPAA:          trim(raw.MPAA),
		Studios:       splitList(raw.Studio),
		Genres:        splitList(raw.Genre),
		IDs:           map[string]string{},
		Images:        map[string]string{},
		SeasonPosters: map[int]string{},
		NamedSeasons:  map[int]string{},
		EpisodeGuide:  map[string]string{},
	}
	if y := leadingInt(raw.Year); y > 1850 {
		in.Year = y
	} else if y := leadingInt(in.Premiered); y > 1850 && len(in.Premiered) >= 4 {
		in.Year = y
	}
	in.collectIDs(raw)
	in.collectRatings(raw)
	in.collectImages(raw)
	for _, ns := range raw.NamedSeason {
		if n, err := strconv.Atoi(strings.TrimSpace(ns.Number)); err == nil && trim(ns.Name) != "" {
			in.NamedSeasons[n] = trim(ns.Name)
		}
	}
	for _, a := range raw.Actor {
		if trim(a.Name) == "" {
			continue
		}
		in.Actors = append(in.Actors, Actor{Name: trim(a.Name), Role: trim(a.Role), Order: leadingInt(a.Order), Thumb: trim(a.Thumb)})
	}
	in.collectEpisodeGuide(raw)
	return in
}

// collectImages reads the thumbs (season posters by season, the first
// image of each type) and the fanart (backdrops).
func (in *Info) collectImages(raw *rawShow) {
	for _, t := range raw.Thumb {
		u := trim(t.URL)
		if u == "" {
			continue
		}
		if strings.EqualFold(t.Type, "season") {
			if n, err := strconv.Atoi(strings.TrimSpace(t.Season)); err == nil && (t.Aspect == "" || t.Aspect == "poster") {
				if _, ok := in.SeasonPosters[n]; !ok {
					in.SeasonPosters[n] = u
				}
			}
			continue
		}
		typ := imageType(t.Aspect)
		if typ == "Backdrop" {
			in.Backdrops = append(in.Backdrops, u)
		}
		if _, ok := in.Images[typ]; !ok {
			in.Images[typ] = u
		}
	}
	for _, f := range raw.Fanart {
		if u := trim(f); u != "" {
			in.Backdrops = append(in.Backdrops, u)
			if _, ok := in.Images["Backdrop"]; !ok {
				in.Images["Backdrop"] = u
			}
		}
	}
}

// collectEpisodeGuide reads a JSON episode guide ({"tmdb": "1429", ...})
// with lower-cased keys; other forms are ignored.
func (in *Info) collectEpisodeGuide(raw *rawShow) {
	g := trim(raw.EpisodeGuide)
	if !strings.HasPrefix(g, "{") {
		return
	}
	var m map[string]any
	if json.Unmarshal([]byte(g), &m) != nil {
		return
	}
	for k, v := range m {
		switch v := v.(type) {
		case string:
			in.EpisodeGuide[strings.ToLower(k)] = v
		case float64:
			in.EpisodeGuide[strings.ToLower(k)] = strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
}

func (in *Info) collectIDs(raw *rawShow) {
	set := func(provider, v string) {
		provider, v = strings.ToLower(trim(provider)), trim(v)
		if provider == "" || v == "" {
			return
		}
		if _, ok := in.IDs[provider]; !ok {
			in.IDs[provider] = v
		}
	}
	for _, u := range raw.UniqueID {
		set(u.Type, u.Value)
		if strings.EqualFold(trim(u.Default), "true") && in.DefaultID == "" && trim(u.Value) != "" {
			in.DefaultID = strings.ToLower(trim(u.Type))
		}
	}
	set("tmdb", raw.TMDBID)
	set("imdb", raw.IMDBID)
	set("imdb", raw.IMDBID2)
	set("tvdb", raw.TVDBID)
	for _, id := range raw.ID {
		set("tmdb", id.TMDB)
		set("tvdb", id.TVDB)
		set("imdb", id.IMDB)
		if v := trim(id.Value); strings.HasPrefix(v, "tt") {
			set("imdb", v)
		}
	}
}

func (in *Info) collectRatings(raw *rawShow) {
	for _, r := range raw.Ratings {
		v, err := strconv.ParseFloat(trim(r.Value), 64)
		if err != nil {
			continue
		}
		mx, err := strconv.ParseFloat(trim(r.Max), 64)
		if err != nil || mx <= 0 {
			mx = 10
		}
		name := trim(r.Name)
		if name == "" {
			name = "default"
		}
		rt := Rating{Name: name, Max: 10, Default: strings.EqualFold(trim(r.Default), "true"),
			Value: v * 10 / mx, Votes: leadingInt(r.Votes)}
		in.Ratings = append(in.Ratings, rt)
		if rt.Default || in.Rating == 0 {
			if !strings.Contains(strings.ToLower(name), "tomato") {
				in.Rating = rt.Value
			}
		}
	}
	if len(in.Ratings) == 0 {
		if v, err := strconv.ParseFloat(trim(raw.Rating), 64); err == nil {
			in.Rating = v
			in.Ratings = []Rating{{Name: "default", Max: 10, Default: true, Value: v}}
		}
	}
}

// imageType is Jellyfin's mapping of thumb@aspect to an image type.
func imageType(aspect string) string {
	switch strings.ToLower(trim(aspect)) {
	case "banner":
		return "Banner"
	case "clearlogo":
		return "Logo"
	case "landscape":
		return "Thumb"
	case "clearart":
		return "Art"
	case "discart":
		return "Disc"
	case "fanart":
		return "Backdrop"
	}
	return "Primary"
}

func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, part := range strings.Split(v, "/") {
			if p := trim(part); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func leadingInt(s string) int {
	s = trim(s)
	n, i := 0, 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9' && i < 9; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if t := trim(v); t != "" {
			return t
		}
	}
	return ""
}

func trim(s string) string { return strings.TrimSpace(s) }
