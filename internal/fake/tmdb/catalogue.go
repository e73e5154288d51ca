package tmdb

// Show is one TV show in the fake's catalogue. Its JSON renderings follow
// TMDB v3's search/tv, tv/{id} (with external_ids, credits, images and
// content_ratings appended) and tv/{id}/season/{n} responses.
type Show struct {
	ID             int
	Name           string
	OriginalName   string
	Overview       string
	Tagline        string
	FirstAirDate   string // yyyy-mm-dd
	Status         string // "Returning Series", "Ended", ...
	EpisodeRunTime []int
	Genres         []string
	Networks       []string
	OriginCountry  []string
	Language       string // original_language
	PosterPath     string
	BackdropPath   string
	VoteAverage    float64
	VoteCount      int
	Popularity     float64
	IMDbID         string
	TVDBID         int
	Cast           []Cast
	// Ratings maps an ISO 3166-1 country to its content rating ("US": "TV-14").
	Ratings   map[string]string
	Posters   []Image
	Backdrops []Image
	Logos     []Image
	Seasons   []Season
}

// Cast is one credited actor.
type Cast struct {
	ID          int
	Name        string
	Character   string
	Order       int
	ProfilePath string
}

// Image is one entry of TMDB's images lists. Lang "" renders as null.
type Image struct {
	FilePath    string
	Lang        string
	VoteAverage float64
}

// Season is one season with its episodes.
type Season struct {
	Number     int
	Name       string
	Overview   string
	AirDate    string
	PosterPath string
	Episodes   []Episode
	// EpisodeCount is reported in tv/{id}'s seasons[]; 0 means len(Episodes).
	EpisodeCount int
}

// Episode is one episode of a season.
type Episode struct {
	ID          int
	Number      int
	Name        string
	Overview    string
	AirDate     string
	Runtime     int
	StillPath   string
	VoteAverage float64
}

// DefaultShow is a real show's TMDB record (id 85937) used as the fake's example.
func DefaultShow() Show {
	return Show{
		ID:             85937,
		Name:           "Show",
		OriginalName:   "ショー",
		Overview:       "…",
		FirstAirDate:   "2019-04-06",
		Status:         "Returning Series",
		EpisodeRunTime: []int{24},
		Genres:         []string{"Animation"},
		Networks:       []string{"Tokyo MX"},
		OriginCountry:  []string{"JP"},
		Language:       "ja",
		PosterPath:     "/p.jpg",
		BackdropPath:   "/b.jpg",
		VoteAverage:    8.6,
		VoteCount:      6000,
		IMDbID:         "tt9335498",
		TVDBID:         348545,
		Cast:           []Cast{{ID: 1, Name: "A", Character: "B", Order: 0, ProfilePath: "/a.jpg"}},
		Ratings:        map[string]string{"US": "TV-14"},
		Posters:        []Image{{FilePath: "/p.jpg", Lang: "en", VoteAverage: 5.5}},
		Backdrops:      []Image{{FilePath: "/b.jpg", VoteAverage: 5.4}},
		Logos:          []Image{{FilePath: "/l.png", Lang: "en", VoteAverage: 5.3}},
		Seasons: []Season{
			{Number: 0, Name: "Specials", EpisodeCount: 2},
			{Number: 1, Name: "Season 1", AirDate: "2019-04-06", PosterPath: "/s1.jpg", EpisodeCount: 26,
				Episodes: []Episode{{Number: 1, Name: "Ep 1", Overview: "…", AirDate: "2019-04-06", Runtime: 24, StillPath: "/e1.jpg"}}},
		},
	}
}

type jsonObj = map[string]any

