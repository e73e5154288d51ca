// Package browser owns the one Chromium process of the program, driven over
// the DevTools protocol with chromedp. It solves anti-bot challenges
// (Solve: the clearance cookies and the exact User-Agent for the HTTP
// client) and plays embeds whose extractor failed (Capture: the media URL
// and the headers the browser sent for it, so the download engine fetches
// it without the browser).
//
// The browser is optional: without Chromium every call fails with an error
// wrapping ErrUnavailable that says what to install. It is started on
// demand, at most one process, in Chromium's new headless mode (or headed
// under Xvfb), with a bounded number of tabs, and closed when idle. See
// README.md.
package browser

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// Defaults of Options.
const (
	DefaultSolveTimeout         = 60 * time.Second
	DefaultCaptureTimeout       = 45 * time.Second
	DefaultMaxSolvesPerHostHour = 6
	DefaultMaxTabs              = 2
	DefaultIdleTimeout          = 2 * time.Minute
	startTimeout                = 30 * time.Second
)

// Options configures a Browser. The zero value is Auto with the defaults.
type Options struct {
	Enabled Enabled
	// Path is the Chromium executable; empty means look on PATH
	// (Candidates).
	Path string
	// Headed always runs the browser with a window on an Xvfb display.
	Headed bool
	// HeadedFallback retries a challenge that the headless browser did not
	// pass within the time limit once more headed under Xvfb (when Xvfb is
	// installed), and solves that host headed from then on.
	HeadedFallback bool
	// XvfbPath is the Xvfb executable; empty means look on PATH.
	XvfbPath string
	// SolveTimeout bounds one challenge solve (one attempt).
	SolveTimeout time.Duration
	// CaptureTimeout bounds one embed capture.
	CaptureTimeout time.Duration
	// MaxSolvesPerHostHour bounds solve attempts per host in any hour.
	MaxSolvesPerHostHour int
	// MaxTabs bounds concurrently open tabs; further callers wait.
	MaxTabs int
	// IdleTimeout closes the browser after this long without an open tab.
	IdleTimeout time.Duration
	// UserAgent is the browser-wide User-Agent (the HTTP client's), used
	// by every frame of a page; a request's own UA overrides it per tab.
	UserAgent string
	// TrustedSPKI are base64 SHA-256 hashes of certificate public keys
	// (SPKIHash) whose certificates Chromium accepts although no system
	// root vouches for them: exactly those keys, no blanket ignore. For
	// servers with a private CA (the tests' TLS fakes).
	TrustedSPKI []string
	Clock       Clock
	Logger      *slog.Logger
	// LookPath finds executables (exec.LookPath); tests replace it.
	LookPath func(string) (string, error)
}

// Browser is the shared browser. It is safe for concurrent use.
type Browser struct {
	opts     Options
	log      *slog.Logger
	clock    Clock
	exe      string
	missing  error  // why no browser can run (nil when one can)
	reason   string // missing without filesystem paths
	xvfbPath string
	tabs     chan struct{}

	mu       sync.Mutex // guards the process fields below
	proc     *process
	active   int
	idleGen  uint64
	idle     Timer
	released chan struct{} // closed and replaced on every tab release
	closed   bool
	starts   int

	stats *stats
}

