package sonarr

import "github.com/aniworld/aniworld/internal/anime"

// Profile is one wanted-language list, offered to Seerr as a quality
// profile and, with the same id and name, as a language profile. The ids
// are fixed: Seerr stores them in its server settings and requests.
type Profile struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	// Languages in order of preference; empty means the global
	// download.language_order.
	Languages []anime.Language `json:"-"`
}

// Profiles is the fixed list. A series keeps the id it was requested
// with; its languages become the series' monitor languages.
var Profiles = []Profile{
	{ID: 1, Name: "Default language order"},
	{ID: 2, Name: "German Dub → German Sub", Languages: []anime.Language{anime.LangGermanDub, anime.LangGermanSub}},
	{ID: 3, Name: "German Dub", Languages: []anime.Language{anime.LangGermanDub}},
	{ID: 4, Name: "Japanese + German Sub (OmU)", Languages: []anime.Language{anime.LangGermanSub}},
	{ID: 5, Name: "Japanese + German Sub → German Dub", Languages: []anime.Language{anime.LangGermanSub, anime.LangGermanDub}},
	{ID: 6, Name: "German Dub → German Sub → English Sub", Languages: []anime.Language{anime.LangGermanDub, anime.LangGermanSub, anime.LangEnglishSub}},
	{ID: 7, Name: "Japanese + English Sub", Languages: []anime.Language{anime.LangEnglishSub}},
	{ID: 8, Name: "English Dub → English Sub", Languages: []anime.Language{anime.LangEnglishDub, anime.LangEnglishSub}},
}

// ProfileByID answers the profile with id; ok is false for an unknown id.
func ProfileByID(id int) (Profile, bool) {
	for _, p := range Profiles {
		if p.ID == id {
			return p, true
		}
	}
	return Profile{}, false
}

// languageNames are a profile's languages as the monitor stores them.
func (p Profile) languageNames() []string {
	out := make([]string, 0, len(p.Languages))
	for _, l := range p.Languages {
		out = append(out, l.String())
	}
	return out
}
