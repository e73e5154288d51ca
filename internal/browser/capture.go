package browser

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/aniworld/aniworld/internal/anime"
)

// captureTick is how often a capture looks at what the page requested and
// makes its next move (a click, a play() call).
const captureTick = 250 * time.Millisecond

// maxClicks bounds the clicks of one capture (consent, overlays, frames).
const maxClicks = 8

// CaptureRequest is one embed page to play.
type CaptureRequest struct {
	URL       string
	UserAgent string
	Cookies   []*http.Cookie
	Referer   string
	// Skip reports media URLs that must never be taken (known bait
	// samples); the capture keeps watching for the next request.
	Skip func(mediaURL string) bool
	// ExpectedDuration, when known, rejects HLS media playlists whose
	// total duration is below a third or above three times it.
	ExpectedDuration time.Duration
	// MinBytes is the smallest progressive video taken
	// (DefaultMinMediaBytes when zero).
	MinBytes int64
}

// Media is a stream the browser found, with what the download engine must
// send to fetch it without the browser.
type Media struct {
	URL  string
	Kind string // MediaHLS or MediaMP4
	// Headers are the request headers the browser sent for the URL
	// (User-Agent, Referer, Origin, Cookie, the player's own headers),
	// without range, transport and Sec-* fetch metadata headers.
	Headers http.Header
	// Cookies are the browser's cookies for the URL.
	Cookies []*http.Cookie
	// Frame is the document that requested it (the embed or an iframe).
	Frame string
	// BrowserBytes is how many media body bytes (playlists, videos,
	// segments) the browser received while looking: video responses are
	// held at their headers and cancelled, so the stream itself is left to
	// the download engine.
	BrowserBytes int64
}

// Capture opens an embed page with the request's User-Agent, cookies and
// Referer, dismisses what stands in the way (consent banners, play
// overlays, the player's click-to-start), starts playback muted and
// returns the first HLS playlist or progressive video the page or any of
// its iframes requests, skipping bait (req.Skip), ad networks, tiny files
// and playlists of the wrong length. Errors wrap ErrUnavailable or
// ErrTimeout ("no stream within …", naming what was seen and refused).
func (b *Browser) Capture(ctx context.Context, req CaptureRequest) (Media, error) {
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Media{}, fmt.Errorf("browser capture: bad url %q: %w", req.URL, anime.ErrInvalid)
	}
	if b.missing != nil {
		return Media{}, b.missing
	}
	host := u.Hostname()
	at := b.clock.Now()
	_ = b.stats.take(host, KindCapture, 0, at) // captures are bounded by tabs and time, not by count
	start := time.Now()
	m, err := b.capture(ctx, req, u)
	b.stats.done(host, KindCapture, at, time.Since(start), err)
	if err != nil {
		b.log.Warn("browser capture failed", "host", host, "error", err)
	} else {
		b.log.Info("browser captured stream", "host", host, "kind", m.Kind, "duration", time.Since(start).Round(time.Millisecond),
			"browser_media_bytes", m.BrowserBytes)
	}
	return m, err
}

func (b *Browser) capture(ctx context.Context, req CaptureRequest, u *url.URL) (Media, error) {
	w := newWatcher()
	// The listener is on the tab from its start, so no event of the page
	// is missed; iframes of other origins announce themselves through it.
	t, err := b.open(ctx, b.opts.Headed, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*target.EventAttachedToTarget); ok && e.TargetInfo != nil && e.TargetInfo.Type == "iframe" {
			w.noteIframe(string(e.TargetInfo.TargetID))
			return
		}
		w.listener(0)(ev)
	}))
	if err != nil {
		return Media{}, err
	}
	defer t.release()
	tctx := t.ctx
	if err := chromedp.Do(tctx); err != nil {
		return Media{}, fmt.Errorf("browser: open tab: %w", err)
	}
	wctx, cancel := context.WithTimeout(tctx, b.opts.CaptureTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()

	c := &captureRun{b: b, req: req, w: w, top: wctx, ua: req.UserAgent}
	if c.ua == "" {
		c.ua = b.opts.UserAgent
	}
	defer c.detachFrames()
	if err := chromedp.Do(wctx, setUserAgent(c.ua), interceptMedia()); err != nil {
		return Media{}, c.fail(ctx, wctx, u, fmt.Errorf("prepare tab: %w", err))
	}
	var handler sync.WaitGroup
	handler.Add(1)
	go func() {
		defer handler.Done()
		c.handlePaused(wctx)
	}()
	defer handler.Wait()
	defer cancel() // the handler ends before the tab closes
	if err := chromedp.Do(wctx, setCookies(req.Cookies, u), navigate(u.String(), req.Referer)); err != nil {
		return Media{}, c.fail(ctx, wctx, u, fmt.Errorf("open page: %w", err))
	}
	m, err := c.loop()
	if err != nil {
		return Media{}, c.fail(ctx, wctx, u, err)
	}
	w.mu.Lock()
	m.BrowserBytes = w.mediaBytes
	w.mu.Unlock()
	return m, nil
}

// captureRun is the state of one capture.
type captureRun struct {
	b      *Browser
	req    CaptureRequest
	w      *watcher
	top    context.Context
	ua     string
	fmu    sync.Mutex
	frames []context.Context // attached iframes, index+1 = session number
	cancel []context.CancelFunc
	clicks int
	seen   map[string]int // refusal reason -> count
	mu     sync.Mutex
}

// loop watches, judges and interacts until a stream is found.
func (c *captureRun) loop() (Media, error) {
	tick := time.NewTicker(captureTick)
	defer tick.Stop()
	for {
		c.attachFrames()
		if m, ok := c.judge(); ok {
			return m, nil
		}
		c.interact()
		select {
		case <-c.top.Done():
			return Media{}, c.top.Err()
		case <-tick.C:
		}
	}
}

