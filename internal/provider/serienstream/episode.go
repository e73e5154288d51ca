package serienstream

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

// headingRe splits "S01E01: German (English)".
var headingRe = regexp.MustCompile(`^S\d+\s*E\d+\s*:?\s*(.*)$`)

// officialProvider is the button that points at an official streaming
// service instead of a hoster (AW #292 crashed on it).
const officialProvider = "provider"

// Episode fetches and parses an episode page (cached).
func (c *Client) Episode(ctx context.Context, key string, season, episode int) (provider.EpisodeLinks, error) {
	if err := provider.CheckEpisode(key, season, episode); err != nil {
		return provider.EpisodeLinks{}, err
	}
	return provider.Cached(ctx, c.pageCache(), provider.EpisodeCacheKey(key, season, episode), func() (provider.EpisodeLinks, error) {
		ref := fmt.Sprintf("%s S%02dE%02d", key, season, episode)
		pageURL := c.episodeURL(key, season, episode)
		body, err := c.fetch(ctx, "episode page", ref, pageURL, nil)
		if err != nil {
			return provider.EpisodeLinks{}, err
		}
		ep, err := c.parseEpisodePage(body, ref, pageURL)
		ep.Key, ep.Season, ep.Episode = key, season, episode
		return ep, err
	})
}

// parseEpisodePage reads the h2 heading (German and English title) and one
// link per button.link-box: data-play-url, data-provider-name and the
// language (data-language-label, else a data-language-id another button
// labelled). The "Provider" button is skipped; a button without a usable
// URL, hoster or language is skipped too.
func (c *Client) parseEpisodePage(body []byte, ref, pageURL string) (provider.EpisodeLinks, error) {
	const step = "episode page"
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return provider.EpisodeLinks{}, parseErr(step, ref, "parse html: %v", err)
	}
	ep := provider.EpisodeLinks{Languages: []anime.Language{}, Links: []provider.HosterLink{}}
	var heading bool
	ep.TitleDE, ep.TitleEN, heading = episodeTitles(doc)
	buttons := doc.Find("[data-play-url]")
	if buttons.Length() == 0 && !heading {
		return ep, parseErr(step, ref, "neither an SxxEyy h2 nor a button.link-box found")
	}
	byID := map[string]anime.Language{}
	buttons.Each(func(_ int, b *goquery.Selection) {
		label, _ := b.Attr("data-language-label")
		id, _ := b.Attr("data-language-id")
		if l := languageOf(label); l != anime.LangUnknown && strings.TrimSpace(id) != "" {
			byID[strings.TrimSpace(id)] = l
		}
	})
	buttons.Each(func(_ int, b *goquery.Selection) {
		name, _ := b.Attr("data-provider-name")
		name = cleanText(name)
		if name == "" || strings.EqualFold(name, officialProvider) {
			return
		}
		play, _ := b.Attr("data-play-url")
		u := c.abs(play)
		if u == "" {
			return
		}
		label, _ := b.Attr("data-language-label")
		lang := languageOf(label)
		if lang == anime.LangUnknown {
			id, _ := b.Attr("data-language-id")
			lang = byID[strings.TrimSpace(id)]
		}
		if lang == anime.LangUnknown {
			return
		}
		ep.Links = append(ep.Links, provider.HosterLink{Hoster: name, Lang: lang, URL: u, Page: pageURL})
		ep.Languages = append(ep.Languages, lang)
	})
	ep.Languages = provider.SortLanguages(ep.Languages)
	if ep.Languages == nil {
		ep.Languages = []anime.Language{}
	}
	return ep, nil
}

// episodeTitles reads "S01E01: German (English)" from the first h2 that has
// the SxxEyy form; a title without parentheses is German only.
func episodeTitles(doc *goquery.Document) (de, en string, found bool) {
	doc.Find("h2").EachWithBreak(func(_ int, h *goquery.Selection) bool {
		m := headingRe.FindStringSubmatch(cleanText(h.Text()))
		if m == nil {
			return true
		}
		found = true
		t := strings.TrimSpace(m[1])
		if strings.HasSuffix(t, ")") {
			if i := strings.LastIndex(t, "("); i >= 0 {
				de, en = strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+1:len(t)-1])
				return false
			}
		}
		de = t
		return false
	})
	return de, en, found
}
