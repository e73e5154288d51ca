// Package nfo writes and reads Kodi-format NFO files: tvshow.nfo for a show
// folder and <video basename>.nfo episode files, both of which Kodi and
// Jellyfin read. Files are UTF-8, XML-escaped, pretty-printed and written
// atomically.
package nfo

import (
	"encoding/xml"
)

// Header is the XML declaration every NFO starts with.
const Header = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

// TVShow is the <tvshow> document, element order as Kodi writes it.
type TVShow struct {
	XMLName       xml.Name      `xml:"tvshow"`
	Title         string        `xml:"title"`
	OriginalTitle string        `xml:"originaltitle,omitempty"`
	SortTitle     string        `xml:"sorttitle,omitempty"`
	Year          int           `xml:"year,omitempty"`
	Premiered     string        `xml:"premiered,omitempty"`
	Status        string        `xml:"status,omitempty"`
	Plot          string        `xml:"plot,omitempty"`
	Outline       string        `xml:"outline,omitempty"`
	Tagline       string        `xml:"tagline,omitempty"`
	Runtime       int           `xml:"runtime,omitempty"`
	MPAA          string        `xml:"mpaa,omitempty"`
	Studios       []string      `xml:"studio"`
	Genres        []string      `xml:"genre"`
	UniqueIDs     []UniqueID    `xml:"uniqueid"`
	Ratings       *Ratings      `xml:"ratings,omitempty"`
	Thumbs        []Thumb       `xml:"thumb"`
	Fanart        *Fanart       `xml:"fanart,omitempty"`
	NamedSeasons  []NamedSeason `xml:"namedseason"`
	Actors        []Actor       `xml:"actor"`
	EpisodeGuide  string        `xml:"episodeguide,omitempty"`
}

// UniqueID is <uniqueid type="tmdb" default="true">85937</uniqueid>.
type UniqueID struct {
	Type    string `xml:"type,attr"`
	Default bool   `xml:"default,attr,omitempty"`
	Value   string `xml:",chardata"`
}

// Ratings wraps one or more <rating> entries.
type Ratings struct {
	Rating []Rating `xml:"rating"`
}

// Rating is <rating name="themoviedb" max="10" default="true">.
type Rating struct {
	Name    string  `xml:"name,attr"`
	Max     int     `xml:"max,attr,omitempty"`
	Default bool    `xml:"default,attr,omitempty"`
	Value   float64 `xml:"value"`
	Votes   int     `xml:"votes,omitempty"`
}

// Thumb is an artwork URL. Season art carries Type "season" and Season
// (a decimal string so that season "0" is still written).
type Thumb struct {
	Aspect string `xml:"aspect,attr,omitempty"`
	Type   string `xml:"type,attr,omitempty"`
	Season string `xml:"season,attr,omitempty"`
	URL    string `xml:",chardata"`
}

// Fanart wraps the backdrop URLs.
type Fanart struct {
	Thumbs []Thumb `xml:"thumb"`
}

// NamedSeason is <namedseason number="1">Season 1</namedseason>.
type NamedSeason struct {
	Number int    `xml:"number,attr"`
	Name   string `xml:",chardata"`
}

// Actor is one cast member.
type Actor struct {
	Name  string `xml:"name"`
	Role  string `xml:"role,omitempty"`
	Order int    `xml:"order"`
	Thumb string `xml:"thumb,omitempty"`
}
