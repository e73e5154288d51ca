package site

import (
	"fmt"

	"github.com/aniworld/aniworld/internal/anime"
)

// Catalog is every series the fake site knows.
type Catalog struct {
	Series []Series
}

// Series is one show. Seasons[0] is season 1; Movies are the "Filme" entry.
type Series struct {
	Slug        string
	Title       string
	AltTitles   []string
	Description string
	StartYear   int
	EndYear     int // 0 renders "Heute" (ongoing)
	Genres      []string
	FSK         int
	IMDb        string
	Cover       string // site-relative, e.g. /public/img/cover/demo-220x330.jpg
	Movies      []Episode
	Seasons     [][]Episode
}

// Episode is one episode or movie.
type Episode struct {
	TitleDE     string
	TitleEN     string
	Description string
	Links       []Link
}

// LinkBehavior is how /redirect/<id> answers for a link.
type LinkBehavior int

// Link behaviours.
const (
	LinkRedirect  LinkBehavior = iota // 302 to Options.RedirectTarget(id)
	LinkChallenge                     // a Cloudflare "Just a moment" page
	LinkGone                          // 404
)

// Link is one hoster's copy of an episode in one language. An empty ID is
// assigned when the site is built.
type Link struct {
	ID       string
	Hoster   string
	Lang     anime.Language
	Behavior LinkBehavior
}

// AllHosters returns the hosters the demo episodes carry, in page order.
func AllHosters() []string { return []string{"VOE", "Vidoza", "Doodstream", "Filemoon", "Vidmoly"} }

// LinksFor builds one link per hoster for each language.
func LinksFor(langs []anime.Language, hosters ...string) []Link {
	if len(hosters) == 0 {
		hosters = AllHosters()
	}
	var out []Link
	for _, l := range langs {
		for _, h := range hosters {
			out = append(out, Link{Hoster: h, Lang: l})
		}
	}
	return out
}

// Demo link ids with special behaviour (season 2, episode 1 of "demo").
const (
	DemoChallengeLinkID = "66601" // VOE, German Dub: challenge page
	DemoGoneLinkID      = "40401" // Vidoza, German Dub: 404
)

// Demo is the fixture blueprint: "demo" (ongoing since 2020, a movie and
// two seasons; episode 1-2 dub-only; titles with entities and an empty
// German title), "no-movies" (ended, one season) — every other slug is
// unknown.
func Demo() Catalog {
	all := []anime.Language{anime.LangGermanDub, anime.LangEnglishSub, anime.LangGermanSub}
	return Catalog{Series: []Series{
		{
			Slug:        "demo",
			Title:       "Demo & Friends",
			AltTitles:   []string{"デモ", "Demo and Friends", "Demo: Die Serie"},
			Description: `Ein "Demo" & seine Freunde <3 – eine Geschichte über Tests, Fixtures und das Warten auf die nächste Folge. Sie kämpfen gegen Timeouts & flackernde Tests.`,
			StartYear:   2020,
			Genres:      []string{"Action", "Abenteuer", "Ger", "GerSub", "EngSub", "Komödie"},
			FSK:         12,
			IMDb:        "tt1234567",
			Cover:       "/public/img/cover/demo-stream-cover-AbCdEf_220x330.jpg",
			Movies: []Episode{
				{TitleEN: "Demo: The Movie", Description: "Der Film.", Links: LinksFor(all[:1], "VOE", "Vidoza")},
			},
			Seasons: [][]Episode{
				{
					{TitleDE: "Der Anfang", TitleEN: "The Beginning", Description: "Alles beginnt.", Links: LinksFor(all)},
					{TitleDE: "Nur auf Deutsch", TitleEN: "German Only", Description: "Nur synchronisiert.", Links: LinksFor(all[:1])},
					{TitleDE: "", TitleEN: "Tom & Jerry's <Revenge>", Description: "Ohne deutschen Titel.", Links: LinksFor(all)},
				},
				{
					{TitleDE: "Hürden", TitleEN: "Hurdles", Description: "Manche Links sind kaputt.", Links: []Link{
						{ID: DemoChallengeLinkID, Hoster: "VOE", Lang: anime.LangGermanDub, Behavior: LinkChallenge},
						{ID: DemoGoneLinkID, Hoster: "Vidoza", Lang: anime.LangGermanDub, Behavior: LinkGone},
						{Hoster: "Doodstream", Lang: anime.LangGermanDub},
						{Hoster: "VOE", Lang: anime.LangGermanSub},
					}},
					{TitleDE: "Das Finale", TitleEN: "The Finale", Links: LinksFor(all)},
				},
			},
		},
		{
			Slug:        "no-movies",
			Title:       "Kein Film",
			Description: "Eine abgeschlossene Serie ohne Filme.",
			StartYear:   2019,
			EndYear:     2021,
			Genres:      []string{"Drama", "GerSub"},
			FSK:         16,
			Cover:       "/public/img/cover/no-movies-stream-cover_220x330.jpg",
			Seasons: [][]Episode{{
				{TitleDE: "Eins", TitleEN: "One", Links: LinksFor(all[1:])},
				{TitleDE: "Zwei", TitleEN: "Two", Links: LinksFor(all[1:])},
			}},
		},
	}}
}

// Generate builds a catalogue of n series "series-1" … "series-n", each
// with seasons seasons of episodes episodes in every language on every
// hoster. Titles are "Series N".
func Generate(n, seasons, episodes int) Catalog {
	all := []anime.Language{anime.LangGermanDub, anime.LangEnglishSub, anime.LangGermanSub}
	var c Catalog
	for i := 1; i <= n; i++ {
		s := Series{
			Slug:        fmt.Sprintf("series-%d", i),
			Title:       fmt.Sprintf("Series %d", i),
			Description: fmt.Sprintf("Generated series %d.", i),
			StartYear:   2000 + i%25,
			Genres:      []string{"Action", "Ger"},
			Cover:       fmt.Sprintf("/public/img/cover/series-%d_220x330.jpg", i),
		}
		for se := 1; se <= seasons; se++ {
			var eps []Episode
			for e := 1; e <= episodes; e++ {
				eps = append(eps, Episode{
					TitleDE: fmt.Sprintf("Folge %d-%d", se, e),
					TitleEN: fmt.Sprintf("Episode %d-%d", se, e),
					Links:   LinksFor(all),
				})
			}
			s.Seasons = append(s.Seasons, eps)
		}
		c.Series = append(c.Series, s)
	}
	return c
}
