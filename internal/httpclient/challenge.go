package httpclient

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/challenge"
)

// NoSolverHint is what to install when a challenge finds no solver.
const NoSolverHint = "no solver available — install Debian's chromium or set download.flaresolverr_url"

// ChallengeError is an anti-bot page (Cloudflare, Turnstile, DDoS-Guard,
// a captcha) answered in place of content, that no solver passed. It wraps
// anime.ErrChallenge.
type ChallengeError struct {
	Host   string         // the challenged host
	URL    string         // the requested URL, without query
	Status int            // HTTP status of the challenge page
	Kind   challenge.Kind // which challenge
	// Detail says why it was not solved: NoSolverHint, or each solver's
	// failure. Empty when nobody tried (a site client's own check).
	Detail string
}

// Error is "challenge (turnstile) at aniworld.to (status 403): no solver
// available — install …".
func (e *ChallengeError) Error() string {
	host := e.Host
	if host == "" {
		host = e.URL
	}
	msg := fmt.Sprintf("challenge (%s) at %s (status %d)", e.Kind, host, e.Status)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap makes errors.Is(err, anime.ErrChallenge) true.
func (e *ChallengeError) Unwrap() error { return anime.ErrChallenge }

// NewChallengeError describes a challenge the caller detected itself
// (with challenge.Detect) in a response to req.
func NewChallengeError(req *http.Request, status int, kind challenge.Kind) *ChallengeError {
	return &ChallengeError{Host: req.URL.Hostname(), URL: Redact(req.URL), Status: status, Kind: kind}
}

// checkChallenge inspects resp without consuming it: a text body's prefix is
// read and put back. On a challenge the body is closed and an error returned.
func (c *Client) checkChallenge(resp *http.Response) *ChallengeError {
	var peek []byte
	if isText(resp.Header.Get("Content-Type")) {
		buf := make([]byte, challenge.PeekSize)
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
	kind := challenge.Detect(resp.StatusCode, resp.Header, peek)
	if kind == challenge.None {
		return nil
	}
	drain(resp)
	return NewChallengeError(resp.Request, resp.StatusCode, kind)
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

// SolveEvent is one solve attempt, for health and metrics.
type SolveEvent struct {
	Host     string         `json:"host"`
	Solver   string         `json:"solver"`
	Kind     challenge.Kind `json:"kind"`
	OK       bool           `json:"ok"`
	Error    string         `json:"error,omitempty"`
	Duration time.Duration  `json:"duration_ns"`
	At       time.Time      `json:"at"`
}

// Solves answers the last solve attempt per host.
func (c *Client) Solves() map[string]SolveEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.solves)
}

// SolverNames lists the configured solvers in the order they are tried.
func (c *Client) SolverNames() []string {
	names := make([]string, len(c.solvers))
	for i, s := range c.solvers {
		names[i] = s.Name()
	}
	return names
}

// onChallenge runs the solvers in order for a challenged GET: each
// clearance goes into the jar (cookies) and binds the host to the solver's
// User-Agent, then the request is sent once more with the plain client.
// When that is still challenged but the solver saw the page itself
// (FlareSolverr), its copy is answered.
func (c *Client) onChallenge(req *http.Request, cerr *ChallengeError) (*http.Response, error) {
	c.log.Warn("anti-bot challenge", "host", cerr.Host, "kind", cerr.Kind, "status", cerr.Status)
	if len(c.solvers) == 0 {
		cerr.Detail = NoSolverHint
		return nil, cerr
	}
	if req.Method != http.MethodGet && req.Method != "" {
		cerr.Detail = "only GET pages are solved, not " + req.Method
		return nil, cerr
	}
	var fails []string
	for _, s := range c.solvers {
		resp, err := c.solveWith(s, req, cerr)
		if err == nil {
			return resp, nil
		}
		fails = append(fails, s.Name()+": "+err.Error())
		if req.Context().Err() != nil {
			break
		}
	}
	cerr.Detail = strings.Join(fails, "; ")
	return nil, cerr
}

// solveWith asks one solver and retries req with its clearance, unless
// that solver failed for the host within SolveCooldown.
func (c *Client) solveWith(s Solver, req *http.Request, cerr *ChallengeError) (*http.Response, error) {
	host := strings.ToLower(req.URL.Hostname())
	if err := c.coolingDown(s, host); err != nil {
		return nil, err
	}
	resp, err := c.solveAndRetry(s, req, cerr)
	if req.Context().Err() == nil { // a cancelled caller says nothing about the solver
		c.noteSolve(s, host, err)
	}
	return resp, err
}

// solveAndRetry asks s and sends req again with its clearance.
func (c *Client) solveAndRetry(s Solver, req *http.Request, cerr *ChallengeError) (*http.Response, error) {
	ctx := req.Context()
	host := strings.ToLower(req.URL.Hostname())
	sr := SolveRequest{URL: req.URL.String(), UserAgent: c.UserAgent(host), Kind: cerr.Kind,
		Cookies: c.hc.Jar.Cookies(req.URL), Referer: req.Header.Get("Referer")}
	start := time.Now()
	cl, err := s.Solve(ctx, sr)
	ev := SolveEvent{Host: host, Solver: s.Name(), Kind: cerr.Kind, OK: err == nil, Duration: time.Since(start), At: time.Now()}
	if err != nil {
		ev.Error = err.Error()
	}
	c.mu.Lock()
	c.solves[host] = ev
	c.mu.Unlock()
	if c.opts.OnSolve != nil {
		c.opts.OnSolve(ev)
	}
	if err != nil {
		return nil, err
	}
	c.applyClearance(req, cl)
	if err := c.wait(ctx, host); err != nil {
		return nil, err
	}
	resp, err := c.send(req)
	if err == nil {
		if again := c.checkChallenge(resp); again == nil {
			return resp, nil
		}
	}
	if cl.Body != nil && challenge.Detect(cl.Status, nil, cl.Body) == challenge.None {
		return solverPage(req, cl), nil
	}
	if err != nil {
		return nil, fmt.Errorf("retry with clearance: %w", err)
	}
	return nil, fmt.Errorf("still challenged with its clearance")
}

// coolingDown answers an error when s failed for host less than
// SolveCooldown ago.
func (c *Client) coolingDown(s Solver, host string) error {
	if c.opts.SolveCooldown < 0 {
		return nil
	}
	c.mu.Lock()
	f, ok := c.failed[host+"|"+s.Name()]
	c.mu.Unlock()
	if ago := time.Since(f.at); ok && ago < c.opts.SolveCooldown {
		return fmt.Errorf("not retried: failed %v ago (%s)", ago.Round(time.Second), f.err)
	}
	return nil
}

// solveFailure is a solver's last failure for a host.
type solveFailure struct {
	at  time.Time
	err string
}

// noteSolve remembers (err != nil) or forgets a solver's failure for host.
func (c *Client) noteSolve(s Solver, host string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		delete(c.failed, host+"|"+s.Name())
		return
	}
	c.failed[host+"|"+s.Name()] = solveFailure{at: time.Now(), err: err.Error()}
}

