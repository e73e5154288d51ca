package library

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/store"
	"github.com/google/uuid"
)

// ScanSummary is what one scan did.
type ScanSummary struct {
	ScanID    string        `json:"scan_id"`
	Directory string        `json:"directory"`
	Folders   int           `json:"folders"`   // series folders looked at
	Series    int           `json:"series"`    // identified series found on disk
	Added     int           `json:"added"`     // series new to the database
	Updated   int           `json:"updated"`   // series whose row changed
	Unchanged int           `json:"unchanged"` // series skipped without a write
	Removed   int           `json:"removed"`   // series whose folder is gone
	Adopted   int           `json:"adopted"`   // marker-less folders identified and marked
	Episodes  int           `json:"episodes"`  // episode files seen
	Missing   int           `json:"missing"`   // missing episodes over all series
	Unmatched int           `json:"unmatched"` // folders left unidentified
	Errors    []string      `json:"errors,omitempty"`
	Cancelled bool          `json:"cancelled,omitempty"`
	Duration  time.Duration `json:"duration"`
}

// folderResult is what a worker learned about one folder.
type folderResult struct {
	folder    string
	series    anime.Series // zero Key: not identified
	adopted   bool
	files     []store.EpisodeFile
	fp        string
	remote    map[int][]int
	remoteErr error
	unmatched *store.UnmatchedRecord
	err       error
}

// scanner runs one scan over root.
type scanner struct {
	svc      *Service
	root     string // absolute
	realRoot string // symlinks resolved, for containment checks
	prev     map[string]store.SeriesState
	byFolder map[string]store.SeriesState // prev, keyed by folder

	pending      []pendingSave // applied but not yet committed
	pendingSince time.Time

	dirBufs sync.Pool // *[]byte directory entry buffers of the walkers
}

// pendingSave is one series waiting for the next batch commit.
type pendingSave struct {
	in     store.ScannedSeries
	folder string
	known  bool
}

// Batch commits: whole series only, so a crash loses at most the batches
// not yet committed (the one being written, one waiting, the one being
// collected) and never half a series.
const (
	batchMaxSeries = 256
	batchMaxDelay  = 100 * time.Millisecond
)

func newScanner(ctx context.Context, svc *Service, dir string) (*scanner, error) {
	if dir == "" {
		return nil, fmt.Errorf("%w: no anime directory configured", anime.ErrInvalid)
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("anime directory: %w", err)
	}
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("%w: anime directory: %v", anime.ErrUnavailable, err)
	}
	prev, err := svc.store.SeriesStates(ctx)
	if err != nil {
		return nil, err
	}
	byFolder := make(map[string]store.SeriesState, len(prev))
	for _, st := range prev {
		byFolder[st.Series.Folder] = st
	}
	return &scanner{svc: svc, root: root, realRoot: real, prev: prev, byFolder: byFolder}, nil
}

// seriesFolders lists the candidate series folders: directories that are
// not hidden and not symbolic links.
func (sc *scanner) seriesFolders() ([]string, error) {
	entries, err := os.ReadDir(sc.root)
	if err != nil {
		return nil, fmt.Errorf("%w: read anime directory: %v", anime.ErrUnavailable, err)
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "@") || n == "lost+found" {
			continue
		}
		out = append(out, n)
	}
	return out, nil
}

// run scans every folder with bounded workers and reconciles each series
// with the database in its own transaction, as results arrive.
func (sc *scanner) run(ctx context.Context, progress func(event.ScanData)) (ScanSummary, error) {
	start := time.Now()
	sum := ScanSummary{ScanID: uuid.NewString(), Directory: sc.root}
	folders, err := sc.seriesFolders()
	if err != nil {
		return sum, err
	}
	sum.Folders = len(folders)
	emit := sc.svc.progressEmitter(sum.ScanID, len(folders), progress)

	results, waitWorkers := sc.scanFolders(ctx, folders)
	batches, waitCommitted := sc.startCommitter(ctx)
	seen := map[string]string{} // key -> folder
	var unmatched []store.UnmatchedRecord
	current := 0
	for r := range results {
		current++
		if ctx.Err() != nil {
			continue // drain; this result is not applied
		}
		sc.apply(ctx, r, seen, &unmatched, &sum)
		if len(sc.pending) >= batchMaxSeries || len(sc.pending) > 0 && time.Since(sc.pendingSince) >= batchMaxDelay {
			batches <- sc.pending
			sc.pending = nil
		}
		emit(current, r.folder, r.series.Key)
	}
	waitWorkers()
	// Keep the work done so far, also when the scan was cancelled.
	if len(sc.pending) > 0 {
		batches <- sc.pending
		sc.pending = nil
	}
	close(batches)
	committed := waitCommitted()
	sum.Added += committed.Added
	sum.Updated += committed.Updated
	sum.Errors = append(sum.Errors, committed.Errors...)
	sum.Unmatched = len(unmatched)
	if ctx.Err() != nil {
		sum.Cancelled = true
		sum.Duration = time.Since(start)
		return sum, fmt.Errorf("scan cancelled after %d of %d folders: %w", current, len(folders), ctx.Err())
	}
	err = sc.finish(ctx, seen, unmatched, &sum)
	sum.Duration = time.Since(start)
	return sum, err
}

