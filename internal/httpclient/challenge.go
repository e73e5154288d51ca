package httpclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// ChallengeError is an anti-bot page (Cloudflare, DDoS-Guard) answered in
// place of content. It wraps anime.ErrChallenge.
type ChallengeError struct {
	URL    string // the requested URL, without query
	Status int    // HTTP status of the challenge page
	Kind   string // "cloudflare" or "ddos-guard"
}

// Error describes the challenge.
func (e *ChallengeError) Error() string {
	return fmt.Sprintf("%s challenge at %s (status %d)", e.Kind, e.URL, e.Status)
}

// Unwrap makes errors.Is(err, anime.ErrChallenge) true.
func (e *ChallengeError) Unwrap() error { return anime.ErrChallenge }

// peekSize is how much of a text response is inspected for challenge markers.
const peekSize = 64 << 10

// DetectChallenge reports which anti-bot challenge, if any, a response is:
// "ddos-guard" for a DDoS-Guard 403 (server header or __ddg cookies),
// "cloudflare" for a "Just a moment" / cf_chl_ page, or for a
// cdn-cgi/challenge-platform page with an error status. body may be a
// prefix of the full body. "" means ordinary content.
func DetectChallenge(status int, h http.Header, body []byte) string {
	if status == http.StatusForbidden || status == http.StatusServiceUnavailable {
		if strings.Contains(strings.ToLower(h.Get("Server")), "ddos-guard") {
			return "ddos-guard"
		}
		for _, c := range h.Values("Set-Cookie") {
			if strings.HasPrefix(strings.TrimSpace(c), "__ddg") {
				return "ddos-guard"
			}
		}
	}
	lower := bytes.ToLower(body)
	if bytes.Contains(lower, []byte("<title>just a moment")) || bytes.Contains(body, []byte("cf_chl_")) {
		return "cloudflare"
	}
	if status >= 400 && (bytes.Contains(body, []byte("cdn-cgi/challenge-platform")) || bytes.Contains(lower, []byte("just a moment"))) {
		return "cloudflare"
	}
	if status >= 400 && bytes.Contains(lower, []byte("ddos-guard")) {
		return "ddos-guard"
	}
	return ""
}

// checkChallenge inspects resp without consuming it: a text body's prefix is
// read and put back. On a challenge the body is closed and an error returned.
func (c *Client) checkChallenge(resp *http.Response) error {
	var peek []byte
	if isText(resp.Header.Get("Content-Type")) {
		buf := make([]byte, peekSize)
		n, err := io.ReadFull(resp.Body, buf)
		peek = buf[:n]
		var rest io.Reader = resp.Body
		if err != nil { // whole body already read (or failed); do not read again
			rest = errReader{err: err}
		}
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(peek), rest), resp.Body}
	}
	kind := DetectChallenge(resp.StatusCode, resp.Header, peek)
	if kind == "" {
		return nil
	}
	drain(resp)
	return &ChallengeError{URL: redact(resp.Request.URL), Status: resp.StatusCode, Kind: kind}
}

// errReader ends a MultiReader after a peek: io.EOF and
// io.ErrUnexpectedEOF mean "no more", anything else is replayed.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) {
	if r.err == io.ErrUnexpectedEOF || r.err == io.EOF {
		return 0, io.EOF
	}
	return 0, r.err
}

func isText(ct string) bool {
	ct = strings.ToLower(ct)
	return ct == "" || strings.HasPrefix(ct, "text/") || strings.Contains(ct, "html") || strings.Contains(ct, "json") || strings.Contains(ct, "javascript")
}

// onChallenge retries a GET through FlareSolverr when one is configured.
func (c *Client) onChallenge(req *http.Request, cerr error) (*http.Response, error) {
	c.log.Warn("anti-bot challenge", "err", cerr)
	if c.solver == nil || req.Method != http.MethodGet {
		return nil, cerr
	}
	sol, err := c.solver.solve(req.Context(), req.URL.String())
	if err != nil {
		return nil, fmt.Errorf("%w; flaresolverr: %w", cerr, err)
	}
	if len(sol.Cookies) > 0 {
		var cs []*http.Cookie
		for _, ck := range sol.Cookies {
			cs = append(cs, &http.Cookie{Name: ck.Name, Value: ck.Value, Path: "/"})
		}
		c.hc.Jar.SetCookies(req.URL, cs)
	}
	if sol.UserAgent != "" {
		c.mu.Lock()
		c.hostUAs[hostOnly(req.URL.Hostname())] = sol.UserAgent
		c.mu.Unlock()
	}
	status := sol.Status
	if status == 0 {
		status = http.StatusOK
	}
	body := []byte(sol.Response)
	h := http.Header{"Content-Type": []string{"text/html; charset=utf-8"}}
	if kind := DetectChallenge(status, h, body); kind != "" {
		return nil, fmt.Errorf("%w; flaresolverr did not solve it", cerr)
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}

// flareSolverr talks to a FlareSolverr v1 endpoint.
type flareSolverr struct {
	endpoint string
	timeout  time.Duration
	hc       *http.Client
}

type fsCookie struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Domain string `json:"domain"`
}

type fsSolution struct {
	URL       string     `json:"url"`
	Status    int        `json:"status"`
	Response  string     `json:"response"`
	Cookies   []fsCookie `json:"cookies"`
	UserAgent string     `json:"userAgent"`
}

func (f *flareSolverr) solve(ctx context.Context, target string) (fsSolution, error) {
	payload, _ := json.Marshal(map[string]any{
		"cmd":        "request.get",
		"url":        target,
		"maxTimeout": f.timeout.Milliseconds(),
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.endpoint, bytes.NewReader(payload))
	if err != nil {
		return fsSolution{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.hc.Do(req)
	if err != nil {
		return fsSolution{}, err
	}
	defer resp.Body.Close()
	var out struct {
		Status   string     `json:"status"`
		Message  string     `json:"message"`
		Solution fsSolution `json:"solution"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 32<<20)).Decode(&out); err != nil {
		return fsSolution{}, fmt.Errorf("decode answer (status %d): %w", resp.StatusCode, err)
	}
	if out.Status != "ok" {
		return fsSolution{}, fmt.Errorf("status %q: %s", out.Status, out.Message)
	}
	return out.Solution, nil
}
