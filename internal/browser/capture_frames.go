package browser

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// resourceEntry is one entry of a frame's resource timing.
type resourceEntry struct {
	URL  string `json:"url"`
	Type string `json:"type"`
}

const resourcesJS = `({href: location.href, entries: performance.getEntriesByType("resource").map(e => ({url: e.name, type: e.initiatorType}))})`

// sweepFrame looks at what an iframe requested before the capture could
// attach to it (its network events start only then): media URLs in its
// resource timing become candidates with the headers a browser sends for
// them (the frame's UA and Referer, the cookies are added from the
// browser's store when taken).
func (c *captureRun) sweepFrame(fctx context.Context, s int) {
	type frameResources struct {
		Href    string          `json:"href"`
		Entries []resourceEntry `json:"entries"`
	}
	res, err := chromedp.Run(fctx, chromedp.Evaluate[frameResources](resourcesJS))
	if err != nil {
		return
	}
	for _, e := range res.Entries {
		kind := mediaKind(e.URL, "")
		if kind == "" {
			continue
		}
		h := http.Header{}
		h.Set("User-Agent", c.ua)
		if ref := referrer(res.Href, e.URL); ref != "" {
			h.Set("Referer", ref)
		}
		if e.Type == "fetch" || e.Type == "xmlhttprequest" {
			if fu, err := url.Parse(res.Href); err == nil && !sameOrigin(res.Href, e.URL) {
				h.Set("Origin", fu.Scheme+"://"+fu.Host)
			}
		}
		c.w.mu.Lock()
		c.w.candidates = append(c.w.candidates, candidate{kind: kind, size: -1, swept: true, found: time.Now(),
			req: &request{url: e.URL, headers: h, frameURL: res.Href, session: s}})
		c.w.mu.Unlock()
	}
}

// referrer is the Referer Chromium's default policy
// (strict-origin-when-cross-origin) sends from page to target.
func referrer(page, target string) string {
	pu, err := url.Parse(page)
	if err != nil || pu.Host == "" {
		return ""
	}
	if sameOrigin(page, target) {
		pu.Fragment = ""
		return pu.String()
	}
	return pu.Scheme + "://" + pu.Host + "/"
}

func sameOrigin(a, b string) bool {
	au, err1 := url.Parse(a)
	bu, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && au.Scheme == bu.Scheme && au.Host == bu.Host
}

// playlistDuration sums an HLS media playlist's segment durations from the
// body the browser received. A master playlist, or a body the browser no
// longer holds, answers false.
func (c *captureRun) playlistDuration(cand candidate) (time.Duration, bool) {
	if cand.id == "" {
		return 0, false
	}
	body, err := chromedp.Run(c.session(cand.req.session), responseBody(cand.id))
	if err != nil {
		return 0, false
	}
	return hlsDuration(body)
}

// hlsDuration sums #EXTINF of a media playlist; false for a master
// playlist or no segments.
func hlsDuration(body string) (time.Duration, bool) {
	var total float64
	n := 0
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#EXT-X-STREAM-INF") {
			return 0, false
		}
		if rest, ok := strings.CutPrefix(line, "#EXTINF:"); ok {
			v, _, _ := strings.Cut(rest, ",")
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 {
				total += f
				n++
			}
		}
	}
	if n == 0 {
		return 0, false
	}
	return time.Duration(total * float64(time.Second)), true
}

// responseBody reads a response body the browser holds.
func responseBody(id network.RequestID) chromedp.Action[string] {
	return func(ctx context.Context, t *chromedp.Target) (string, error) {
		res, err := cdp.Call(ctx, t, network.GetResponseBody, network.GetResponseBodyParams{RequestID: id})
		if err != nil {
			return "", err
		}
		return string(res.Body), nil
	}
}
