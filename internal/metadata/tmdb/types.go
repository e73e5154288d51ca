package tmdb

import "strconv"

// SearchResult is one hit of search/tv.
type SearchResult struct {
	ID               int      `json:"id"`
	Name             string   `json:"name"`
	OriginalName     string   `json:"original_name"`
	Overview         string   `json:"overview"`
	FirstAirDate     string   `json:"first_air_date"`
	PosterPath       string   `json:"poster_path"`
	BackdropPath     string   `json:"backdrop_path"`
	OriginCountry    []string `json:"origin_country"`
	OriginalLanguage string   `json:"original_language"`
	GenreIDs         []int    `json:"genre_ids"`
	Popularity       float64  `json:"popularity"`
	VoteAverage      float64  `json:"vote_average"`
	VoteCount        int      `json:"vote_count"`
}

// Year is the year of the first air date, or 0.
func (r SearchResult) Year() int { return yearOf(r.FirstAirDate) }

// Named is a TMDB {id, name} pair (genres, networks).
type Named struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// SeasonSummary is one entry of a show's seasons[].
type SeasonSummary struct {
	SeasonNumber int    `json:"season_number"`
	Name         string `json:"name"`
	Overview     string `json:"overview"`
	AirDate      string `json:"air_date"`
	EpisodeCount int    `json:"episode_count"`
	PosterPath   string `json:"poster_path"`
}

// ExternalIDs holds the ids of other databases.
type ExternalIDs struct {
	IMDbID string `json:"imdb_id"`
	TVDBID int    `json:"tvdb_id"`
}

// CastMember is one credited actor.
type CastMember struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	Character   string `json:"character"`
	Order       int    `json:"order"`
	ProfilePath string `json:"profile_path"`
}

// Credits holds a show's cast.
type Credits struct {
	Cast []CastMember `json:"cast"`
}

// ContentRating is one country's rating.
type ContentRating struct {
	Country string `json:"iso_3166_1"`
	Rating  string `json:"rating"`
}

// ContentRatings wraps the results list.
type ContentRatings struct {
	Results []ContentRating `json:"results"`
}

// Image is one entry of the images lists. Lang is "" when TMDB says null.
type Image struct {
	FilePath    string  `json:"file_path"`
	Lang        string  `json:"iso_639_1"`
	VoteAverage float64 `json:"vote_average"`
	VoteCount   int     `json:"vote_count"`
	Width       int     `json:"width"`
	Height      int     `json:"height"`
	AspectRatio float64 `json:"aspect_ratio"`
}

// Images holds posters, backdrops and logos.
type Images struct {
	Posters   []Image `json:"posters"`
	Backdrops []Image `json:"backdrops"`
	Logos     []Image `json:"logos"`
}

// EpisodeSummary is last_episode_to_air / next_episode_to_air.
type EpisodeSummary struct {
	Runtime int `json:"runtime"`
}

// Show is tv/{id} with external_ids, credits, images and content_ratings
// appended.
type Show struct {
	ID               int             `json:"id"`
	Name             string          `json:"name"`
	OriginalName     string          `json:"original_name"`
	Overview         string          `json:"overview"`
	Tagline          string          `json:"tagline"`
	FirstAirDate     string          `json:"first_air_date"`
	Status           string          `json:"status"`
	EpisodeRunTime   []int           `json:"episode_run_time"`
	Genres           []Named         `json:"genres"`
	Networks         []Named         `json:"networks"`
	OriginCountry    []string        `json:"origin_country"`
	OriginalLanguage string          `json:"original_language"`
	PosterPath       string          `json:"poster_path"`
	BackdropPath     string          `json:"backdrop_path"`
	VoteAverage      float64         `json:"vote_average"`
	VoteCount        int             `json:"vote_count"`
	Seasons          []SeasonSummary `json:"seasons"`
	LastEpisode      *EpisodeSummary `json:"last_episode_to_air"`
	ExternalIDs      ExternalIDs     `json:"external_ids"`
	Credits          Credits         `json:"credits"`
	ContentRatings   ContentRatings  `json:"content_ratings"`
	Images           Images          `json:"images"`
}

// Year is the year of the first air date, or 0.
func (s *Show) Year() int { return yearOf(s.FirstAirDate) }

// Runtime is the episode runtime in minutes: episode_run_time[0], else the
// last aired episode's runtime, else 0.
func (s *Show) Runtime() int {
	if len(s.EpisodeRunTime) > 0 && s.EpisodeRunTime[0] > 0 {
		return s.EpisodeRunTime[0]
	}
	if s.LastEpisode != nil {
		return s.LastEpisode.Runtime
	}
	return 0
}

// Rating is the content rating for country, falling back to the US one.
func (s *Show) Rating(country string) string {
	var us string
	for _, r := range s.ContentRatings.Results {
		if r.Rating == "" {
			continue
		}
		if country != "" && r.Country == country {
			return r.Rating
		}
		if r.Country == "US" {
			us = r.Rating
		}
	}
	return us
}

// Episode is one episode of a season.
type Episode struct {
	ID            int     `json:"id"`
	SeasonNumber  int     `json:"season_number"`
	EpisodeNumber int     `json:"episode_number"`
	Name          string  `json:"name"`
	Overview      string  `json:"overview"`
	AirDate       string  `json:"air_date"`
	Runtime       int     `json:"runtime"`
	StillPath     string  `json:"still_path"`
	VoteAverage   float64 `json:"vote_average"`
	VoteCount     int     `json:"vote_count"`
}

// Season is tv/{id}/season/{n}.
type Season struct {
	ID           int       `json:"id"`
	SeasonNumber int       `json:"season_number"`
	Name         string    `json:"name"`
	Overview     string    `json:"overview"`
	AirDate      string    `json:"air_date"`
	PosterPath   string    `json:"poster_path"`
	Episodes     []Episode `json:"episodes"`
}

// Episode finds episode n of the season.
func (s *Season) Episode(n int) (Episode, bool) {
	for _, e := range s.Episodes {
		if e.EpisodeNumber == n {
			return e, true
		}
	}
	return Episode{}, false
}

// Configuration is the part of /configuration the product uses.
type Configuration struct {
	Images struct {
		BaseURL       string   `json:"base_url"`
		SecureBaseURL string   `json:"secure_base_url"`
		PosterSizes   []string `json:"poster_sizes"`
		BackdropSizes []string `json:"backdrop_sizes"`
		LogoSizes     []string `json:"logo_sizes"`
		ProfileSizes  []string `json:"profile_sizes"`
		StillSizes    []string `json:"still_sizes"`
	} `json:"images"`
}

func yearOf(date string) int {
	if len(date) < 4 {
		return 0
	}
	y, err := strconv.Atoi(date[:4])
	if err != nil {
		return 0
	}
	return y
}
