// Package download fetches media streams to disk: progressive MP4 over
// ranged, resumable HTTP and HLS playlists with parallel, in-order,
// optionally AES-128 encrypted segments. Work goes to "<target>.part" plus a
// small state file so an interrupted download resumes where it stopped; a
// finished file is fsynced and renamed into place atomically, after an
// optional ffmpeg "-c copy" remux that tags the language of the tracks.
package download

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/attempt"
)

// Doer sends HTTP requests; *http.Client satisfies it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Options configures an Engine. The zero value is usable.
type Options struct {
	// Client sends every request. Default: an http.Client with a 30 s
	// response-header timeout and no overall timeout.
	Client Doer
	// Concurrency is the number of HLS segments fetched at once (default 8).
	Concurrency int
	// Retries is how often one request is retried after a transient
	// failure (network error, 5xx, 408, 429, cut body); default 5.
	// A negative value disables retries.
	Retries int
	// RetryBase is the first backoff delay, doubled per attempt up to
	// RetryMax (defaults 500 ms and 15 s). Tests set it small.
	RetryBase time.Duration
	// RetryMax caps the backoff delay.
	RetryMax time.Duration
	// StallTimeout aborts (and retries) a request that receives no bytes
	// for this long (default 60 s).
	StallTimeout time.Duration
	// ProgressInterval is the minimum time between progress callbacks
	// (default DefaultProgressInterval); the final 100 % always comes.
	ProgressInterval time.Duration
	// FFmpegPath is the ffmpeg binary; empty looks "ffmpeg" up on PATH.
	FFmpegPath string
	// Remuxer converts finished files; nil builds an FFmpeg remuxer from
	// FFmpegPath when ffmpeg is found. DisableRemux turns remuxing off.
	Remuxer      Remuxer
	DisableRemux bool
	// Prober reads a finished file's resolution and codec for
	// Request.Name; nil uses ffprobe (beside ffmpeg, else on PATH) when
	// found, else the HLS playlist's figures.
	Prober Prober
	// DisableLiveRemux remuxes HLS only after the whole fetch instead of
	// while the segments arrive (for comparisons; the result is the same).
	DisableLiveRemux bool
	// FS is the file system written to; default the operating system's.
	// Tests inject write failures through it.
	FS FS
	// Now is the clock used for progress throttling (default time.Now).
	Now func() time.Time
}

// DefaultProgressInterval is the pace of progress reports: at most one per
// half second per download, plus the final 100 %. It is the one throttle of
// live progress: the queue publishes each report as a download_progress
// event, and the CLI redraws its line on each.
const DefaultProgressInterval = 500 * time.Millisecond

// Engine downloads streams. It is safe for concurrent use with distinct
// targets; two downloads of the same target at once are refused.
type Engine struct {
	client       Doer
	concurrency  int
	policy       attempt.Policy // the one retry policy of the engine's requests
	stallTimeout time.Duration
	interval     time.Duration
	remuxer      Remuxer
	noLive       bool
	probe        Prober
	fs           FS
	now          func() time.Time

	mu     sync.Mutex
	active map[string]bool
}

// Request carries per-download settings.
type Request struct {
	// Progress, when set, receives throttled progress reports from the
	// calling goroutine's download; it must not block for long.
	Progress func(Progress)
	// Name, when set, chooses the final path once the file is complete and
	// before it is renamed into place: it gets what the file holds
	// (resolution, codec; probed with ffprobe when available, else taken
	// from the HLS playlist) and the extension the file got (".mkv",
	// ".ts" …), and answers the path to rename to (ext included). Without
	// it the target, with that extension, is the final name. The .part and
	// state files always belong to the target, so a resume finds them.
	Name func(info anime.MediaInfo, ext string) (string, error)
}

// Progress is one progress report: bytes and percent only. Speed and time
// left are the queue's to compute (one owner: queue's progress snapshot),
// from these bytes and its own clock.
type Progress struct {
	Percent    float64 // 0..100, never decreasing within one call
	BytesDone  int64   // bytes in the output so far (including resumed ones)
	BytesTotal int64   // expected size; estimated for HLS; 0 if unknown
}

// Result describes a finished download.
type Result struct {
	Path     string           // the final file (its extension may differ from the target's)
	Size     int64            // bytes of the final file
	Kind     anime.StreamKind // how it was fetched
	Remuxed  bool             // ffmpeg rewrote the container / tagged languages
	Resumed  bool             // the call continued an earlier .part
	Warnings []string         // e.g. "ffmpeg not available: kept MPEG-TS as .ts"
}

