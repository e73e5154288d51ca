package serienstream

import (
	"bytes"
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/aniworld/aniworld/internal/provider"
)

var (
	yearHrefRe   = regexp.MustCompile(`/jahr/(\d{4})\b`)
	fskRe        = regexp.MustCompile(`FSK\s*:?\s*(\d{1,2})\b`)
	imdbRe       = regexp.MustCompile(`\btt\d{5,}\b`)
	staffelRe    = regexp.MustCompile(`/staffel-(\d{1,4})/?$`)
	filmeRe      = regexp.MustCompile(`/(filme|specials)/?$`)
	episodeRefRe = regexp.MustCompile(`/staffel-(\d{1,4})/episode-(\d{1,5})/?$`)
)

// Series fetches and parses a series page (cached).
func (c *Client) Series(ctx context.Context, key string) (provider.SeriesDetails, error) {
	if err := provider.CheckKey(key); err != nil {
		return provider.SeriesDetails{}, err
	}
	return provider.Cached(ctx, c.pageCache(), provider.SeriesCacheKey(key), func() (provider.SeriesDetails, error) {
		body, err := c.fetch(ctx, "series page", key, c.SeriesURL(key), nil)
		if err != nil {
			return provider.SeriesDetails{}, err
		}
		return c.parseSeriesPage(body, key)
	})
}

// parseSeriesPage reads a series page of the 2026 redesign: the title h1, the
// description, the li.series-group lists (genres, cast, directors,
// producers, countries), the /jahr/YYYY link, "FSK NN", the IMDb link, the
// channel poster and the season navigation.
func (c *Client) parseSeriesPage(body []byte, key string) (provider.SeriesDetails, error) {
	const step = "series page"
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return provider.SeriesDetails{}, parseErr(step, key, "parse html: %v", err)
	}
	d := provider.SeriesDetails{Key: key, Site: Site, Link: c.SeriesURL(key), Seasons: []int{}}
	h1 := doc.Find("h1.fw-bold").First()
	if h1.Length() == 0 {
		h1 = doc.Find("h1").FilterFunction(func(_ int, s *goquery.Selection) bool { return cleanText(s.Text()) != "" }).First()
	}
	if h1.Length() == 0 {
		return d, parseErr(step, key, "no h1 found")
	}
	d.Title = cleanText(h1.Text())
	if d.Title == "" {
		return d, parseErr(step, key, "empty title in h1")
	}
	desc := doc.Find(".description-text").First()
	if v, ok := desc.Attr("data-full-description"); ok && strings.TrimSpace(v) != "" {
		d.Description = cleanText(v)
	} else {
		d.Description = cleanText(desc.Text())
	}
	readGroups(doc, &d)
	doc.Find(`a[href*="/jahr/"]`).EachWithBreak(func(_ int, a *goquery.Selection) bool {
		href, _ := a.Attr("href")
		if m := yearHrefRe.FindStringSubmatch(href); m != nil {
			d.StartYear, _ = strconv.Atoi(m[1])
		}
		return d.StartYear == 0
	})
	if m := fskRe.FindStringSubmatch(cleanText(doc.Find("body").Text())); m != nil {
		d.FSK, _ = strconv.Atoi(m[1])
	}
	doc.Find(`a[href*="imdb.com/title/"]`).EachWithBreak(func(_ int, a *goquery.Selection) bool {
		href, _ := a.Attr("href")
		d.IMDbID = imdbRe.FindString(href)
		return d.IMDbID == ""
	})
	d.Cover = c.poster(doc)
	d.Seasons = seasonNumbers(doc, key)
	return d, nil
}

// groupFields maps a li.series-group label to where its links go.
var groupFields = map[string]func(*provider.SeriesDetails) *[]string{
	"genre":     func(d *provider.SeriesDetails) *[]string { return &d.Genres },
	"genres":    func(d *provider.SeriesDetails) *[]string { return &d.Genres },
	"besetzung": func(d *provider.SeriesDetails) *[]string { return &d.Cast },
	"regisseur": func(d *provider.SeriesDetails) *[]string { return &d.Directors },
	"regie":     func(d *provider.SeriesDetails) *[]string { return &d.Directors },
	"produzent": func(d *provider.SeriesDetails) *[]string { return &d.Producers },
	"land":      func(d *provider.SeriesDetails) *[]string { return &d.Countries },
}

// readGroups reads every li.series-group: its label is the first strong
// ("Genre:"), its values the links (or, without links, the comma list
// after the label).
func readGroups(doc *goquery.Document, d *provider.SeriesDetails) {
	doc.Find("li.series-group").Each(func(_ int, li *goquery.Selection) {
		strong := li.Find("strong").First()
		name := strings.ToLower(strings.TrimRight(cleanText(strong.Text()), ": "))
		field, ok := groupFields[name]
		if !ok {
			return
		}
		dst := field(d)
		seen := map[string]bool{}
		for _, v := range *dst {
			seen[v] = true
		}
		addValue := func(v string) {
			if v = cleanText(v); v != "" && !seen[v] {
				seen[v] = true
				*dst = append(*dst, v)
			}
		}
		links := li.Find("a")
		if links.Length() > 0 {
			links.Each(func(_ int, a *goquery.Selection) { addValue(a.Text()) })
			return
		}
		rest := strings.TrimPrefix(cleanText(li.Text()), cleanText(strong.Text()))
		for _, v := range strings.Split(rest, ",") {
			addValue(v)
		}
	})
}

// poster answers the channel poster (img under /media/images/channel/),
// else the first lazily loaded image.
func (c *Client) poster(doc *goquery.Document) string {
	for _, sel := range []string{`img[data-src*="/media/images/channel/"]`, `img[src*="/media/images/channel/"]`, `img[data-src]`} {
		if img := doc.Find(sel).First(); img.Length() > 0 {
			if u := c.imageURL(img); u != "" {
				return u
			}
		}
	}
	return ""
}

// seasonNumbers reads the season navigation (#season-nav, else any link
// below the series): staffel-N is season N, staffel-0/filme/specials is 0.
func seasonNumbers(doc *goquery.Document, key string) []int {
	links := doc.Find("#season-nav a[href]")
	if links.Length() == 0 {
		links = doc.Find(`a[href*="/serie/` + key + `/"]`)
	}
	seen := map[int]bool{}
	out := []int{}
	links.Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		if slugOfSeason(href) != key {
			return
		}
		n := -1
		if m := staffelRe.FindStringSubmatch(href); m != nil {
			n, _ = strconv.Atoi(m[1])
		} else if filmeRe.MatchString(href) {
			n = 0
		}
		if n >= 0 && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	})
	sort.Ints(out)
	return out
}
