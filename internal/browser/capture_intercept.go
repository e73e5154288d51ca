package browser

import (
	"context"
	"net/http"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// pausedMedia is a video element's response held at its headers.
type pausedMedia struct {
	ev      *fetch.EventRequestPaused
	session int
}

// interceptMedia pauses every media element response at its headers, so
// the page shows which stream it plays without the browser downloading
// the stream: the one taken is failed before its body is read.
func interceptMedia() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
			{ResourceType: network.ResourceTypeMedia, RequestStage: fetch.RequestStageResponse},
		}})
		return err
	})
}

// notePaused queues a paused response for the capture's handler; the
// listener must not block, and a full queue cannot happen with the few
// media requests a page makes (the request would then time out).
func (w *watcher) notePaused(ev *fetch.EventRequestPaused, s int) {
	w.mu.Lock()
	if ev.NetworkID != "" {
		w.intercepted[ev.NetworkID] = true
	}
	w.mu.Unlock()
	select {
	case w.paused <- pausedMedia{ev: ev, session: s}:
	default:
	}
}

// handlePaused judges paused media responses until ctx ends: the first
// acceptable one becomes a candidate and is failed in the browser (it
// never downloads the stream); refused ones (bait, ads, tiny pre-rolls)
// continue, so the page's player moves on to the real video.
func (c *captureRun) handlePaused(ctx context.Context) {
	for {
		var p pausedMedia
		select {
		case <-ctx.Done():
			return
		case p = <-c.w.paused:
		}
		ev := p.ev
		if ev.Request == nil {
			continue
		}
		rh := http.Header{}
		for _, h := range ev.ResponseHeaders {
			rh.Add(h.Name, h.Value)
		}
		req := &request{url: ev.Request.URL, headers: toHeader(ev.Request.Headers), session: p.session}
		c.w.mu.Lock()
		if r := c.w.reqs[ev.NetworkID]; r != nil {
			req.frameURL = r.frameURL
		}
		if h, ok := c.w.sent[ev.NetworkID]; ok {
			req.sent = h
		}
		c.w.mu.Unlock()
		cand := candidate{kind: mediaKind(req.url, rh.Get("Content-Type")), size: mediaSize(rh), req: req}
		sess := c.session(p.session)
		ok := cand.kind != "" && (ev.ResponseStatusCode == 200 || ev.ResponseStatusCode == 206)
		why := ""
		if ok {
			why = c.refuse(cand)
		}
		if ok && why == "" {
			c.w.mu.Lock()
			c.w.taken = append(c.w.taken, cand)
			c.w.mu.Unlock()
			_ = chromedp.Do(sess, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := cdp.Call(ctx, t, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonAborted})
				return err
			}))
			continue
		}
		if why != "" {
			c.note(why)
		}
		_ = chromedp.Do(sess, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, fetch.ContinueResponse, fetch.ContinueResponseParams{RequestID: ev.RequestID})
			return err
		}))
	}
}
