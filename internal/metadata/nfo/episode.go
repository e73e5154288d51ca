package nfo

import (
	"encoding/xml"
	"strconv"

	"github.com/aniworld/aniworld/internal/metadata/tmdb"
)

// EpisodeDetails is one <episodedetails> block of an episode NFO.
type EpisodeDetails struct {
	XMLName   xml.Name   `xml:"episodedetails"`
	Title     string     `xml:"title"`
	ShowTitle string     `xml:"showtitle,omitempty"`
	Season    int        `xml:"season"`
	Episode   int        `xml:"episode"`
	Plot      string     `xml:"plot,omitempty"`
	Aired     string     `xml:"aired,omitempty"`
	Premiered string     `xml:"premiered,omitempty"`
	Runtime   int        `xml:"runtime,omitempty"`
	UniqueIDs []UniqueID `xml:"uniqueid"`
	Ratings   *Ratings   `xml:"ratings,omitempty"`
	Thumb     string     `xml:"thumb,omitempty"`
}

// FromEpisode maps one TMDB episode to an <episodedetails> block.
// imageURL builds artwork URLs (tmdb.Client.ImageURL).
func FromEpisode(showTitle string, e tmdb.Episode, imageURL func(size, path string) string) EpisodeDetails {
	d := EpisodeDetails{
		Title:     e.Name,
		ShowTitle: showTitle,
		Season:    e.SeasonNumber,
		Episode:   e.EpisodeNumber,
		Plot:      e.Overview,
		Aired:     e.AirDate,
		Premiered: e.AirDate,
		Runtime:   e.Runtime,
	}
	if d.Title == "" {
		d.Title = "Episode " + strconv.Itoa(e.EpisodeNumber)
	}
	if e.ID > 0 {
		d.UniqueIDs = []UniqueID{{Type: "tmdb", Default: true, Value: strconv.Itoa(e.ID)}}
	}
	if e.VoteAverage > 0 {
		d.Ratings = &Ratings{Rating: []Rating{{Name: "themoviedb", Max: 10, Default: true, Value: e.VoteAverage, Votes: e.VoteCount}}}
	}
	if e.StillPath != "" && imageURL != nil {
		d.Thumb = imageURL("original", e.StillPath)
	}
	return d
}
