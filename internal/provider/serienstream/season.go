package serienstream

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

var (
	digitsRe  = regexp.MustCompile(`\d{1,5}`)
	onclickRe = regexp.MustCompile(`['"]([^'"]*/serie/[^'"]*/staffel-\d+/episode-\d+/?)['"]`)
)

// Seasons returns every season of the series page with its episodes.
func (c *Client) Seasons(ctx context.Context, key string) ([]provider.Season, error) {
	return provider.AllSeasons(ctx, key, c.Series, c.Season)
}

// Season fetches and parses one season page (cached).
func (c *Client) Season(ctx context.Context, key string, season int) (provider.Season, error) {
	if err := provider.CheckSeason(key, season); err != nil {
		return provider.Season{}, err
	}
	return provider.Cached(ctx, c.pageCache(), provider.SeasonCacheKey(key, season), func() (provider.Season, error) {
		ref := fmt.Sprintf("%s/staffel-%d", key, season)
		body, err := c.fetch(ctx, "season page", ref, c.seasonURL(key, season), nil)
		if err != nil {
			return provider.Season{}, err
		}
		return c.parseSeasonPage(body, ref, season)
	})
}

// parseSeasonPage reads the tr.episode-row rows: number from
// th.episode-number-cell (else the episode link), link from the row's
// onclick (else an a[href]), German and English titles from
// strong.episode-title-ger / span.episode-title-eng (either may be
// missing), hoster icons from img[alt] and language flags among them.
func (c *Client) parseSeasonPage(body []byte, ref string, season int) (provider.Season, error) {
	const step = "season page"
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return provider.Season{}, parseErr(step, ref, "parse html: %v", err)
	}
	rows := doc.Find("tr.episode-row")
	if rows.Length() == 0 {
		return provider.Season{}, parseErr(step, ref, "no tr.episode-row found")
	}
	var eps provider.EpisodeList
	var rowErr error
	rows.EachWithBreak(func(i int, tr *goquery.Selection) bool {
		ep := provider.EpisodeInfo{URL: c.rowLink(tr)}
		if m := digitsRe.FindString(cleanText(tr.Find(".episode-number-cell").First().Text())); m != "" {
			ep.Number, _ = strconv.Atoi(m)
		}
		if ep.Number <= 0 {
			if m := episodeRefRe.FindStringSubmatch(ep.URL); m != nil {
				ep.Number, _ = strconv.Atoi(m[2])
			}
		}
		if ep.Number <= 0 {
			rowErr = parseErr(step, ref, "row %d: no episode number (th.episode-number-cell or episode-N link)", i+1)
			return false
		}
		ep.TitleDE = cleanText(tr.Find(".episode-title-ger").First().Text())
		ep.TitleEN = cleanText(tr.Find(".episode-title-eng").First().Text())
		tr.Find("img[alt]").Each(func(_ int, img *goquery.Selection) {
			alt, _ := img.Attr("alt")
			alt = cleanText(alt)
			if l := languageOf(alt); l != anime.LangUnknown {
				ep.Languages = append(ep.Languages, l)
			} else if alt != "" && !containsFold(ep.Hosters, alt) {
				ep.Hosters = append(ep.Hosters, alt)
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

// rowLink answers a row's episode URL from its onclick
// (window.location='…') or, failing that, an a[href] to an episode.
func (c *Client) rowLink(tr *goquery.Selection) string {
	if oc, ok := tr.Attr("onclick"); ok {
		oc = strings.ReplaceAll(oc, `\/`, "/") // JS-escaped slashes
		if m := onclickRe.FindStringSubmatch(oc); m != nil {
			return c.abs(m[1])
		}
	}
	var out string
	tr.Find("a[href]").EachWithBreak(func(_ int, a *goquery.Selection) bool {
		href, _ := a.Attr("href")
		if episodeRefRe.MatchString(strings.TrimSpace(href)) {
			out = c.abs(href)
		}
		return out == ""
	})
	return out
}

// languageOf maps the site's language labels and flag names to languages:
// serienstream offers German and English audio only (no subtitled
// tracks).
func languageOf(label string) anime.Language {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "deutsch", "german", "de", "ger", "german dub", "deutsch (dub)":
		return anime.LangGermanDub
	case "englisch", "english", "en", "eng", "english dub", "englisch (dub)":
		return anime.LangEnglishDub
	}
	return anime.LangUnknown
}

func containsFold(xs []string, s string) bool {
	for _, x := range xs {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
