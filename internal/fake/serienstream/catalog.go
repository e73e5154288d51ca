package serienstream

import "github.com/aniworld/aniworld/internal/anime"

// Catalog is every show the fake site knows.
type Catalog struct {
	Shows []Show
}

// Show is one series. Seasons[0] is staffel-1.
type Show struct {
	Slug        string
	Title       string
	Description string
	Year        int
	FSK         int
	IMDb        string // "tt…"
	Genres      []string
	Cast        []string
	Directors   []string
	Countries   []string
	Seasons     [][]Episode
}

// Episode is one episode. Empty titles render empty title cells, as the
// real site does for seasons nobody titled yet.
type Episode struct {
	TitleDE string
	TitleEN string
	Links   []Link
}

// Link is one hoster's copy in one language (German or English audio). An
// empty Token is assigned when the site is built.
type Link struct {
	Token  string
	Hoster string
	Lang   anime.Language
}

// LinksFor builds one link per hoster for each language.
func LinksFor(langs []anime.Language, hosters ...string) []Link {
	var out []Link
	for _, l := range langs {
		for _, h := range hosters {
			out = append(out, Link{Hoster: h, Lang: l})
		}
	}
	return out
}

// Demo is the site's example series: "the-office-demo", two seasons (season 1
// German and English, one episode English only; season 2 without titles)
// on VOE and Vidoza, and "tatort-demo" with one season. Every episode page
// also carries the "Provider" button of an official streaming service.
func Demo() Catalog {
	de, en := anime.LangGermanDub, anime.LangEnglishDub
	both := []anime.Language{de, en}
	return Catalog{Shows: []Show{
		{
			Slug:        "the-office-demo",
			Title:       "The Office & Co",
			Description: `Der Alltag im Büro von "Dunder Mifflin" – Meetings, Streiche & Papier.`,
			Year:        2005,
			FSK:         12,
			IMDb:        "tt0386676",
			Genres:      []string{"Comedy", "Sitcom"},
			Cast:        []string{"Steve Carell", "Rainn Wilson", "John Krasinski"},
			Directors:   []string{"Greg Daniels"},
			Countries:   []string{"USA"},
			Seasons: [][]Episode{
				{
					{TitleDE: "Die Pilotfolge", TitleEN: "Pilot", Links: LinksFor(both, "VOE", "Vidoza")},
					{TitleDE: "Diversität & Tag", TitleEN: "Diversity Day", Links: LinksFor([]anime.Language{de}, "Vidoza", "VOE")},
					{TitleDE: "", TitleEN: "Health Care", Links: LinksFor([]anime.Language{en}, "Vidoza")},
				},
				{
					{Links: LinksFor(both, "VOE", "Vidoza")},
					{Links: LinksFor([]anime.Language{de}, "Vidoza")},
				},
			},
		},
		{
			Slug:        "tatort-demo",
			Title:       "Tatort Demo",
			Description: "Ein Krimi.",
			Year:        1970,
			FSK:         16,
			Genres:      []string{"Krimi"},
			Countries:   []string{"Deutschland"},
			Seasons: [][]Episode{{
				{TitleDE: "Taxi nach Leipzig", Links: LinksFor([]anime.Language{de}, "Vidoza")},
			}},
		},
	}}
}
