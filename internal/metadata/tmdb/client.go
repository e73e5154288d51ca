// Package tmdb is a small client for TMDB's v3 API: TV search, show details
// with appended sub-responses, seasons, the image configuration and image
// downloads. It backs off on 429 (honouring Retry-After) and maps TMDB's
// error bodies to the sentinel errors of package anime.
package tmdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// Defaults for Options.
const (
	DefaultAPIURL   = "https://api.themoviedb.org/3"
	DefaultImageURL = "https://image.tmdb.org/t/p"
)

// ErrAuth marks TMDB rejecting the configured API key or token (HTTP 401,
// status_code 7). Errors carrying it also wrap anime.ErrUnavailable: for the
// product's own API this is a configuration problem, not a login failure.
var ErrAuth = errors.New("tmdb rejected the api key or token; check nfo.tmdb_api_key or ANIWORLD_TMDB_API_KEY")

// Doer sends HTTP requests; *http.Client satisfies it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Options configures a Client. Exactly one of APIKey and Token is needed;
// when both are set the token (Bearer) is used.
type Options struct {
	APIURL   string // default DefaultAPIURL
	ImageURL string // default DefaultImageURL
	APIKey   string // v3 API key, sent as the api_key query parameter
	Token    string // API read access token, sent as "Authorization: Bearer"
	Language string // e.g. "de-DE"; default "en-US"
	HTTP     Doer   // default http.DefaultClient

	MaxRetries   int           // retries after a 429; default 3
	RetryBase    time.Duration // first backoff without Retry-After; default 1s
	MaxRetryWait time.Duration // cap on one wait; default 30s
	ConfigTTL    time.Duration // how long Configuration is cached; default 24h
	// Wait sleeps for d or until ctx ends; default a timer. Tests replace it
	// to record the waits.
	Wait func(ctx context.Context, d time.Duration) error
	// Now is the clock for the configuration cache; default time.Now.
	Now func() time.Time
}

// Client talks to TMDB. It is safe for concurrent use.
type Client struct {
	o Options

	mu    sync.Mutex
	cfg   *Configuration
	cfgAt time.Time
}

// APIError is TMDB's error body {status_code, status_message} plus the HTTP
// status. It unwraps to ErrAuth and/or an anime sentinel.
type APIError struct {
	HTTPStatus int
	Code       int
	Message    string
	Path       string
}

// Error describes the failure without the request's query (which may hold
// the API key).
func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.HTTPStatus)
	}
	switch {
	case e.HTTPStatus == http.StatusUnauthorized || e.Code == 7:
		return fmt.Sprintf("tmdb %s: %s (HTTP %d, code %d): %v", e.Path, msg, e.HTTPStatus, e.Code, ErrAuth)
	case e.HTTPStatus == http.StatusTooManyRequests:
		return fmt.Sprintf("tmdb %s: rate limited, retries exhausted: %s (HTTP 429, code %d)", e.Path, msg, e.Code)
	}
	return fmt.Sprintf("tmdb %s: %s (HTTP %d, code %d)", e.Path, msg, e.HTTPStatus, e.Code)
}

// Unwrap lets errors.Is find ErrAuth, anime.ErrNotFound or
// anime.ErrUnavailable.
func (e *APIError) Unwrap() []error {
	switch {
	case e.HTTPStatus == http.StatusUnauthorized || e.Code == 7:
		return []error{ErrAuth, anime.ErrUnavailable}
	case e.HTTPStatus == http.StatusNotFound || e.Code == 34:
		return []error{anime.ErrNotFound}
	}
	return []error{anime.ErrUnavailable}
}