// scanFolders scans folders with the service's number of workers. The
// results channel closes when every worker is done (early on
// cancellation); wait returns once every goroutine started here has ended.
func (sc *scanner) scanFolders(ctx context.Context, folders []string) (results <-chan folderResult, wait func()) {
	jobs := make(chan string)
	// Buffered, so workers run on while the writer applies a result.
	out := make(chan folderResult, 2*sc.svc.workers)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(jobs)
		for _, f := range folders {
			select {
			case jobs <- f:
			case <-ctx.Done():
				return
			}
		}
	})
	var workers sync.WaitGroup
	for range sc.svc.workers {
		workers.Go(func() {
			for f := range jobs {
				if ctx.Err() != nil {
					continue
				}
				r := sc.scanFolder(ctx, f)
				select {
				case out <- r:
				case <-ctx.Done():
				}
			}
		})
	}
	wg.Go(func() { workers.Wait(); close(out) })
	return out, wg.Wait
}

// startCommitter commits the batches sent to it by its own goroutine, in
// order, while the next one is being collected; finished work is committed
// even if the scan is being cancelled right now (a batch is short). Close
// batches, then wait answers what the commits added, updated and failed.
func (sc *scanner) startCommitter(ctx context.Context) (batches chan<- []pendingSave, wait func() ScanSummary) {
	in := make(chan []pendingSave, 1)
	var committed ScanSummary // Added, Updated, Errors of the committer
	var committer sync.WaitGroup
	committer.Go(func() {
		for b := range in {
			sc.commit(context.WithoutCancel(ctx), b, &committed)
		}
	})
	return in, func() ScanSummary { committer.Wait(); return committed }
}

// lastDirSetting names the setting holding the directory of the last
// complete scan.
const lastDirSetting = "library.last_scanned_dir"

// finish prunes series whose folders are gone and stores the unmatched list;
// only a complete scan gets here. Only series known when the scan started
// are pruned, so a series added meanwhile (Add) survives.
func (sc *scanner) finish(ctx context.Context, seen map[string]string, unmatched []store.UnmatchedRecord, sum *ScanSummary) error {
	var gone []string
	for k := range sc.prev {
		if _, ok := seen[k]; !ok {
			gone = append(gone, k)
		}
	}
	lastDir, _ := sc.svc.store.Setting(ctx, lastDirSetting)
	switch {
	case len(gone) == 0:
	case sum.Folders == 0 && lastDir == sc.root:
		// The same directory, empty now, held series last time: more
		// likely an unmounted share than a deleted library. Keep the rows.
		sum.Errors = append(sum.Errors, "anime directory is empty; kept the known series (unmounted drive?)")
	default:
		n, err := sc.svc.store.DeleteSeriesKeys(ctx, gone)
		if err != nil {
			return err
		}
		sum.Removed = n
	}
	if err := sc.svc.store.ReplaceUnmatched(ctx, unmatched); err != nil {
		return err
	}
	return sc.svc.store.SetSetting(ctx, lastDirSetting, sc.root)
}

