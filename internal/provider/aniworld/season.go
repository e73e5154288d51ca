package aniworld

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

var episodeHrefRe = regexp.MustCompile(`/(?:episode|film)-(\d+)/?$`)

// flagLanguages maps a flag image's file name to a language.
var flagLanguages = map[string]anime.Language{
	"german.svg":           anime.LangGermanDub,
	"japanese-german.svg":  anime.LangGermanSub,
	"japanese-english.svg": anime.LangEnglishSub,
	"english.svg":          anime.LangEnglishDub,
	"english-german.svg":   anime.LangGermanSub,
}

// flagLanguage maps a flag's src ("/public/img/german.svg") to a language.
func flagLanguage(src string) anime.Language {
	src, _, _ = strings.Cut(src, "?")
	return flagLanguages[strings.ToLower(path.Base(src))]
}

// Seasons fetches the series page and every season page (movies = 0).
func (c *Client) Seasons(ctx context.Context, key string) ([]provider.Season, error) {
	return provider.AllSeasons(ctx, key, c.Series, c.Season)
}

// Season fetches and parses one season page (cached); 0 is the movies page.
func (c *Client) Season(ctx context.Context, key string, season int) (provider.Season, error) {
	if err := provider.CheckSeason(key, season); err != nil {
		return provider.Season{}, err
	}
	page := key + "/" + seasonPath(season)
	return cached(ctx, c, provider.SeasonCacheKey(key, season), func() (provider.Season, error) {
		body, err := c.fetch(ctx, "season page", page, c.SeriesURL(key)+"/"+seasonPath(season), nil)
		if err != nil {
			return provider.Season{}, err
		}
		return c.parseSeasonPage(body, page, season)
	})
}

// parseSeasonPage reads the episode rows of table.seasonEpisodesList.
func (c *Client) parseSeasonPage(body []byte, page string, season int) (provider.Season, error) {
	const step = "season page"
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return provider.Season{}, c.parseErr(step, page, "parse html: %v", err)
	}
	if notFound(doc) {
		return provider.Season{}, fmt.Errorf("%s: %s %q: %w: %s", c.cfg.Label, step, page, anime.ErrNotFound, alertText(doc))
	}
	table := doc.Find("table.seasonEpisodesList").First()
	if table.Length() == 0 {
		return provider.Season{}, c.parseErr(step, page, "no table.seasonEpisodesList found")
	}
	var eps provider.EpisodeList
	var rowErr error
	table.Find("tbody tr").EachWithBreak(func(i int, tr *goquery.Selection) bool {
		ep := provider.EpisodeInfo{}
		if v, ok := tr.Find("meta[itemprop=episodeNumber]").Attr("content"); ok {
			ep.Number, _ = strconv.Atoi(strings.TrimSpace(v))
		}
		link := tr.Find("a[itemprop=url]").First()
		if link.Length() == 0 {
			link = tr.Find("td.seasonEpisodeTitle a").First()
		}
		href, _ := link.Attr("href")
		if ep.Number <= 0 {
			if m := episodeHrefRe.FindStringSubmatch(href); m != nil {
				ep.Number, _ = strconv.Atoi(m[1])
			}
		}
		if ep.Number <= 0 {
			rowErr = c.parseErr(step, page, "row %d: no episode number (meta[itemprop=episodeNumber] or episode-N link)", i+1)
			return false
		}
		ep.URL = c.abs(href)
		title := tr.Find("td.seasonEpisodeTitle a").First()
		ep.TitleDE = cleanText(title.Find("strong").First().Text())
		ep.TitleEN = cleanText(title.Find("span").First().Text())
		tr.Find("i.icon").Each(func(_ int, ic *goquery.Selection) {
			if name := hosterFromIcon(ic); name != "" {
				ep.Hosters = append(ep.Hosters, name)
			}
		})
		tr.Find("td.editFunctions img.flag").Each(func(_ int, img *goquery.Selection) {
			src, _ := img.Attr("data-src")
			if src == "" {
				src, _ = img.Attr("src")
			}
			if l := flagLanguage(src); l != anime.LangUnknown {
				ep.Languages = append(ep.Languages, l)
			}
		})
		ep.Languages = provider.SortLanguages(ep.Languages)
		eps.Add(ep)
		return true
	})
	if rowErr != nil {
		return provider.Season{}, rowErr
	}
	return provider.Season{Number: season, Episodes: eps.Sorted()}, nil
}

// hosterFromIcon reads a hoster name from i.icon: its title ("Hoster VOE"
// or "VOE"), else its class other than "icon".
func hosterFromIcon(ic *goquery.Selection) string {
	if t, ok := ic.Attr("title"); ok {
		t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "Hoster "))
		if t != "" {
			return t
		}
	}
	cls, _ := ic.Attr("class")
	for _, f := range strings.Fields(cls) {
		if f != "icon" {
			return f
		}
	}
	return ""
}