// New builds a client. It fails with anime.ErrInvalid when neither an API
// key nor a token is configured, or a base URL does not parse.
func New(o Options) (*Client, error) {
	if o.APIKey == "" && o.Token == "" {
		return nil, fmt.Errorf("%w: tmdb needs an api key or read access token (nfo.tmdb_api_key or ANIWORLD_TMDB_API_KEY)", anime.ErrInvalid)
	}
	if o.APIURL == "" {
		o.APIURL = DefaultAPIURL
	}
	if o.ImageURL == "" {
		o.ImageURL = DefaultImageURL
	}
	for _, u := range []string{o.APIURL, o.ImageURL} {
		if p, err := url.Parse(u); err != nil || p.Scheme == "" || p.Host == "" {
			return nil, fmt.Errorf("%w: tmdb base url %q is not absolute", anime.ErrInvalid, u)
		}
	}
	o.APIURL = strings.TrimRight(o.APIURL, "/")
	o.ImageURL = strings.TrimRight(o.ImageURL, "/")
	if o.Language == "" {
		o.Language = "en-US"
	}
	if o.HTTP == nil {
		o.HTTP = http.DefaultClient
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = 3
	}
	if o.RetryBase == 0 {
		o.RetryBase = time.Second
	}
	if o.MaxRetryWait == 0 {
		o.MaxRetryWait = 30 * time.Second
	}
	if o.ConfigTTL == 0 {
		o.ConfigTTL = 24 * time.Hour
	}
	if o.Wait == nil {
		o.Wait = sleep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Client{o: o}, nil
}

// Language is the configured language ("de-DE").
func (c *Client) Language() string { return c.o.Language }

// Country is the region part of the language ("DE" for "de-DE"), or "".
func (c *Client) Country() string {
	if _, region, ok := strings.Cut(c.o.Language, "-"); ok {
		return strings.ToUpper(region)
	}
	return ""
}

// ImageLang is the ISO 639-1 part of the language ("de").
func (c *Client) ImageLang() string {
	lang, _, _ := strings.Cut(c.o.Language, "-")
	return strings.ToLower(lang)
}

// SearchTV searches shows by name; year > 0 filters on the first air date.
func (c *Client) SearchTV(ctx context.Context, query string, year int) ([]SearchResult, error) {
	q := url.Values{"query": {query}, "include_adult": {"false"}, "page": {"1"}}
	if year > 0 {
		q.Set("first_air_date_year", strconv.Itoa(year))
	}
	var out struct {
		Results []SearchResult `json:"results"`
	}
	if err := c.get(ctx, "/search/tv", q, &out); err != nil {
		return nil, err
	}
	return out.Results, nil
}

// FindTVDB answers the shows TMDB links to a TVDB series id
// (/find/{id}?external_source=tvdb_id); none is an empty list, not an
// error.
func (c *Client) FindTVDB(ctx context.Context, tvdbID int) ([]SearchResult, error) {
	if tvdbID <= 0 {
		return nil, fmt.Errorf("%w: tvdb id must be positive, got %d", anime.ErrInvalid, tvdbID)
	}
	var out struct {
		TVResults []SearchResult `json:"tv_results"`
	}
	if err := c.get(ctx, "/find/"+strconv.Itoa(tvdbID), url.Values{"external_source": {"tvdb_id"}}, &out); err != nil {
		return nil, err
	}
	return out.TVResults, nil
}

// TV fetches a show with external_ids, credits, images and content_ratings
// appended, images in the configured language, English and no language.
func (c *Client) TV(ctx context.Context, id int) (*Show, error) {
	if id <= 0 {
		return nil, fmt.Errorf("%w: tmdb id must be positive, got %d", anime.ErrInvalid, id)
	}
	langs := []string{}
	if l := c.ImageLang(); l != "" && l != "en" {
		langs = append(langs, l)
	}
	q := url.Values{
		"append_to_response":     {"external_ids,credits,images,content_ratings"},
		"include_image_language": {strings.Join(append(langs, "en", "null"), ",")},
	}
	var out Show
	if err := c.get(ctx, "/tv/"+strconv.Itoa(id), q, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Season fetches season n of show id.
func (c *Client) Season(ctx context.Context, id, n int) (*Season, error) {
	if id <= 0 || n < 0 {
		return nil, fmt.Errorf("%w: bad tmdb season %d/%d", anime.ErrInvalid, id, n)
	}
	var out Season
	if err := c.get(ctx, fmt.Sprintf("/tv/%d/season/%d", id, n), url.Values{}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Configuration returns TMDB's /configuration, cached for ConfigTTL.
func (c *Client) Configuration(ctx context.Context) (*Configuration, error) {
	c.mu.Lock()
	if c.cfg != nil && c.o.Now().Sub(c.cfgAt) < c.o.ConfigTTL {
		cfg := *c.cfg
		c.mu.Unlock()
		return &cfg, nil
	}
	c.mu.Unlock()
	var out Configuration
	if err := c.get(ctx, "/configuration", url.Values{}, &out); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.cfg, c.cfgAt = &out, c.o.Now()
	c.mu.Unlock()
	cfg := out
	return &cfg, nil
}

// ImageURL is the image base + size + file path
// ("https://image.tmdb.org/t/p/original/abc.jpg"), or "" for an empty path.
func (c *Client) ImageURL(size, filePath string) string {
	if filePath == "" {
		return ""
	}
	if size == "" {
		size = "original"
	}
	if !strings.HasPrefix(filePath, "/") {
		filePath = "/" + filePath
	}
	return c.o.ImageURL + "/" + size + filePath
}

// OpenImage GETs an image. The caller closes the body and checks its type.
// 404 is anime.ErrNotFound, any other failure anime.ErrUnavailable.
func (c *Client) OpenImage(ctx context.Context, size, filePath string) (*http.Response, error) {
	u := c.ImageURL(size, filePath)
	if u == "" {
		return nil, fmt.Errorf("%w: no image path", anime.ErrNotFound)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("tmdb image request: %w", err)
	}
	req.Header.Set("Accept", "image/*")
	resp, err := c.o.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("tmdb image %s: %w: %v", filePath, anime.ErrUnavailable, redact(err))
	}
	if resp.StatusCode != http.StatusOK {
		drain(resp.Body)
		if resp.StatusCode == http.StatusNotFound {
			return nil, fmt.Errorf("tmdb image %s: %w (HTTP 404)", filePath, anime.ErrNotFound)
		}
		return nil, fmt.Errorf("tmdb image %s: %w (HTTP %d)", filePath, anime.ErrUnavailable, resp.StatusCode)
	}
	return resp, nil
}

func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	if q.Get("language") == "" && path != "/configuration" {
		q.Set("language", c.o.Language)
	}
	if c.o.Token == "" {
		q.Set("api_key", c.o.APIKey)
	}
	u := c.o.APIURL + path + "?" + q.Encode()
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return fmt.Errorf("tmdb %s: build request: %w", path, err)
		}
		req.Header.Set("Accept", "application/json")
		if c.o.Token != "" {
			req.Header.Set("Authorization", "Bearer "+c.o.Token)
		}
		resp, err := c.o.HTTP.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("tmdb %s: %w", path, ctx.Err())
			}
			return fmt.Errorf("tmdb %s: %w: %v", path, anime.ErrUnavailable, redact(err))
		}
		if resp.StatusCode == http.StatusOK {
			err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(out)
			drain(resp.Body)
			if err != nil {
				return fmt.Errorf("tmdb %s: decode response: %w: %v", path, anime.ErrUnavailable, err)
			}
			return nil
		}
		apiErr := readError(resp, path)
		if resp.StatusCode != http.StatusTooManyRequests || attempt >= c.o.MaxRetries {
			return apiErr
		}
		d := c.backoff(attempt, resp.Header.Get("Retry-After"))
		if err := c.o.Wait(ctx, d); err != nil {
			return fmt.Errorf("tmdb %s: waiting after 429: %w", path, err)
		}
	}
}

// backoff is Retry-After when given (seconds or an HTTP date), else
// RetryBase doubled per attempt; capped at MaxRetryWait.
func (c *Client) backoff(attempt int, retryAfter string) time.Duration {
	d := c.o.RetryBase << attempt
	if s, err := strconv.Atoi(strings.TrimSpace(retryAfter)); err == nil && s >= 0 {
		d = time.Duration(s) * time.Second
	} else if t, err := http.ParseTime(retryAfter); err == nil {
		d = max(t.Sub(c.o.Now()), 0)
	}
	return min(d, c.o.MaxRetryWait)
}

func readError(resp *http.Response, path string) *APIError {
	defer drain(resp.Body)
	e := &APIError{HTTPStatus: resp.StatusCode, Path: path}
	var body struct {
		Code    int    `json:"status_code"`
		Message string `json:"status_message"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body) == nil {
		e.Code, e.Message = body.Code, body.Message
	}
	return e
}

// redact drops the URL (and with it any api_key) from transport errors.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func drain(r io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r, 64<<10))
	_ = r.Close()
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