// New builds an Engine, filling defaults.
func New(o Options) *Engine {
	e := &Engine{
		client:       o.Client,
		concurrency:  o.Concurrency,
		policy:       attempt.Policy{Retries: o.Retries, Base: o.RetryBase, Max: o.RetryMax},
		stallTimeout: o.StallTimeout,
		interval:     o.ProgressInterval,
		remuxer:      o.Remuxer,
		noLive:       o.DisableLiveRemux,
		probe:        o.Prober,
		fs:           o.FS,
		now:          o.Now,
		active:       map[string]bool{},
	}
	if e.client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.ResponseHeaderTimeout = 30 * time.Second
		tr.MaxIdleConnsPerHost = 32
		e.client = &http.Client{Transport: tr}
	}
	if e.concurrency <= 0 {
		e.concurrency = 8
	}
	if e.policy.Retries == 0 {
		e.policy.Retries = 5
	} else if e.policy.Retries < 0 {
		e.policy.Retries = 0
	}
	if e.policy.Base <= 0 {
		e.policy.Base = 500 * time.Millisecond
	}
	if e.policy.Max <= 0 {
		e.policy.Max = 15 * time.Second
	}
	if e.policy.Max < e.policy.Base {
		e.policy.Max = e.policy.Base
	}
	if e.stallTimeout <= 0 {
		e.stallTimeout = 60 * time.Second
	}
	if e.interval <= 0 {
		e.interval = DefaultProgressInterval
	}
	if e.fs == nil {
		e.fs = OSFS{}
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.probe == nil {
		if p := findFFprobe(o.FFmpegPath); p != "" {
			e.probe = &FFprobe{Path: p}
		}
	}
	if o.DisableRemux {
		e.remuxer = nil
	} else if e.remuxer == nil {
		path := o.FFmpegPath
		if path == "" {
			path, _ = exec.LookPath("ffmpeg")
		}
		if path != "" {
			e.remuxer = &FFmpeg{Path: path}
		}
	}
	return e
}

// RemuxAvailable reports whether finished HLS downloads can be remuxed;
// without it they are kept as .ts.
func (e *Engine) RemuxAvailable() bool { return e.remuxer != nil }

// PartPath is the in-progress file of a target.
func PartPath(target string) string { return target + ".part" }

// StatePath is the resume-state file of a target.
func StatePath(target string) string { return target + ".part.json" }

func remuxTempPath(target string) string { return target + ".remux.part" }

// Download fetches s into target (see Result.Path for the final name). On
// error the .part and state files stay so a later call resumes; a context
// cancellation returns an error wrapping ctx.Err().
func (e *Engine) Download(ctx context.Context, s anime.Stream, target string, r Request) (Result, error) {
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Result{}, fmt.Errorf("%w: stream url must be absolute http(s)", anime.ErrInvalid)
	}
	if target == "" || strings.HasSuffix(target, string(filepath.Separator)) {
		return Result{}, fmt.Errorf("%w: empty target path", anime.ErrInvalid)
	}
	target = filepath.Clean(target)
	if !e.acquire(target) {
		return Result{}, fmt.Errorf("%w: %s is already being downloaded", anime.ErrConflict, filepath.Base(target))
	}
	defer e.release(target)

	kind := s.Kind
	if kind == "" {
		kind = anime.StreamMP4
		if strings.HasSuffix(strings.ToLower(u.Path), ".m3u8") {
			kind = anime.StreamHLS
		}
	}
	if err := e.fs.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return Result{}, fmt.Errorf("create target directory: %w", err)
	}
	j := &job{
		e:      e,
		stream: s,
		target: target,
		part:   PartPath(target),
		state:  StatePath(target),
		prog:   newProgressReporter(r.Progress, e.now, e.interval),
		name:   r.Name,
	}
	var st *state
	switch kind {
	case anime.StreamMP4:
		st, err = j.fetchMP4(ctx)
		if errors.Is(err, errIsPlaylist) {
			kind = anime.StreamHLS
			st, err = j.fetchHLS(ctx)
		}
	case anime.StreamHLS:
		st, err = j.fetchHLS(ctx)
	default:
		return Result{}, fmt.Errorf("%w: unknown stream kind %q", anime.ErrInvalid, kind)
	}
	if err != nil {
		j.stopLive()
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return Result{}, err
	}
	res, err := j.finish(ctx, kind, st)
	if err != nil {
		j.stopLive()
		return Result{}, err
	}
	res.Kind, res.Resumed = kind, j.resumed
	res.Warnings = append(j.warnings, res.Warnings...)
	j.prog.done(j.bytes)
	return res, nil
}

// Cleanup removes a target's .part, state and remux temp files (used when
// a queue item is deleted). Missing files are not an error.
func (e *Engine) Cleanup(target string) error {
	target = filepath.Clean(target)
	var errs []error
	for _, p := range []string{PartPath(target), StatePath(target), StatePath(target) + ".tmp", remuxTempPath(target)} {
		if err := e.fs.Remove(p); err != nil && !isNotExist(err) {
			errs = append(errs, fmt.Errorf("remove %s: %w", filepath.Base(p), err))
		}
	}
	return errors.Join(errs...)
}

func (e *Engine) acquire(target string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.active[target] {
		return false
	}
	e.active[target] = true
	return true
}

func (e *Engine) release(target string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.active, target)
}

// job is one Download call's working set.
type job struct {
	e        *Engine
	stream   anime.Stream
	target   string
	part     string
	state    string
	prog     *progressReporter
	resumed  bool
	bytes    int64    // bytes downloaded into .part
	warnings []string // notes for Result.Warnings
	live     *liveRemux
	name     func(anime.MediaInfo, string) (string, error)
	media    anime.MediaInfo // what the HLS playlist says (RESOLUTION, CODECS)
}

// stopLive ends a remux that ran alongside a fetch that did not finish,
// and removes its partial output.
func (j *job) stopLive() {
	if j.live == nil {
		return
	}
	j.live.stop()
	j.live = nil
	_ = j.e.fs.Remove(remuxTempPath(j.target))
}
