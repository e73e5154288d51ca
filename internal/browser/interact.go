package browser

import (
	"context"

	"github.com/chromedp/chromedp"
)

// clickTarget is one element worth a click, by its centre in the top
// frame's viewport.
type clickTarget struct {
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	What string  `json:"what"`
}

// nextClickJS finds what stands between the viewer and playback, in order:
// a consent or cookie banner's accept button, a play button or overlay, a
// video element, an iframe (a player from another origin). It marks what
// it returns so the next round picks the next thing (an iframe may be
// clicked twice: once for its own overlay, once to start playback). It
// answers null when nothing is left.
const nextClickJS = `(() => {
  const visible = (e) => {
    const r = e.getBoundingClientRect();
    if (r.width < 8 || r.height < 8 || r.bottom < 0 || r.right < 0 || r.top > innerHeight || r.left > innerWidth) return false;
    const s = getComputedStyle(e);
    return s.visibility !== "hidden" && s.display !== "none" && +s.opacity > 0.05;
  };
  const used = (e, max) => (+(e.dataset.awClicked || 0)) >= max;
  const centre = (e, what) => {
    e.dataset.awClicked = String(+(e.dataset.awClicked || 0) + 1);
    const r = e.getBoundingClientRect();
    const x = Math.max(1, Math.min(innerWidth - 1, r.left + r.width / 2));
    const y = Math.max(1, Math.min(innerHeight - 1, r.top + r.height / 2));
    return {x, y, what};
  };
  const accept = /^(accept|accept all|agree|i agree|allow all|ok|okay|got it|continue|akzeptieren|alle akzeptieren|zustimmen|einverstanden|verstanden|alle erlauben)\b/i;
  for (const e of document.querySelectorAll("button, a, [role=button], input[type=button], input[type=submit], div[onclick], span[onclick]")) {
    const text = (e.innerText || e.value || e.getAttribute("aria-label") || "").trim();
    if (text.length <= 40 && accept.test(text) && visible(e) && !used(e, 1)) return centre(e, "consent: " + text);
  }
  const play = [".vjs-big-play-button", ".jw-display-icon-display", ".jw-icon-playback", ".plyr__control--overlaid",
    "[aria-label*=play i]", "[title*=play i]", "[class*=play-button i]", "[class*=play_button i]", "[class*=playbtn i]",
    "[id*=play i]", "[class*=overlay i]", "[class*=play i]"];
  for (const sel of play) {
    for (const e of document.querySelectorAll(sel)) {
      if (e.tagName === "VIDEO" || e.tagName === "IFRAME" || e === document.body) continue;
      if (visible(e) && !used(e, 1)) return centre(e, "play: " + sel);
    }
  }
  for (const e of document.querySelectorAll("video")) {
    if (visible(e) && !used(e, 1)) return centre(e, "video");
  }
  const frames = [...document.querySelectorAll("iframe")].filter((e) => visible(e) && !used(e, 2));
  frames.sort((a, b) => b.clientWidth * b.clientHeight - a.clientWidth * a.clientHeight);
  if (frames.length) return centre(frames[0], "iframe");
  return null;
})()`

// playJS starts every video of a document muted and clicks, by script,
// the play controls of a frame the top frame cannot click into by
// coordinates it knows.
const playJS = `(() => {
  for (const v of document.querySelectorAll("video")) {
    v.muted = true;
    if (v.paused) { const p = v.play(); if (p && p.catch) p.catch(() => {}); }
  }
  if (window !== window.top) {
    for (const e of document.querySelectorAll(".vjs-big-play-button, [aria-label*=play i], [class*=play i], [id*=play i], [class*=overlay i]")) {
      if (!e.dataset.awClicked && e.tagName !== "VIDEO") { e.dataset.awClicked = "1"; e.click(); break; }
    }
  }
  return true;
})()`

// clickNext clicks the next obstacle in the top frame with a real mouse
// click (a trusted user gesture). It reports what it clicked, "" when
// nothing was left.
func clickNext(ctx context.Context) (string, error) {
	t, err := chromedp.Run(ctx, chromedp.Evaluate[*clickTarget](nextClickJS))
	if err != nil || t == nil {
		return "", err
	}
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(t.X, t.Y)); err != nil {
		return "", err
	}
	return t.What, nil
}

// startPlayback runs playJS in a frame, ignoring a frame that navigates.
func startPlayback(ctx context.Context) {
	_, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](playJS))
}