// New builds a Browser; it starts nothing. Find out whether a browser can
// run with Status or Available.
func New(o Options) *Browser {
	if o.Enabled == "" {
		o.Enabled = Auto
	}
	if o.SolveTimeout <= 0 {
		o.SolveTimeout = DefaultSolveTimeout
	}
	if o.CaptureTimeout <= 0 {
		o.CaptureTimeout = DefaultCaptureTimeout
	}
	if o.MaxSolvesPerHostHour <= 0 {
		o.MaxSolvesPerHostHour = DefaultMaxSolvesPerHostHour
	}
	if o.MaxTabs <= 0 {
		o.MaxTabs = DefaultMaxTabs
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.Clock == nil {
		o.Clock = RealClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.LookPath == nil {
		o.LookPath = defaultLookPath
	}
	b := &Browser{
		opts: o, log: o.Logger, clock: o.Clock,
		tabs:     make(chan struct{}, o.MaxTabs),
		released: make(chan struct{}),
		stats:    newStats(),
	}
	if o.Enabled == Off {
		b.reason = "the browser is switched off (download.browser.enabled = off)"
		b.missing = fmt.Errorf("%w: %s", ErrUnavailable, b.reason)
	} else {
		b.exe, b.reason, b.missing = locate(o.Path, o.LookPath)
	}
	b.xvfbPath = findXvfb(o.XvfbPath, o.LookPath)
	return b
}

// Available is nil when a browser can be started, else an error wrapping
// ErrUnavailable that says what is missing.
func (b *Browser) Available() error { return b.missing }

// process is one running Chromium.
type process struct {
	ctx         context.Context // the browser's first tab; new tabs derive from it
	cancelTab   context.CancelFunc
	cancelAlloc context.CancelFunc
	dir         string
	headed      bool
	display     *xvfb
}

// tab is one open page, released exactly once.
type tab struct {
	ctx     context.Context
	release func()
}

// open returns a new tab in a browser of the wanted mode, starting one
// when none runs. It waits for a free tab slot (MaxTabs) and, when the
// running browser has the other mode, for its tabs to close.
func (b *Browser) open(ctx context.Context, headed bool, opts ...chromedp.ContextOption) (*tab, error) {
	if b.missing != nil {
		return nil, b.missing
	}
	select {
	case b.tabs <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for a browser tab: %w", ctx.Err())
	}
	p, err := b.claim(ctx, headed)
	if err != nil {
		<-b.tabs
		return nil, err
	}
	tctx, cancel := chromedp.NewContext(p.ctx, opts...)
	var once sync.Once
	return &tab{ctx: tctx, release: func() {
		once.Do(func() {
			cancel()
			b.unclaim()
			<-b.tabs
		})
	}}, nil
}

// claim makes sure a process of the wanted mode runs and counts one more
// open tab on it.
func (b *Browser) claim(ctx context.Context, headed bool) (*process, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for {
		if b.closed {
			return nil, fmt.Errorf("%w: the browser is shut down", ErrUnavailable)
		}
		if b.proc != nil && b.proc.headed != headed {
			if b.active > 0 {
				wait := b.released
				b.mu.Unlock()
				select {
				case <-wait:
				case <-ctx.Done():
					b.mu.Lock()
					return nil, fmt.Errorf("wait for the browser to switch mode: %w", ctx.Err())
				}
				b.mu.Lock()
				continue
			}
			b.stopLocked("mode switch")
		}
		break
	}
	if b.proc == nil {
		p, err := b.start(headed)
		if err != nil {
			return nil, err
		}
		b.proc = p
		b.starts++
	}
	b.active++
	b.idleGen++ // a pending idle close no longer applies
	if b.idle != nil {
		b.idle.Stop()
		b.idle = nil
	}
	b.snapshotLocked()
	return b.proc, nil
}

// unclaim counts a closed tab and arms the idle close after the last one.
func (b *Browser) unclaim() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.active--
	close(b.released)
	b.released = make(chan struct{})
	if b.active == 0 && b.proc != nil && !b.closed {
		b.idleGen++
		gen := b.idleGen
		b.idle = b.clock.AfterFunc(b.opts.IdleTimeout, func() { b.closeIdle(gen) })
	}
	b.snapshotLocked()
}

// snapshotLocked copies the process state into the stats; b.mu is held.
func (b *Browser) snapshotLocked() {
	b.stats.setProcess(b.proc != nil, b.proc != nil && b.proc.headed, b.active, b.starts)
}

// closeIdle stops the browser when no tab was opened since the idle timer
// for generation gen was armed.
func (b *Browser) closeIdle(gen uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if gen != b.idleGen || b.active > 0 || b.proc == nil {
		return
	}
	b.stopLocked("idle")
}

// Close stops the browser and refuses further work. Calls in flight fail.
func (b *Browser) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	if b.idle != nil {
		b.idle.Stop()
		b.idle = nil
	}
	if b.proc != nil {
		b.stopLocked("shutdown")
	}
	return nil
}

// start launches Chromium with a fresh profile directory.
func (b *Browser) start(headed bool) (*process, error) {
	dir, err := os.MkdirTemp("", "aniworld-chromium-")
	if err != nil {
		return nil, fmt.Errorf("browser profile dir: %w", err)
	}
	p := &process{dir: dir, headed: headed}
	opts := b.flags(dir, headed)
	if headed {
		x, err := startXvfb(b.xvfbPath)
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		p.display = x
		opts = append(opts, chromedp.Env("DISPLAY="+x.display))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelTab := chromedp.NewContext(actx)
	p.ctx, p.cancelTab, p.cancelAlloc = bctx, cancelTab, cancelAlloc
	// The first Do starts the browser. It must not carry a deadline (that
	// would end the browser with it), so the start is bounded from outside.
	errc := make(chan error, 1)
	go func() { errc <- chromedp.Do(bctx) }()
	select {
	case err = <-errc:
	case <-time.After(startTimeout):
		err = fmt.Errorf("no answer within %s", startTimeout)
	}
	if err != nil {
		p.stop()
		return nil, fmt.Errorf("start chromium %s: %w", b.exe, err)
	}
	b.log.Info("browser started", "path", b.exe, "headed", headed)
	return p, nil
}

// flags are Chromium's command line for the mode.
func (b *Browser) flags(dir string, headed bool) []chromedp.ExecAllocatorOption {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(b.exe),
		chromedp.UserDataDir(dir),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints,InterestFeedContentSuggestions"),
		chromedp.Flag("disable-blink-features", "AutomationControlled"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.Flag("lang", "de-DE"),
		chromedp.WindowSize(1280, 800),
	}
	if !headed {
		opts = append(opts, chromedp.Flag("headless", "new"))
	}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.Flag("no-sandbox", true))
	}
	if b.opts.UserAgent != "" {
		opts = append(opts, chromedp.UserAgent(b.opts.UserAgent))
	}
	if len(b.opts.TrustedSPKI) > 0 { // honoured only with a user data dir, which every profile has
		opts = append(opts, chromedp.Flag("ignore-certificate-errors-spki-list", strings.Join(b.opts.TrustedSPKI, ",")))
	}
	return opts
}

// SPKIHash is the form Options.TrustedSPKI takes: base64 of the SHA-256
// of the certificate's SubjectPublicKeyInfo. Chromium matches it against
// the certificates the server sends (leaf and intermediates), not roots.
func SPKIHash(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// stopLocked ends the running process; b.mu is held.
func (b *Browser) stopLocked(why string) {
	p := b.proc
	b.proc = nil
	p.stop()
	b.snapshotLocked()
	b.log.Info("browser stopped", "reason", why)
}

// stop ends the browser and every process of its profile, then removes
// the profile.
func (p *process) stop() {
	p.cancelTab()
	p.cancelAlloc() // kills the browser and waits for it
	for i := 0; i < 50 && killProfile(p.dir) > 0; i++ {
		time.Sleep(20 * time.Millisecond) // children forked while the parent died
	}
	os.RemoveAll(p.dir)
	p.display.stop()
}
