package web_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromiumPath is Debian's chromium.
const chromiumPath = "/usr/bin/chromium"

// browser is one headless Chromium with a fresh profile, and a record of
// everything that must not happen: requests leaving 127.0.0.1 and
// console errors or uncaught exceptions.
type browser struct {
	t       testing.TB
	ctx     context.Context
	timeout time.Duration // per step

	mu       sync.Mutex
	problems []string
	allowed  []string // substrings of console errors a test expects
}

// newBrowser starts Chromium, or skips the test when it is not installed.
func newBrowser(t testing.TB, timeout time.Duration) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser tests need %s (not found: %v); install Debian's chromium package", chromiumPath, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.WindowSize(1280, 900),
	}
	b := &browser{t: t}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithListener(b.onEvent))
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	// The first Do starts the browser; it must not carry a timeout (the
	// timeout would end the browser). Each step gets its own below.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	b.ctx = ctx
	b.timeout = timeout
	return b
}

func (b *browser) onEvent(ev any) {
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		if !isLocal(e.Request.URL) {
			b.problem("request left 127.0.0.1: %s %s", e.Request.Method, e.Request.URL)
		}
	case *network.EventWebSocketCreated:
		if !isLocal(e.URL) {
			b.problem("WebSocket left 127.0.0.1: %s", e.URL)
		}
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range e.Args {
				if a.Value != nil {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			b.problem("console.%s: %s", e.Type, strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		b.problem("uncaught exception at %s:%d: %s", d.URL, d.LineNumber, msg)
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError {
			b.problem("console error (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL)
		}
	}
}

// isLocal reports whether a URL stays on this machine's loopback (or is
// in-page data).
func isLocal(raw string) bool {
	if strings.HasPrefix(raw, "data:") || strings.HasPrefix(raw, "blob:") || raw == "about:blank" {
		return true
	}
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	return u.Hostname() == "127.0.0.1"
}

// allow tolerates console errors containing s (for steps that provoke an
// error response on purpose, such as a wrong password).
func (b *browser) allow(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.allowed = append(b.allowed, s)
}

func (b *browser) problem(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, a := range b.allowed {
		if strings.Contains(msg, a) {
			return
		}
	}
	b.problems = append(b.problems, msg)
}

// checkClean fails the test for every recorded problem (once each).
func (b *browser) checkClean(step string) {
	b.t.Helper()
	b.mu.Lock()
	ps := b.problems
	b.problems = nil
	b.mu.Unlock()
	for _, p := range ps {
		b.t.Errorf("%s: %s", step, p)
	}
}

// run runs actions and fails the test with the step's name on error.
func (b *browser) run(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v (browser problems so far: %q)", step, err, b.snapshotProblems())
	}
}

func (b *browser) snapshotProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

// waitJS evaluates a JavaScript condition every 50 ms until it is true,
// bounded by the step timeout. Evaluation errors while the page navigates
// (the condition often waits for a redirect) are retried.
func (b *browser) waitJS(step, cond string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var lastErr error
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			return
		}
		if err != nil {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			b.t.Fatalf("%s: still false after %s: %s (last error: %v; browser problems so far: %q; page: %s)",
				step, b.timeout, cond, lastErr, b.snapshotProblems(), b.pageState())
		case <-tick.C:
		}
	}
}

