package serienstream

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/PuerkitoBio/goquery"

	"github.com/aniworld/aniworld/internal/httpclient"
)

// WidgetSolver is an httpclient.Solver for tests without a browser: it does
// what a browser does on the fake's gate once the widget has run — open
// the gate page with the session's cookies, take the token the test
// sitekey always yields, POST the gate's form, and hand back the cookies
// the site set (the clearance). It only passes this fake's gates.
type WidgetSolver struct {
	// Client sends the two requests; a plain client when nil.
	Client *http.Client
	calls  atomic.Int32
}

var _ httpclient.Solver = (*WidgetSolver)(nil)

// Name is "widget-stub".
func (s *WidgetSolver) Name() string { return "widget-stub" }

// Calls counts Solve calls.
func (s *WidgetSolver) Calls() int { return int(s.calls.Load()) }

// Solve passes the gate at req.URL.
func (s *WidgetSolver) Solve(ctx context.Context, req httpclient.SolveRequest) (httpclient.Clearance, error) {
	s.calls.Add(1)
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if s.Client != nil {
		cp := *s.Client
		cp.CheckRedirect = hc.CheckRedirect
		hc = &cp
	}
	get, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
	if err != nil {
		return httpclient.Clearance{}, err
	}
	s.decorate(get, req)
	resp, err := hc.Do(get)
	if err != nil {
		return httpclient.Clearance{}, err
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return httpclient.Clearance{}, err
	}
	form := doc.Find("form#gate-form")
	if form.Length() == 0 {
		return httpclient.Clearance{}, fmt.Errorf("no gate form at %s (status %d)", get.URL.Path, resp.StatusCode)
	}
	field, token := "cf-turnstile-response", TurnstileTestToken
	if doc.Find("altcha-widget").Length() > 0 {
		field, token = "altcha", AltchaTestPayload
	}
	action, _ := form.Attr("action")
	target, err := get.URL.Parse(action)
	if err != nil {
		return httpclient.Clearance{}, err
	}
	vals := url.Values{field: {token}}
	form.Find("input[type=hidden]").Each(func(_ int, in *goquery.Selection) {
		n, _ := in.Attr("name")
		v, _ := in.Attr("value")
		vals.Set(n, v)
	})
	post, err := http.NewRequestWithContext(ctx, http.MethodPost, target.String(), strings.NewReader(vals.Encode()))
	if err != nil {
		return httpclient.Clearance{}, err
	}
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	s.decorate(post, req)
	resp, err = hc.Do(post)
	if err != nil {
		return httpclient.Clearance{}, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		return httpclient.Clearance{}, fmt.Errorf("gate refused the token (status %d)", resp.StatusCode)
	}
	jar := map[string]*http.Cookie{}
	for _, c := range req.Cookies {
		jar[c.Name] = c
	}
	for _, c := range resp.Cookies() {
		jar[c.Name] = c
	}
	out := httpclient.Clearance{UserAgent: req.UserAgent}
	for _, c := range jar {
		out.Cookies = append(out.Cookies, c)
	}
	return out, nil
}

func (s *WidgetSolver) decorate(r *http.Request, req httpclient.SolveRequest) {
	if req.UserAgent != "" {
		r.Header.Set("User-Agent", req.UserAgent)
	}
	if req.Referer != "" {
		r.Header.Set("Referer", req.Referer)
	}
	for _, c := range req.Cookies {
		r.AddCookie(c)
	}
}