// apply reconciles one folder's result with the database.
func (sc *scanner) apply(ctx context.Context, r folderResult, seen map[string]string, unmatched *[]store.UnmatchedRecord, sum *ScanSummary) {
	key := r.series.Key
	force := false // the row holds another folder's data: rewrite it
	if key != "" {
		if other, dup := seen[key]; dup {
			// Two folders claim one series. Deterministically keep the
			// folder the database already knows, else the smaller name.
			prevFolder := sc.prev[key].Series.Folder
			if other == prevFolder || (r.folder != prevFolder && other < r.folder) {
				*unmatched = append(*unmatched, store.UnmatchedRecord{Folder: r.folder,
					Reason: fmt.Sprintf("duplicate: folder %q already holds series %s", other, key)})
				return
			}
			*unmatched = append(*unmatched, store.UnmatchedRecord{Folder: other,
				Reason: fmt.Sprintf("duplicate: folder %q already holds series %s", r.folder, key)})
			sum.Series--
			force = true
		}
		seen[key] = r.folder
	}
	if r.err != nil {
		sum.Errors = append(sum.Errors, fmt.Sprintf("%s: %v", r.folder, r.err))
		sc.svc.log.Warn("scan folder failed", "folder", r.folder, "err", r.err)
		return
	}
	if r.unmatched != nil {
		*unmatched = append(*unmatched, *r.unmatched)
		return
	}
	sum.Series++
	sum.Episodes += countFiles(r.files)
	if r.adopted {
		sum.Adopted++
	}
	prev, known := sc.prev[key]
	missing, scanErr := sc.missingFor(r, prev)
	if scanErr != "" {
		sum.Errors = append(sum.Errors, fmt.Sprintf("%s: %s", r.folder, scanErr))
	}
	mj, mc := store.EncodeMissing(missing)
	sum.Missing += mc
	if !force && known && sameIdentity(prev.Series, r.series) && prev.Fingerprint == r.fp && prev.MissingJSON == mj && prev.ScanError == scanErr {
		sum.Unchanged++
		return
	}
	replace := force || !known || prev.Fingerprint != r.fp
	if replace {
		// Normally done by the worker already; a no-op then.
		r.files = fillSizes(filepath.Join(sc.root, r.folder), r.files)
	}
	if force { // the losing folder may still be waiting in this batch
		sc.pending = slices.DeleteFunc(sc.pending, func(p pendingSave) bool { return p.in.Series.Key == key })
	}
	if len(sc.pending) == 0 {
		sc.pendingSince = time.Now()
	}
	sc.pending = append(sc.pending, pendingSave{folder: r.folder, known: known, in: store.ScannedSeries{
		Series: r.series, Files: r.files, ReplaceFiles: replace,
		Missing: missing, Fingerprint: r.fp, ScanError: scanErr,
	}})
}

// flush commits the pending series now.
func (sc *scanner) flush(ctx context.Context, sum *ScanSummary) {
	sc.commit(ctx, sc.pending, sum)
	sc.pending = sc.pending[:0]
}

// commit writes pending in one transaction; when that fails it retries
// them one by one so one bad series cannot sink the others. It counts into
// sum's Added, Updated and Errors only.
func (sc *scanner) commit(ctx context.Context, pending []pendingSave, sum *ScanSummary) {
	if len(pending) == 0 {
		return
	}
	batch := make([]store.ScannedSeries, len(pending))
	for i, p := range pending {
		batch[i] = p.in
	}
	batchErr := sc.svc.store.SaveScannedBatch(ctx, batch)
	for _, p := range pending {
		err := batchErr
		if err != nil {
			err = sc.svc.store.SaveScannedSeries(ctx, p.in)
		}
		switch {
		case err != nil:
			sum.Errors = append(sum.Errors, fmt.Sprintf("%s: %v", p.folder, err))
		case p.known:
			sum.Updated++
		default:
			sum.Added++
		}
	}
}

// missingFor computes a series' missing map; when the provider fails it
// keeps the last known map minus what is now on disk, and says why.
func (sc *scanner) missingFor(r folderResult, prev store.SeriesState) (anime.MissingEpisodes, string) {
	o := sc.svc.opts
	if r.remoteErr == nil {
		return ComputeMissing(r.remote, r.files, o.Languages, o.RequireWantedLanguage), ""
	}
	old := anime.MissingEpisodes{}
	if prev.MissingJSON != "" {
		_ = json.Unmarshal([]byte(prev.MissingJSON), &old)
	}
	return subtractPresent(old, r.files, o.Languages, o.RequireWantedLanguage), "episode list: " + r.remoteErr.Error()
}