// pageState describes the page for failure messages.
func (b *browser) pageState() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " | toasts: " +
		[...document.querySelectorAll(".toast")].map(t => t.textContent).join(" / ") + " | main: " +
		(document.querySelector("main") ? document.querySelector("main").innerText.slice(0, 600) : "")`))
	if err != nil {
		return "(unavailable: " + err.Error() + ")"
	}
	return s
}

// eval evaluates an expression and decodes its value into T.
func eval[T any](b *browser, step, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
	return v
}

// artifactsDir is <repo>/test-artifacts/ui, created on first use.
func artifactsDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "test-artifacts", "ui"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshots captures the current page at desktop and phone widths.
func (b *browser) screenshots(name string) {
	b.t.Helper()
	dir := artifactsDir(b.t)
	for _, w := range []int64{1280, 360} {
		ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
		var shot []byte
		err := chromedp.Do(ctx, viewport(w))
		if err == nil {
			shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
		}
		cancel()
		if err != nil {
			b.t.Fatalf("screenshot %s at %d px: %v", name, w, err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, w)), shot, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.run("restore viewport", chromedp.EmulateViewport(1280, 900))
	b.checkLabels(name)
}

// darkScreenshot captures the page at desktop width with
// prefers-color-scheme: dark.
func (b *browser) darkScreenshot(name string) {
	b.t.Helper()
	b.run("dark scheme", colorScheme("dark"))
	defer b.run("light scheme", colorScheme(""))
	dark := eval[bool](b, "scheme", `matchMedia("(prefers-color-scheme: dark)").matches`)
	bg := eval[string](b, "background", `getComputedStyle(document.body).backgroundColor`)
	if !dark || bg == "rgb(246, 247, 251)" {
		b.t.Errorf("%s: dark scheme not applied (matches %v, background %s)", name, dark, bg)
	}
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("dark screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(artifactsDir(b.t), name+"-dark-1280.png"), shot, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// colorScheme emulates prefers-color-scheme ("" clears it).
func colorScheme(v string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		p := emulation.SetEmulatedMediaParams{}
		if v != "" {
			p.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}}
		}
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, p)
		return err
	})
}

// checkLabels fails the test for form controls without an accessible
// name (label, aria-label, aria-labelledby, title or text).
func (b *browser) checkLabels(name string) {
	b.t.Helper()
	bad := eval[string](b, "labels "+name, `[...document.querySelectorAll("input:not([type=hidden]), select, textarea, button")]
		.filter(e => !(e.labels && e.labels.length) && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby") &&
			!e.title && !e.textContent.trim())
		.map(e => e.outerHTML.slice(0, 160)).join("\n")`)
	if bad != "" {
		b.t.Errorf("%s: controls without an accessible name:\n%s", name, bad)
	}
}

// viewport emulates a desktop window, or a phone (mobile: overlay
// scrollbars, the viewport meta tag applies) below 600 px.
func viewport(width int64) chromedp.Action[chromedp.Void] {
	if width < 600 {
		return chromedp.EmulateViewport(width, 800, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	}
	return chromedp.EmulateViewport(width, 900)
}

// noHorizontalScroll checks that the page fits a phone screen.
func (b *browser) noHorizontalScroll(name string) {
	b.t.Helper()
	b.run("phone width "+name, viewport(360))
	overflow := eval[int](b, "measure "+name, `document.documentElement.scrollWidth - document.documentElement.clientWidth`)
	b.run("restore viewport", chromedp.EmulateViewport(1280, 900))
	if overflow > 0 {
		b.t.Errorf("%s overflows a 360 px screen by %d px", name, overflow)
	}
}

// click clicks the first element matching a CSS selector (a real mouse
// event at its centre, after it is visible).
func (b *browser) click(sel string) {
	b.t.Helper()
	b.run("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// typeInto types text into the element matching sel (real key events).
func (b *browser) typeInto(sel, text string) {
	b.t.Helper()
	b.run("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// navigate loads a URL and waits for its load event.
func (b *browser) navigate(u string) {
	b.t.Helper()
	b.run("navigate "+u, chromedp.Navigate(u))
}

// clearField empties an input.
func clearField(sel string) chromedp.Action[chromedp.Void] {
	return evalVoid(`(e => { e.value = ""; e.dispatchEvent(new Event("input", {bubbles: true})); })(document.querySelector(` + jsString(sel) + `))`)
}

// setValue sets an input's value property.
func setValue(sel, v string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(sel), v)
}

// focusSel focuses an element.
func focusSel(sel string) chromedp.Action[chromedp.Void] { return chromedp.Focus(chromedp.CSS(sel)) }

// pressEnter presses Enter on the focused element (a keyboard user).
func pressEnter() chromedp.Action[chromedp.Void] { return chromedp.KeyEvent(kb.Enter) }

// evalVoid runs a statement in the page.
func evalVoid(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[chromedp.Void](expr+"; undefined")(ctx, t)
		return err
	})
}

// steps returns a runner of dependent subtests of t: a step whose
// dependencies failed is skipped with the reason, and each step runs with
// b reporting to it and ends with checkClean (console errors, failed
// requests).
func (b *browser) steps(t *testing.T) func(name string, deps []string, fn func(t *testing.T)) {
	ok := map[string]bool{}
	return func(name string, deps []string, fn func(t *testing.T)) {
		for _, d := range deps {
			if !ok[d] {
				t.Run(name, func(t *testing.T) { t.Skipf("needs %q, which failed", d) })
				return
			}
		}
		ok[name] = t.Run(name, func(t *testing.T) {
			parent := b.t
			b.t = t
			defer func() { b.t = parent }()
			defer b.checkClean(name)
			fn(t)
		})
	}
}
