// Package library is the anime library: it scans the anime directory
// (one folder per series, identified by a marker file), parses episode file
// names, reconciles what is on disk with the provider's episode lists into
// missing episodes, and stores the result in SQLite. It also owns the
// naming template the downloader writes with and the folder-name sanitiser.
// See README.md for the scanner's design.
package library

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/store"
)

// ErrScanRunning is returned by Scan while another scan runs; it wraps
// anime.ErrConflict.
var ErrScanRunning = fmt.Errorf("%w: a library scan is already running", anime.ErrConflict)

// Options configure a Service.
type Options struct {
	AnimeDir  string           // the library root; changeable with SetDirectory
	Languages []anime.Language // wanted languages, most preferred first
	// RequireWantedLanguage counts an episode on disk only in unwanted
	// languages as missing.
	RequireWantedLanguage bool
	NamingTemplate        string // DefaultNamingTemplate when empty
	Sites                 []Site // DefaultSites() when empty
	Catalog               Catalog
	// Prober, when set, reads resolution and codec of files on disk for
	// naming previews (ffprobe).
	Prober MediaProber
	// Fresh marks a context so the Catalog answers from the site rather
	// than its cache (provider.WithFreshData); Rescan and StartRescan use
	// it. Without it they scan like Scan.
	Fresh            func(context.Context) context.Context
	Publisher        event.Publisher // event.Discard{} when nil
	Logger           *slog.Logger    // slog.Default() when nil
	Store            *store.DB
	Workers          int           // folder-scanning goroutines; 4×GOMAXPROCS (8..32) when 0
	ProgressInterval time.Duration // minimum gap between scan_progress events; 250ms when 0
}

// Service is the library use case the HTTP handlers, the CLI, the
// scheduler, the queue and the metadata service call.
type Service struct {
	opts    Options
	store   *store.DB
	pub     event.Publisher
	log     *slog.Logger
	workers int

	mu  sync.Mutex // guards dir and opts.NamingTemplate
	dir string

	scanMu     sync.Mutex // guards the fields below
	scanning   bool
	scanCancel context.CancelFunc
	scanDone   chan struct{}
	closed     bool

	base     context.Context // parent of background scans; cancelled by Close
	stopBase context.CancelFunc
	wg       sync.WaitGroup
}

// New builds a Service. It validates the naming template; the anime
// directory may be empty until configured.
func New(opts Options) (*Service, error) {
	if opts.Store == nil || opts.Catalog == nil {
		return nil, fmt.Errorf("%w: library needs a store and a catalog", anime.ErrInvalid)
	}
	if opts.NamingTemplate == "" {
		opts.NamingTemplate = DefaultNamingTemplate
	}
	if err := ValidateTemplate(opts.NamingTemplate); err != nil {
		return nil, err
	}
	if len(opts.Languages) == 0 {
		opts.Languages = slices.Clone(anime.DefaultLanguageOrder)
	}
	if len(opts.Sites) == 0 {
		opts.Sites = DefaultSites()
	}
	if opts.ProgressInterval <= 0 {
		opts.ProgressInterval = 250 * time.Millisecond
	}
	s := &Service{opts: opts, store: opts.Store, pub: opts.Publisher, log: opts.Logger, dir: opts.AnimeDir}
	if s.pub == nil {
		s.pub = event.Discard{}
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.workers = opts.Workers
	if s.workers <= 0 {
		// Scanning waits on the file system far more than it computes.
		s.workers = min(max(4*runtime.GOMAXPROCS(0), 8), 32)
	}
	s.base, s.stopBase = context.WithCancel(context.Background())
	return s, nil
}

// Close cancels a running scan and waits for every background goroutine.
func (s *Service) Close() error {
	s.scanMu.Lock()
	s.closed = true
	if s.scanCancel != nil {
		s.scanCancel()
	}
	s.scanMu.Unlock()
	s.stopBase()
	s.wg.Wait()
	return nil
}

// Directory is the current anime directory.
func (s *Service) Directory() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dir
}

// Status answers the anime directory and the number of series.
func (s *Service) Status(ctx context.Context) (dir string, count int, err error) {
	count, err = s.store.CountSeries(ctx)
	return s.Directory(), count, err
}

