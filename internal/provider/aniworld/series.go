package aniworld

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

// languageTags are genre buttons that are really language badges.
var languageTags = map[string]bool{"ger": true, "gersub": true, "engsub": true, "engdub": true}

var (
	seasonHrefRe = regexp.MustCompile(`/staffel-(\d+)/?$`)
	moviesHrefRe = regexp.MustCompile(`/filme/?$`)
	imdbRe       = regexp.MustCompile(`tt\d{5,}`)
	entityRe     = regexp.MustCompile(`&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);`)
)

// Series fetches and parses a series page (cached).
func (c *Client) Series(ctx context.Context, key string) (provider.SeriesDetails, error) {
	if err := provider.CheckKey(key); err != nil {
		return provider.SeriesDetails{}, err
	}
	return cached(ctx, c, provider.SeriesCacheKey(key), func() (provider.SeriesDetails, error) {
		body, err := c.fetch(ctx, "series page", key, c.SeriesURL(key), nil)
		if err != nil {
			return provider.SeriesDetails{}, err
		}
		d, err := c.parseSeriesPage(body, key)
		if err != nil {
			return provider.SeriesDetails{}, err
		}
		return d, nil
	})
}

// parseSeriesPage reads a series page: title and alternative titles,
// years, description, genres, cover, IMDb id, FSK and the season
// navigation.
func (c *Client) parseSeriesPage(body []byte, key string) (provider.SeriesDetails, error) {
	const step = "series page"
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return provider.SeriesDetails{}, c.parseErr(step, key, "parse html: %v", err)
	}
	if notFound(doc) {
		return provider.SeriesDetails{}, fmt.Errorf("%s: %s %q: %w: %s", c.cfg.Label, step, key, anime.ErrNotFound, alertText(doc))
	}
	d := provider.SeriesDetails{Key: key, Site: c.cfg.Site, Link: c.SeriesURL(key)}
	if msg := readTitles(doc, &d); msg != "" {
		return d, c.parseErr(step, key, "%s", msg)
	}
	readYearsAndDescription(doc, &d)
	c.readDetails(doc, &d)
	nav := doc.Find("div#stream")
	if nav.Length() == 0 {
		return d, c.parseErr(step, key, "no div#stream season navigation found")
	}
	d.Seasons = seasonNumbers(nav)
	return d, nil
}

// readTitles reads the title and the alternative titles from
// div.series-title h1; it answers what is missing, or "".
func readTitles(doc *goquery.Document, d *provider.SeriesDetails) string {
	h1 := doc.Find("div.series-title h1").First()
	if h1.Length() == 0 {
		return "no div.series-title h1 found"
	}
	title := h1.Find("span").First()
	if title.Length() == 0 {
		title = h1
	}
	d.Title = cleanText(title.Text())
	if d.Title == "" {
		return "empty title in div.series-title h1"
	}
	if alt, ok := h1.Attr("data-alternativetitles"); ok {
		for _, a := range strings.Split(alt, ",") {
			if a = cleanText(a); a != "" {
				d.AltTitles = append(d.AltTitles, a)
			}
		}
	}
	return ""
}

// readYearsAndDescription reads the start and end years ("Heute":
// ongoing) and the description (the full one when the page carries it).
func readYearsAndDescription(doc *goquery.Document, d *provider.SeriesDetails) {
	head := doc.Find("div.series-title")
	d.StartYear, _ = strconv.Atoi(cleanText(head.Find("span[itemprop=startDate]").First().Text()))
	end := cleanText(head.Find("span[itemprop=endDate]").First().Text())
	if strings.EqualFold(end, "Heute") || end == "" {
		d.Ongoing = strings.EqualFold(end, "Heute")
	} else {
		d.EndYear, _ = strconv.Atoi(end)
	}
	desc := doc.Find("p.seri_des").First()
	if full, ok := desc.Attr("data-full-description"); ok && strings.TrimSpace(full) != "" {
		d.Description = unescapeTwice(full)
	} else {
		clone := desc.Clone()
		clone.Find("span.showMore").Remove()
		d.Description = cleanText(clone.Text())
	}
}

// readDetails reads the genres (without the language tags), the cover,
// the IMDb id and the FSK rating.
func (c *Client) readDetails(doc *goquery.Document, d *provider.SeriesDetails) {
	seen := map[string]bool{}
	doc.Find("div.genres li a.genreButton").Each(func(_ int, s *goquery.Selection) {
		g := cleanText(s.Text())
		if g == "" || languageTags[strings.ToLower(g)] || seen[g] {
			return
		}
		seen[g] = true
		d.Genres = append(d.Genres, g)
	})
	img := doc.Find("div.seriesCoverBox img").First()
	for _, attr := range []string{"data-src", "src"} {
		if v, ok := img.Attr(attr); ok && strings.TrimSpace(v) != "" && !strings.Contains(v, "lazy") {
			d.Cover = c.abs(v)
			break
		}
	}
	imdb := doc.Find("a.imdb-link").First()
	if v, ok := imdb.Attr("data-imdb"); ok && imdbRe.MatchString(v) {
		d.IMDbID = imdbRe.FindString(v)
	} else if v, ok := imdb.Attr("href"); ok {
		d.IMDbID = imdbRe.FindString(v)
	}
	if v, ok := doc.Find("div.fsk").First().Attr("data-fsk"); ok {
		d.FSK, _ = strconv.Atoi(strings.TrimSpace(v))
	}
}

// seasonNumbers reads the season navigation's links (staffel-N, filme as
// season 0), ascending.
func seasonNumbers(nav *goquery.Selection) []int {
	seasons := map[int]bool{}
	nav.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		if m := seasonHrefRe.FindStringSubmatch(href); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n > 0 && n < 10000 {
				seasons[n] = true
			}
		} else if moviesHrefRe.MatchString(href) {
			seasons[0] = true
		}
	})
	out := make([]int, 0, len(seasons))
	for n := range seasons {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

// notFound reports the site's "series not found or deactivated" alert.
func notFound(doc *goquery.Document) bool {
	return doc.Find("div.messageAlert.danger").Length() > 0
}

func alertText(doc *goquery.Document) string {
	return cleanText(doc.Find("div.messageAlert.danger").First().Text())
}

// cleanText collapses whitespace and trims.
func cleanText(s string) string { return strings.Join(strings.Fields(s), " ") }

// unescapeTwice undoes a second layer of HTML escaping some attributes
// carry ("&amp;quot;" arrives as "&quot;" after parsing).
func unescapeTwice(s string) string {
	if entityRe.MatchString(s) {
		s = html.UnescapeString(s)
	}
	return cleanText(s)
}