func (s Show) searchJSON() jsonObj {
	return jsonObj{
		"id": s.ID, "name": s.Name, "original_name": s.OriginalName, "overview": s.Overview,
		"first_air_date": s.FirstAirDate, "poster_path": nullable(s.PosterPath),
		"backdrop_path": nullable(s.BackdropPath), "origin_country": orEmpty(s.OriginCountry),
		"original_language": s.Language, "genre_ids": []int{16}, "popularity": s.Popularity,
		"vote_average": s.VoteAverage, "vote_count": s.VoteCount,
	}
}

func (s Show) detailJSON(appends map[string]bool) jsonObj {
	genres := []jsonObj{}
	for i, g := range s.Genres {
		genres = append(genres, jsonObj{"id": i + 1, "name": g})
	}
	networks := []jsonObj{}
	for i, n := range s.Networks {
		networks = append(networks, jsonObj{"id": i + 1, "name": n})
	}
	seasons := []jsonObj{}
	for _, se := range s.Seasons {
		n := se.EpisodeCount
		if n == 0 {
			n = len(se.Episodes)
		}
		seasons = append(seasons, jsonObj{"season_number": se.Number, "name": se.Name, "overview": se.Overview,
			"air_date": nullable(se.AirDate), "episode_count": n, "poster_path": nullable(se.PosterPath)})
	}
	o := jsonObj{
		"id": s.ID, "name": s.Name, "original_name": s.OriginalName, "overview": s.Overview,
		"tagline": s.Tagline, "first_air_date": s.FirstAirDate, "status": s.Status,
		"episode_run_time": orEmptyInt(s.EpisodeRunTime), "genres": genres, "networks": networks,
		"origin_country": orEmpty(s.OriginCountry), "original_language": s.Language,
		"poster_path": nullable(s.PosterPath), "backdrop_path": nullable(s.BackdropPath),
		"vote_average": s.VoteAverage, "vote_count": s.VoteCount, "popularity": s.Popularity,
		"seasons": seasons,
	}
	if appends["external_ids"] {
		var tvdb any
		if s.TVDBID != 0 {
			tvdb = s.TVDBID
		}
		o["external_ids"] = jsonObj{"imdb_id": nullable(s.IMDbID), "tvdb_id": tvdb}
	}
	if appends["credits"] {
		cast := []jsonObj{}
		for _, c := range s.Cast {
			cast = append(cast, jsonObj{"id": c.ID, "name": c.Name, "character": c.Character,
				"order": c.Order, "profile_path": nullable(c.ProfilePath)})
		}
		o["credits"] = jsonObj{"cast": cast, "crew": []jsonObj{}}
	}
	if appends["content_ratings"] {
		res := []jsonObj{}
		for _, c := range sortedKeys(s.Ratings) {
			res = append(res, jsonObj{"iso_3166_1": c, "rating": s.Ratings[c]})
		}
		o["content_ratings"] = jsonObj{"results": res}
	}
	if appends["images"] {
		o["images"] = jsonObj{"posters": images(s.Posters), "backdrops": images(s.Backdrops), "logos": images(s.Logos)}
	}
	return o
}

func (se Season) json() jsonObj {
	eps := []jsonObj{}
	for _, e := range se.Episodes {
		eps = append(eps, jsonObj{"id": e.ID, "season_number": se.Number, "episode_number": e.Number,
			"name": e.Name, "overview": e.Overview, "air_date": nullable(e.AirDate), "runtime": e.Runtime,
			"still_path": nullable(e.StillPath), "vote_average": e.VoteAverage})
	}
	return jsonObj{"season_number": se.Number, "name": se.Name, "overview": se.Overview,
		"air_date": nullable(se.AirDate), "poster_path": nullable(se.PosterPath), "episodes": eps}
}

func images(in []Image) []jsonObj {
	out := []jsonObj{}
	for _, im := range in {
		out = append(out, jsonObj{"file_path": im.FilePath, "iso_639_1": nullable(im.Lang),
			"vote_average": im.VoteAverage, "vote_count": 1, "width": 1000, "height": 1500, "aspect_ratio": 0.667})
	}
	return out
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func orEmptyInt(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}