// Scanning reports whether a scan is running.
func (s *Service) Scanning() bool {
	s.scanMu.Lock()
	defer s.scanMu.Unlock()
	return s.scanning
}

// beginScan claims the one scan slot; ok is false when a scan runs.
func (s *Service) beginScan(parent context.Context) (ctx context.Context, done func(), ok bool) {
	s.scanMu.Lock()
	defer s.scanMu.Unlock()
	if s.scanning || s.closed {
		return nil, nil, false
	}
	ctx, cancel := context.WithCancel(parent)
	stop := context.AfterFunc(s.base, cancel) // Close stops a synchronous scan too
	ch := make(chan struct{})
	s.scanning, s.scanCancel, s.scanDone = true, cancel, ch
	return ctx, func() {
		stop()
		cancel()
		s.scanMu.Lock()
		s.scanning, s.scanCancel, s.scanDone = false, nil, nil
		s.scanMu.Unlock()
		close(ch)
	}, true
}

// Scan runs a full scan now and answers its summary; progress, when not
// nil, is called after every folder. ErrScanRunning when a scan runs.
func (s *Service) Scan(ctx context.Context, progress func(event.ScanData)) (ScanSummary, error) {
	ctx, done, ok := s.beginScan(ctx)
	if !ok {
		return ScanSummary{}, ErrScanRunning
	}
	defer done()
	return s.scanNow(ctx, progress)
}

// Rescan is Scan for a user who asked for it: the provider's cache is
// bypassed (Options.Fresh), so episodes the site added since the
// last fetch show up at once instead of after the cache's lifetime.
func (s *Service) Rescan(ctx context.Context, progress func(event.ScanData)) (ScanSummary, error) {
	return s.Scan(s.fresh(ctx), progress)
}

func (s *Service) fresh(ctx context.Context) context.Context {
	if s.opts.Fresh == nil {
		return ctx
	}
	return s.opts.Fresh(ctx)
}

// StartRescan starts a user-requested full scan (fresh provider data, as
// Rescan) in the background and returns at once; false when one is
// already running. The scan outlives ctx (a request's); Close stops it.
func (s *Service) StartRescan(ctx context.Context) bool {
	scanCtx, done, ok := s.beginScan(s.fresh(context.WithoutCancel(ctx)))
	if !ok {
		return false
	}
	s.wg.Go(func() {
		defer done()
		sum, err := s.scanNow(scanCtx, nil)
		if err != nil {
			s.log.Warn("library rescan failed", "err", err, "folders", sum.Folders)
		}
	})
	return true
}

