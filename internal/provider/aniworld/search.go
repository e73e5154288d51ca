package aniworld

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

var (
	tagRe  = regexp.MustCompile(`<[^>]*>`)
	yearRe = regexp.MustCompile(`\b(19|20)\d{2}\b`)
)

// Search asks POST /ajax/search and falls back to GET /ajax/seriesSearch
// when the first fails or answers something that is not JSON. Only series
// links (<prefix><slug>) are kept.
func (c *Client) Search(ctx context.Context, query string) ([]provider.SearchResult, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, fmt.Errorf("%w: empty search query", anime.ErrInvalid)
	}
	if len(query) > 200 {
		return nil, fmt.Errorf("%w: search query longer than 200 characters", anime.ErrInvalid)
	}
	res, err := c.searchPrimary(ctx, query)
	if err == nil {
		return res, nil
	}
	if ctx.Err() != nil {
		return nil, err
	}
	c.log.Info("primary search failed, trying seriesSearch", "err", err)
	res, err2 := c.searchFallback(ctx, query)
	if err2 != nil {
		return nil, errors.Join(err, err2)
	}
	return res, nil
}

func (c *Client) searchPrimary(ctx context.Context, query string) ([]provider.SearchResult, error) {
	form := url.Values{"keyword": {query}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base.String()+"/ajax/search", strings.NewReader(form))
	if err != nil {
		return nil, err
	}
	c.xhrHeaders(req, query)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
	body, err := c.do(req, "search", query)
	if err != nil {
		return nil, err
	}
	hits, err := parseSearchJSON(body)
	if err != nil {
		return nil, c.parseErr("search", query, "/ajax/search: %v", err)
	}
	out := []provider.SearchResult{}
	seen := map[string]bool{}
	for _, h := range hits {
		key, ok := c.slugFromLink(h.Link)
		if !ok || seen[key] {
			continue
		}
		seen[key] = true
		name := stripTags(h.Title)
		out = append(out, c.result(key, name, stripTags(h.Description), "", 0))
	}
	return out, nil
}

func (c *Client) searchFallback(ctx context.Context, query string) ([]provider.SearchResult, error) {
	u := c.base.String() + "/ajax/seriesSearch?" + url.Values{"keyword": {query}}.Encode()
	body, err := c.fetch(ctx, "search", query, u, func(r *http.Request) { c.xhrHeaders(r, query) })
	if err != nil {
		return nil, err
	}
	hits, err := parseSeriesSearchJSON(body)
	if err != nil {
		return nil, c.parseErr("search", query, "/ajax/seriesSearch: %v", err)
	}
	out := []provider.SearchResult{}
	seen := map[string]bool{}
	for _, h := range hits {
		key := strings.TrimSpace(h.Link)
		if strings.Contains(key, "/") {
			var ok bool
			if key, ok = c.slugFromLink(key); !ok {
				continue
			}
		}
		if !provider.ValidKey(key) || seen[key] {
			continue
		}
		seen[key] = true
		year := 0
		if m := yearRe.FindString(h.ProductionYear); m != "" {
			year, _ = strconv.Atoi(m)
		}
		out = append(out, c.result(key, stripTags(h.Name), stripTags(h.Description), c.abs(h.Cover), year))
	}
	return out, nil
}

func (c *Client) xhrHeaders(req *http.Request, query string) {
	req.Header.Set("X-Requested-With", "XMLHttpRequest")
	req.Header.Set("Accept", "application/json, text/javascript, */*; q=0.01")
	req.Header.Set("Origin", c.base.String())
	req.Header.Set("Referer", c.base.String()+"/search?q="+url.QueryEscape(query))
	req.Header.Set("Sec-Fetch-Dest", "empty")
	req.Header.Set("Sec-Fetch-Mode", "cors")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
}

func (c *Client) result(key, name, desc, cover string, year int) provider.SearchResult {
	if name == "" {
		name = key
	}
	return provider.SearchResult{
		Key: key, Name: name, Site: c.cfg.Site,
		Folder:          provider.FolderName(name, year),
		Link:            c.SeriesURL(key),
		MissingEpisodes: anime.MissingEpisodes{},
		Description:     desc, Cover: cover, Year: year,
	}
}

// slugFromLink accepts exactly <prefix><slug> (optionally with a trailing
// slash, optionally absolute) and answers the slug.
func (c *Client) slugFromLink(link string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return "", false
	}
	key, rest, ok := provider.CutSeriesPath(u.Path, c.cfg.PathPrefix)
	return key, ok && (rest == "" || rest == "/")
}

// searchHit is one /ajax/search item.
type searchHit struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Link        string `json:"link"`
}

// seriesSearchHit is one /ajax/seriesSearch item.
type seriesSearchHit struct {
	Name           string `json:"name"`
	Link           string `json:"link"`
	Description    string `json:"description"`
	Cover          string `json:"cover"`
	ProductionYear string `json:"productionYear"`
}

// parseSearchJSON decodes /ajax/search after cleaning.
func parseSearchJSON(body []byte) ([]searchHit, error) {
	var hits []searchHit
	if err := decodeLoose(body, &hits); err != nil {
		return nil, err
	}
	return hits, nil
}

// parseSeriesSearchJSON decodes /ajax/seriesSearch after cleaning.
func parseSeriesSearchJSON(body []byte) ([]seriesSearchHit, error) {
	var hits []seriesSearchHit
	if err := decodeLoose(body, &hits); err != nil {
		return nil, err
	}
	return hits, nil
}

// decodeLoose strips a BOM and control characters (raw newlines inside
// strings make the site's JSON invalid) and decodes a JSON array.
func decodeLoose(body []byte, v any) error {
	s := strings.TrimPrefix(string(body), "\ufeff")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\ufeff' {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "[") {
		snippet := s
		if len(snippet) > 40 {
			snippet = snippet[:40]
		}
		return fmt.Errorf("answer is not a JSON array (starts %q)", snippet)
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode json: %w", err)
	}
	return nil
}

// stripTags removes tags (the <em> highlights) and entities.
func stripTags(s string) string {
	s = tagRe.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	return cleanText(tagRe.ReplaceAllString(s, ""))
}