// applyClearance stores the clearance cookies for req's URL and binds the
// host to the solver's User-Agent (and the client hints that go with it).
func (c *Client) applyClearance(req *http.Request, cl Clearance) {
	if len(cl.Cookies) > 0 {
		cs := make([]*http.Cookie, 0, len(cl.Cookies))
		for _, ck := range cl.Cookies {
			cp := *ck
			if cp.Path == "" {
				cp.Path = "/"
			}
			cp.Domain = "" // host-only for the challenged host
			cs = append(cs, &cp)
		}
		c.hc.Jar.SetCookies(req.URL, cs)
	}
	if cl.UserAgent != "" {
		c.mu.Lock()
		c.hostUAs[strings.ToLower(req.URL.Hostname())] = cl.UserAgent
		c.mu.Unlock()
		req.Header.Set("User-Agent", cl.UserAgent)
		setClientHints(req.Header, cl.UserAgent, true)
	}
	if req.GetBody != nil {
		if body, err := req.GetBody(); err == nil {
			req.Body = body
		}
	}
}

// solverPage answers the page as the solver saw it.
func solverPage(req *http.Request, cl Clearance) *http.Response {
	status := cl.Status
	if status == 0 {
		status = http.StatusOK
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": []string{"text/html; charset=utf-8"}},
		Body:          io.NopCloser(bytes.NewReader(cl.Body)),
		ContentLength: int64(len(cl.Body)),
		Request:       req,
	}
}