// WaitScan blocks until no scan runs or ctx ends.
func (s *Service) WaitScan(ctx context.Context) error {
	s.scanMu.Lock()
	ch := s.scanDone
	s.scanMu.Unlock()
	if ch == nil {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Service) scanNow(ctx context.Context, progress func(event.ScanData)) (ScanSummary, error) {
	sc, err := newScanner(ctx, s, s.Directory())
	if err != nil {
		s.publishComplete(ScanSummary{}, err)
		return ScanSummary{}, err
	}
	sum, err := sc.run(ctx, progress)
	s.publishComplete(sum, err)
	s.log.Info("library scan finished", "series", sum.Series, "added", sum.Added, "updated", sum.Updated,
		"removed", sum.Removed, "unmatched", sum.Unmatched, "errors", len(sum.Errors), "duration", sum.Duration, "cancelled", sum.Cancelled)
	return sum, err
}

func (s *Service) publishComplete(sum ScanSummary, err error) {
	d := event.ScanData{ScanID: sum.ScanID, Current: sum.Folders, Total: sum.Folders, Percent: 100,
		SeriesCount: sum.Series, MissingCount: sum.Missing, Unmatched: sum.Unmatched, Errors: len(sum.Errors),
		DurationMs: sum.Duration.Milliseconds(), Message: "scan complete"}
	if len(sum.Errors) > 0 {
		d.ErrorMessages = sum.Errors[:min(len(sum.Errors), 20)]
	}
	if err != nil {
		d.Message = "scan failed: " + err.Error()
		d.Errors++
		d.Failed = true
	}
	s.pub.Publish(event.New(event.ScanComplete, d))
}

// progressEmitter answers a function called after each folder: it calls
// progress every time and publishes scan_progress at most once per
// ProgressInterval (plus the first and the last folder).
func (s *Service) progressEmitter(scanID string, total int, progress func(event.ScanData)) func(current int, folder, key string) {
	var last time.Time
	return func(current int, folder, key string) {
		d := event.ScanData{ScanID: scanID, Current: current, Total: total, Folder: folder, Key: key}
		if total > 0 {
			d.Percent = float64(current) * 100 / float64(total)
		}
		if progress != nil {
			progress(d)
		}
		if now := time.Now(); current == 1 || current == total || now.Sub(last) >= s.opts.ProgressInterval {
			last = now
			s.pub.Publish(event.New(event.ScanProgress, d))
		}
	}
}

// UseDirectory makes dir the library's directory: when the library already
// uses it, it answers the number of series without stopping or starting a
// scan; otherwise it switches as SetDirectory does.
func (s *Service) UseDirectory(ctx context.Context, dir string) (int, error) {
	if abs, err := filepath.Abs(dir); err == nil && dir != "" && s.Directory() == abs {
		_, n, err := s.Status(ctx)
		return n, err
	}
	return s.SetDirectory(ctx, dir)
}

// SetDirectory switches the library to dir (which must exist): it stops a
// running scan, scans the new directory and answers how many series it
// holds.
func (s *Service) SetDirectory(ctx context.Context, dir string) (synced int, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil || dir == "" {
		return 0, fmt.Errorf("%w: directory path is required", anime.ErrInvalid)
	}
	fi, err := os.Stat(abs)
	if err != nil || !fi.IsDir() {
		return 0, fmt.Errorf("%w: %s is not a directory", anime.ErrInvalid, dir)
	}
	for {
		s.scanMu.Lock()
		cancel, ch := s.scanCancel, s.scanDone
		s.scanMu.Unlock()
		if ch == nil {
			break
		}
		cancel()
		select {
		case <-ch:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	s.mu.Lock()
	s.dir = abs
	s.mu.Unlock()
	sum, err := s.Scan(ctx, nil)
	if errors.Is(err, ErrScanRunning) {
		// Someone started a scan of the new directory meanwhile; use it.
		if err := s.WaitScan(ctx); err != nil {
			return 0, err
		}
		return s.store.CountSeries(ctx)
	}
	if err != nil {
		return 0, err
	}
	return sum.Series, nil
}

// migrateLink rewrites a series link still in a retired form (legacy
// https://s.to/serie/stream/<slug>) to its site's canonical link, in the
// series (saved by the scan as an identity change) and in the folder's
// marker (written atomically). Key, files and download history stay.
func (s *Service) migrateLink(dir string, sr *anime.Series) {
	if sr.Link == "" || !isLegacyLink(s.opts.Sites, sr.Link) {
		return
	}
	want := SeriesURL(s.opts.Sites, sr.Site, sr.Key)
	if want == "" || want == sr.Link {
		return
	}
	m, err := ReadMarker(dir)
	switch {
	case err == nil && m.Key == sr.Key:
		m.Link = want
		if err := WriteMarker(dir, m); err != nil {
			s.log.Warn("rewrite legacy link in marker", "key", sr.Key, "err", err)
			return
		}
	case err != nil && !errors.Is(err, anime.ErrNotFound):
		s.log.Warn("read marker for link rewrite", "key", sr.Key, "err", err)
		return
	}
	s.log.Info("series link rewritten to the new site form", "key", sr.Key, "from", sr.Link, "to", want)
	sr.Link = want
}

// seriesFromMarker builds a Series from a marker found in folder.
func (s *Service) seriesFromMarker(m Marker, folder string) anime.Series {
	name := m.Name
	if name == "" {
		name, _ = anime.SplitYear(folder)
	}
	link := m.Link
	if link == "" {
		link = SeriesURL(s.opts.Sites, m.Site, m.Key)
	}
	return anime.Series{Key: m.Key, Name: name, Site: m.Site, Folder: folder, Link: link, Year: m.Year}
}
