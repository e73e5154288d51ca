package aniworld

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

// Episode fetches and parses an episode page (cached); season 0 addresses
// movies (filme/film-N).
func (c *Client) Episode(ctx context.Context, key string, season, episode int) (provider.EpisodeLinks, error) {
	if err := provider.CheckEpisode(key, season, episode); err != nil {
		return provider.EpisodeLinks{}, err
	}
	page := fmt.Sprintf("%s %s", key, anime.EpisodeRef{Season: season, Episode: episode})
	return cached(ctx, c, provider.EpisodeCacheKey(key, season, episode), func() (provider.EpisodeLinks, error) {
		body, err := c.fetch(ctx, "episode page", page, c.episodeURL(key, season, episode), nil)
		if err != nil {
			return provider.EpisodeLinks{}, err
		}
		ep, err := c.parseEpisodePage(body, page)
		if err != nil {
			return provider.EpisodeLinks{}, err
		}
		ep.Key, ep.Season, ep.Episode = key, season, episode
		return ep, nil
	})
}

// parseEpisodePage reads titles, the language box and the hoster list.
func (c *Client) parseEpisodePage(body []byte, page string) (provider.EpisodeLinks, error) {
	const step = "episode page"
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return provider.EpisodeLinks{}, c.parseErr(step, page, "parse html: %v", err)
	}
	if notFound(doc) {
		return provider.EpisodeLinks{}, fmt.Errorf("%s: %s %q: %w: %s", c.cfg.Label, step, page, anime.ErrNotFound, alertText(doc))
	}
	video := doc.Find("div.hosterSiteVideo").First()
	if video.Length() == 0 {
		return provider.EpisodeLinks{}, c.parseErr(step, page, "no div.hosterSiteVideo found")
	}
	ep := provider.EpisodeLinks{Languages: []anime.Language{}, Links: []provider.HosterLink{}}
	title := doc.Find("div.hosterSiteTitle").First()
	ep.TitleDE = cleanText(title.Find(".episodeGermanTitle").First().Text())
	ep.TitleEN = cleanText(title.Find(".episodeEnglishTitle").First().Text())
	ep.Description = cleanText(doc.Find("p.descriptionSpoiler").First().Text())

	var langs []anime.Language
	video.Find("div.changeLanguageBox img").Each(func(_ int, img *goquery.Selection) {
		if l := imgLanguage(img); l != anime.LangUnknown {
			langs = append(langs, l)
		}
	})
	items := video.Find("li[data-lang-key], li[data-link-target]")
	var broken []string
	items.Each(func(i int, li *goquery.Selection) {
		key, _ := li.Attr("data-lang-key")
		n, err := strconv.Atoi(strings.TrimSpace(key))
		lang := anime.Language(n)
		if err != nil || !lang.Valid() {
			broken = append(broken, fmt.Sprintf("entry %d: data-lang-key %q", i+1, key))
			return
		}
		name := cleanText(li.Find("h4").First().Text())
		if name == "" {
			name = hosterFromIcon(li.Find("i.icon").First())
		}
		target, _ := li.Attr("data-link-target")
		if strings.TrimSpace(target) == "" {
			target, _ = li.Find("a.watchEpisode").Attr("href")
		}
		u := c.abs(target)
		if name == "" || u == "" {
			broken = append(broken, fmt.Sprintf("entry %d: hoster %q target %q", i+1, name, target))
			return
		}
		ep.Links = append(ep.Links, provider.HosterLink{Hoster: name, Lang: lang, URL: u})
		langs = append(langs, lang)
	})
	if items.Length() > 0 && len(ep.Links) == 0 {
		return provider.EpisodeLinks{}, c.parseErr(step, page, "%d hoster entries in div.hosterSiteVideo, none readable (%s)", items.Length(), strings.Join(broken, "; "))
	}
	ep.Languages = append(ep.Languages, provider.SortLanguages(langs)...)
	return ep, nil
}

// imgLanguage reads a language box image: data-lang-key, else its flag.
func imgLanguage(img *goquery.Selection) anime.Language {
	if v, ok := img.Attr("data-lang-key"); ok {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && anime.Language(n).Valid() {
			return anime.Language(n)
		}
	}
	src, _ := img.Attr("src")
	return flagLanguage(src)
}
