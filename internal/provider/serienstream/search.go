package serienstream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

// Search asks GET /api/search/suggest?term= and, for covers and further
// results, the HTML search /suche?term=…&tab=shows. Either alone is
// enough: when the suggest API fails the HTML page answers, and a failing
// HTML page only costs the covers. Both failing is an error.
func (c *Client) Search(ctx context.Context, query string) ([]provider.SearchResult, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return []provider.SearchResult{}, nil
	}
	shows, sErr := c.suggest(ctx, query)
	cards, hErr := c.searchPage(ctx, query)
	if sErr != nil && hErr != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, errors.Join(sErr, hErr)
	}
	if sErr != nil {
		c.log.Warn("serienstream suggest failed; using the search page", "err", sErr)
	}
	out := make([]provider.SearchResult, 0, len(shows)+len(cards))
	index := map[string]int{}
	add := func(r searchHit) {
		if i, ok := index[r.slug]; ok {
			if out[i].Cover == "" {
				out[i].Cover = r.cover
			}
			return
		}
		index[r.slug] = len(out)
		out = append(out, provider.SearchResult{Key: r.slug, Name: r.name, Site: Site,
			Folder: provider.FolderName(r.name, 0), Link: c.SeriesURL(r.slug),
			MissingEpisodes: anime.MissingEpisodes{}, Cover: r.cover})
	}
	for _, s := range shows {
		add(s)
	}
	for _, s := range cards {
		add(s)
	}
	return out, nil
}

// searchHit is one series found by either search.
type searchHit struct{ slug, name, cover string }

// suggest calls the JSON search API.
func (c *Client) suggest(ctx context.Context, query string) ([]searchHit, error) {
	u := c.base.String() + "/api/search/suggest?term=" + url.QueryEscape(query)
	body, err := c.fetch(ctx, "search", query, u, func(r *http.Request) {
		r.Header.Set("Accept", "application/json, text/javascript, */*; q=0.01")
		r.Header.Set("X-Requested-With", "XMLHttpRequest")
		r.Header.Set("Sec-Fetch-Dest", "empty")
		r.Header.Set("Sec-Fetch-Mode", "cors")
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	})
	if err != nil {
		return nil, err
	}
	return parseSuggest(body, query)
}

// parseSuggest reads {"shows":[{"name","url"}]}; entries whose url is not
// a series link are dropped.
func parseSuggest(body []byte, query string) ([]searchHit, error) {
	var v struct {
		Shows []struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		} `json:"shows"`
	}
	body = bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, parseErr("search", query, "/api/search/suggest: answer is not JSON (starts %q)", prefix(body, 20))
	}
	out := []searchHit{}
	for _, s := range v.Shows {
		slug, name := slugOf(s.URL), cleanText(s.Name)
		if slug == "" || name == "" {
			continue
		}
		out = append(out, searchHit{slug: slug, name: name})
	}
	return out, nil
}

// searchPage fetches the first page of the HTML search.
func (c *Client) searchPage(ctx context.Context, query string) ([]searchHit, error) {
	u := c.base.String() + "/suche?term=" + url.QueryEscape(query) + "&tab=shows"
	body, err := c.fetch(ctx, "search", query, u, nil)
	if err != nil {
		return nil, err
	}
	return c.parseSearchPage(body, query)
}

// parseSearchPage reads the result cards of /suche: each
// div.card.cover-card (inside div.search-results-list) with its
// a[href^="/serie/"], h6.show-title and cover image. A page without a
// result list is a parse error; an empty list is no results.
func (c *Client) parseSearchPage(body []byte, query string) ([]searchHit, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, parseErr("search", query, "parse html: %v", err)
	}
	cards := doc.Find(".search-results-list .cover-card")
	if cards.Length() == 0 && doc.Find(".search-results-list").Length() == 0 {
		if noResults(doc) {
			return []searchHit{}, nil
		}
		return nil, parseErr("search", query, "/suche: no div.search-results-list found")
	}
	out := []searchHit{}
	cards.Each(func(_ int, card *goquery.Selection) {
		var slug string
		card.Find("a[href]").EachWithBreak(func(_ int, a *goquery.Selection) bool {
			href, _ := a.Attr("href")
			slug = slugOf(href)
			return slug == ""
		})
		if slug == "" {
			return
		}
		name := cleanText(card.Find(".show-title").First().Text())
		if name == "" {
			name, _ = card.Find("img[alt]").First().Attr("alt")
			name = cleanText(name)
		}
		if name == "" {
			return
		}
		out = append(out, searchHit{slug: slug, name: name, cover: c.imageURL(card.Find("img").First())})
	})
	return out, nil
}

// noResults recognises the search page's empty state.
func noResults(doc *goquery.Document) bool {
	t := strings.ToLower(doc.Find("main, body").First().Text())
	return strings.Contains(t, "keine ergebnisse") || strings.Contains(t, "keine serien gefunden") || strings.Contains(t, "no results")
}

// imageURL answers an img's lazy data-src, else src, as an absolute URL;
// inline data: placeholders are skipped.
func (c *Client) imageURL(img *goquery.Selection) string {
	for _, attr := range []string{"data-src", "data-lazy-src", "src"} {
		if v, ok := img.Attr(attr); ok && !strings.HasPrefix(strings.TrimSpace(v), "data:") {
			if a := c.abs(v); a != "" {
				return a
			}
		}
	}
	return ""
}

func prefix(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}