func sameIdentity(a, b anime.Series) bool {
	return a.Key == b.Key && a.Name == b.Name && a.Site == b.Site && a.Folder == b.Folder && a.Link == b.Link && a.Year == b.Year
}

func countFiles(files []store.EpisodeFile) int {
	n := 0
	for i, f := range files { // a multi-episode file's rows are adjacent
		if i == 0 || f.Path != files[i-1].Path {
			n++
		}
	}
	return n
}

// scanFolder lists one folder's episode files, identifies the series and
// asks the catalog for its episodes. A folder whose fingerprint (files and
// folder mtimes, the marker's folder included) is unchanged since the last
// scan keeps its identity without reading the marker again.
func (sc *scanner) scanFolder(ctx context.Context, folder string) folderResult {
	r := folderResult{folder: folder}
	dir := filepath.Join(sc.root, folder)
	// A folder the database does not know (every folder of a first scan)
	// will be written with its sizes: read them during the walk.
	// Its marker is needed too, and is read through the open folder.
	st, knownFolder := sc.byFolder[folder]
	w, walkErr := sc.walkSeries(dir, !knownFolder)
	files := w.files
	if walkErr == nil {
		r.fp = fingerprint(files, w.dirs)
		if knownFolder && st.Fingerprint == r.fp {
			r.series, r.files = st.Series, files
			sc.svc.migrateLink(dir, &r.series)
			r.remote, r.remoteErr = sc.svc.opts.Catalog.Episodes(ctx, r.series.Site, r.series.Key)
			return r
		}
	}
	var m Marker
	var err error
	if walkErr == nil && w.markerRead {
		m, err = w.marker, w.markerErr
	} else {
		m, err = ReadMarker(dir)
	}
	switch {
	case errors.Is(err, anime.ErrNotFound):
		if walkErr != nil {
			r.err = walkErr
			return r
		}
		m, r.unmatched, r.err = sc.identify(ctx, dir, folder)
		if r.err != nil || r.unmatched != nil {
			return r
		}
		r.adopted = true
	case errors.Is(err, anime.ErrInvalid):
		r.unmatched = &store.UnmatchedRecord{Folder: folder, Reason: err.Error()}
		return r
	case err != nil:
		r.err = err
		return r
	}
	if m.Removed {
		r.unmatched = &store.UnmatchedRecord{Folder: folder, Reason: removedReason}
		return r
	}
	r.series = sc.svc.seriesFromMarker(m, folder)
	sc.svc.migrateLink(dir, &r.series)
	if walkErr != nil {
		r.err = walkErr // the key is known: the series is kept, not pruned
		return r
	}
	r.files = files
	if prev, ok := sc.prev[r.series.Key]; !ok || prev.Fingerprint != r.fp {
		// Something changed: the rows will be rewritten, so read sizes.
		r.files = fillSizes(dir, r.files)
	}
	r.remote, r.remoteErr = sc.svc.opts.Catalog.Episodes(ctx, r.series.Site, r.series.Key)
	return r
}

// identify searches the catalog for a marker-less folder; a confident match
// gets a marker, anything else is reported as unmatched.
func (sc *scanner) identify(ctx context.Context, dir, folder string) (Marker, *store.UnmatchedRecord, error) {
	name, _ := anime.SplitYear(folder)
	cands, err := sc.svc.opts.Catalog.Search(ctx, name)
	if err != nil {
		if ctx.Err() != nil {
			return Marker{}, nil, ctx.Err()
		}
		return Marker{}, &store.UnmatchedRecord{Folder: folder, Reason: "search failed: " + err.Error()}, nil
	}
	best, ok, reason := MatchFolder(folder, cands)
	if !ok {
		if len(cands) > 10 {
			cands = cands[:10]
		}
		b, _ := json.Marshal(cands)
		return Marker{}, &store.UnmatchedRecord{Folder: folder, Reason: reason, Candidates: b}, nil
	}
	m := Marker{Key: best.Key, Site: best.Site, Name: best.Name, Link: best.Link, Year: best.Year}
	if m.Site == "" {
		m.Site = SiteAniworld
	}
	if err := WriteMarker(dir, m); err != nil {
		return Marker{}, nil, err
	}
	sc.svc.log.Info("identified library folder", "folder", folder, "key", m.Key)
	return m, nil, nil
}
