package httpclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// FlareSolverr is a Solver backed by a FlareSolverr v1 endpoint. It passes
// Cloudflare's "Just a moment" interstitial but not Turnstile widgets, so it
// comes after the Chromium solver.
type FlareSolverr struct {
	endpoint string
	timeout  time.Duration
	hc       *http.Client
}

// NewFlareSolverr talks to endpoint (http://host:8191/v1); timeout is the
// maxTimeout FlareSolverr gets per page (default 60s).
func NewFlareSolverr(endpoint string, timeout time.Duration) *FlareSolverr {
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	return &FlareSolverr{endpoint: endpoint, timeout: timeout, hc: &http.Client{Timeout: timeout + 15*time.Second}}
}

// Name is "flaresolverr".
func (f *FlareSolverr) Name() string { return "flaresolverr" }

type fsCookie struct {
	Name     string  `json:"name"`
	Value    string  `json:"value"`
	Domain   string  `json:"domain"`
	Path     string  `json:"path"`
	Expires  float64 `json:"expires"`
	HTTPOnly bool    `json:"httpOnly"`
	Secure   bool    `json:"secure"`
}

type fsSolution struct {
	URL       string     `json:"url"`
	Status    int        `json:"status"`
	Response  string     `json:"response"`
	Cookies   []fsCookie `json:"cookies"`
	UserAgent string     `json:"userAgent"`
}

// Solve asks FlareSolverr to open req.URL and answers its cookies,
// User-Agent and the page it saw.
func (f *FlareSolverr) Solve(ctx context.Context, req SolveRequest) (Clearance, error) {
	sol, err := f.request(ctx, req)
	if err != nil {
		return Clearance{}, err
	}
	cl := Clearance{UserAgent: sol.UserAgent, Status: sol.Status, Body: []byte(sol.Response)}
	for _, ck := range sol.Cookies {
		hc := &http.Cookie{Name: ck.Name, Value: ck.Value, Path: ck.Path, HttpOnly: ck.HTTPOnly, Secure: ck.Secure}
		if ck.Expires > 0 {
			hc.Expires = time.Unix(int64(ck.Expires), 0)
			if cl.Expires.IsZero() || hc.Expires.Before(cl.Expires) {
				cl.Expires = hc.Expires
			}
		}
		cl.Cookies = append(cl.Cookies, hc)
	}
	return cl, nil
}

func (f *FlareSolverr) request(ctx context.Context, sr SolveRequest) (fsSolution, error) {
	body := map[string]any{
		"cmd":        "request.get",
		"url":        sr.URL,
		"maxTimeout": f.timeout.Milliseconds(),
	}
	if len(sr.Cookies) > 0 {
		var cs []map[string]string
		for _, c := range sr.Cookies {
			cs = append(cs, map[string]string{"name": c.Name, "value": c.Value})
		}
		body["cookies"] = cs
	}
	payload, _ := json.Marshal(body)
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
	if out.Solution.Response == "" && len(out.Solution.Cookies) == 0 {
		return fsSolution{}, errors.New("empty solution")
	}
	return out.Solution, nil
}