// attachFrames attaches to iframes from other origins (their own
// processes), so their requests are seen and their videos started.
func (c *captureRun) attachFrames() {
	for _, id := range c.w.takeIframes() {
		c.fmu.Lock()
		s := len(c.frames) + 1
		c.fmu.Unlock()
		fctx, cancel := chromedp.NewContext(c.top, chromedp.WithTargetID(target.ID(id)), chromedp.WithDetachOnCancel(),
			chromedp.WithListener(c.w.listener(s)))
		if err := chromedp.Do(fctx, setUserAgent(c.ua), interceptMedia()); err != nil {
			cancel()
			continue // the frame went away
		}
		c.fmu.Lock()
		c.frames = append(c.frames, fctx)
		c.cancel = append(c.cancel, cancel)
		c.fmu.Unlock()
		c.sweepFrame(fctx, s)
	}
}

func (c *captureRun) detachFrames() {
	c.fmu.Lock()
	defer c.fmu.Unlock()
	for _, cancel := range c.cancel {
		cancel()
	}
}

// interact makes one move: start videos everywhere, and click the next
// obstacle in the top frame.
func (c *captureRun) interact() {
	ready, err := chromedp.Run(c.top, chromedp.Evaluate[string]("document.readyState"))
	if err != nil || ready == "loading" {
		return
	}
	startPlayback(c.top)
	c.fmu.Lock()
	frames := append([]context.Context(nil), c.frames...)
	c.fmu.Unlock()
	for _, f := range frames {
		startPlayback(f)
	}
	if c.clicks < maxClicks {
		if what, err := clickNext(c.top); err == nil && what != "" {
			c.clicks++
			c.b.log.Debug("browser capture clicked", "what", what)
		}
	}
}

// judge takes the first acceptable candidate, remembering why others were
// refused. Candidates from network events come first; one swept from an
// iframe's resource timing is taken only after sweepGrace without them.
func (c *captureRun) judge() (Media, bool) {
	var later []candidate
	for _, cand := range c.w.takeCandidates() {
		if cand.swept && time.Since(cand.found) < sweepGrace {
			later = append(later, cand)
			continue
		}
		if why := c.refuse(cand); why != "" {
			if !cand.swept {
				c.note(why)
			}
			continue
		}
		return c.media(cand), true
	}
	c.w.mu.Lock()
	c.w.candidates = append(later, c.w.candidates...)
	c.w.mu.Unlock()
	return Media{}, false
}

// refuse answers why a candidate is not the episode ("" when it is).
func (c *captureRun) refuse(cand candidate) string {
	u, err := url.Parse(cand.req.url)
	if err != nil {
		return "bad url"
	}
	switch {
	case c.req.Skip != nil && c.req.Skip(cand.req.url):
		return "bait"
	case isAdHost(u.Hostname()):
		return "ad"
	case cand.kind == MediaMP4 && cand.size >= 0 && cand.size < c.minBytes():
		return "tiny"
	case cand.kind == MediaHLS && c.req.ExpectedDuration > 0:
		if d, ok := c.playlistDuration(cand); ok && (d < c.req.ExpectedDuration/3 || d > c.req.ExpectedDuration*3) {
			return "duration"
		}
	}
	return ""
}

func (c *captureRun) minBytes() int64 {
	if c.req.MinBytes > 0 {
		return c.req.MinBytes
	}
	return DefaultMinMediaBytes
}

func (c *captureRun) note(why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[string]int{}
	}
	c.seen[why]++
}

// session returns the context of session s (0 the page).
func (c *captureRun) session(s int) context.Context {
	c.fmu.Lock()
	defer c.fmu.Unlock()
	if s > 0 && s <= len(c.frames) {
		return c.frames[s-1]
	}
	return c.top
}

// media builds the result: the headers the browser sent, and its cookies.
func (c *captureRun) media(cand candidate) Media {
	m := Media{URL: cand.req.url, Kind: cand.kind, Headers: downloadHeaders(cand.req), Frame: cand.req.frameURL}
	if cs, err := chromedp.Run(c.session(cand.req.session), getCookies([]string{m.URL})); err == nil {
		for _, ck := range cs {
			m.Cookies = append(m.Cookies, httpCookie(ck))
		}
	}
	if m.Headers.Get("Cookie") == "" && len(m.Cookies) > 0 {
		parts := make([]string, len(m.Cookies))
		for i, ck := range m.Cookies {
			parts[i] = ck.Name + "=" + ck.Value
		}
		m.Headers.Set("Cookie", strings.Join(parts, "; "))
	}
	if m.Headers.Get("User-Agent") == "" {
		m.Headers.Set("User-Agent", c.ua)
	}
	return m
}

// fail explains a capture that found nothing.
func (c *captureRun) fail(caller, wctx context.Context, u *url.URL, err error) error {
	switch {
	case caller.Err() != nil:
		return fmt.Errorf("browser capture %s: %w", u.Host, caller.Err())
	case wctx.Err() != nil || errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("browser capture %s: %w: no stream within %s (%s)", u.Host, ErrTimeout, c.b.opts.CaptureTimeout, c.summary())
	}
	return fmt.Errorf("browser capture %s: %w", u.Host, err)
}

// summary says what the page did: clicks and refused media.
func (c *captureRun) summary() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fmu.Lock()
	parts := []string{fmt.Sprintf("%d clicks, %d iframes", c.clicks, len(c.frames))}
	c.fmu.Unlock()
	for _, why := range []string{"bait", "ad", "tiny", "duration", "bad url"} {
		if n := c.seen[why]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s refused", n, why))
		}
	}
	return strings.Join(parts, ", ")
}
