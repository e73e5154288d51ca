package download

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// Remuxer rewrites a media file into another container without
// re-encoding, tagging track languages on the way.
type Remuxer interface {
	Remux(ctx context.Context, src, dst string, spec RemuxSpec) error
}

// StreamRemuxer is a Remuxer that can also remux a source while it is
// still being downloaded: StartRemux returns the writer the source's bytes
// go to, in order, and wait, which reports the result once the writer is
// closed (or ctx is cancelled). The output is complete only when wait
// answers nil.
type StreamRemuxer interface {
	Remuxer
	StartRemux(ctx context.Context, srcFormat, dst string, spec RemuxSpec) (in io.WriteCloser, wait func() error, err error)
}

// RemuxSpec says what the remuxed file should be.
type RemuxSpec struct {
	Format    string // ffmpeg muxer name: "mp4", "matroska" or "mpegts"
	AudioLang string // ISO 639-2 code for every audio track; "" leaves tags alone
	VideoLang string // ISO 639-2 code for the video track (burned-in subtitles); "" leaves it
	// MoovReserve, for MP4, reserves this many bytes for the index (moov)
	// at the front instead of moving it there after muxing (+faststart),
	// which rewrites the whole file; too small a reserve fails the remux.
	MoovReserve int64
}

// FFmpeg remuxes with "ffmpeg -c copy".
type FFmpeg struct {
	Path string // the ffmpeg binary
}

// Args is the ffmpeg command line (without the binary) for a remux of the
// file src.
func (f *FFmpeg) Args(src, dst string, spec RemuxSpec) []string {
	return f.args("", src, dst, spec)
}

// args is the command line; inFormat ("mpegts"), when set, names the
// input's format instead of letting ffmpeg probe for it (a pipe).
func (f *FFmpeg) args(inFormat, src, dst string, spec RemuxSpec) []string {
	args := []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y"}
	if inFormat != "" {
		args = append(args, "-f", inFormat)
	}
	args = append(args,
		"-i", src,
		"-map", "0:v?", "-map", "0:a?",
		"-c", "copy", "-dn",
	)
	if spec.AudioLang != "" {
		args = append(args, "-metadata:s:a", "language="+spec.AudioLang)
	}
	if spec.VideoLang != "" {
		args = append(args, "-metadata:s:v", "language="+spec.VideoLang)
	}
	if spec.Format == "mp4" && spec.MoovReserve > 0 {
		args = append(args, "-moov_size", strconv.FormatInt(spec.MoovReserve, 10))
	} else if spec.Format == "mp4" {
		args = append(args, "-movflags", "+faststart")
	}
	return append(args, "-f", spec.Format, dst)
}

// Remux runs ffmpeg; the error carries the tail of its stderr.
func (f *FFmpeg) Remux(ctx context.Context, src, dst string, spec RemuxSpec) error {
	cmd := exec.CommandContext(ctx, f.Path, f.Args(src, dst, spec)...)
	var stderr bytes.Buffer
	cmd.Stderr = &tailWriter{buf: &stderr, max: 4 << 10}
	return ffmpegResult(ctx, cmd.Run(), &stderr)
}

// StartRemux starts ffmpeg reading srcFormat from a pipe (see
// StreamRemuxer).
func (f *FFmpeg) StartRemux(ctx context.Context, srcFormat, dst string, spec RemuxSpec) (io.WriteCloser, func() error, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, nil, fmt.Errorf("ffmpeg remux: %w", err)
	}
	cmd := exec.CommandContext(ctx, f.Path, f.args(srcFormat, "pipe:0", dst, spec)...)
	cmd.Stdin = pr
	var stderr bytes.Buffer
	cmd.Stderr = &tailWriter{buf: &stderr, max: 4 << 10}
	err = cmd.Start()
	pr.Close() // ffmpeg holds its own copy
	if err != nil {
		pw.Close()
		return nil, nil, fmt.Errorf("ffmpeg remux: %w", err)
	}
	return pw, func() error { return ffmpegResult(ctx, cmd.Wait(), &stderr) }, nil
}

func ffmpegResult(ctx context.Context, err error, stderr *bytes.Buffer) error {
	if err == nil && strings.Contains(stderr.String(), "Error writing trailer") {
		// ffmpeg 5.1 exits 0 when the trailer (the MP4 index) could not be
		// written, e.g. a too small -moov_size: the file is unusable.
		return fmt.Errorf("ffmpeg remux: %s", strings.TrimSpace(stderr.String()))
	}
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("ffmpeg remux: %w", ctx.Err())
	}
	return fmt.Errorf("ffmpeg remux: %w: %s", err, strings.TrimSpace(stderr.String()))
}

// tailWriter keeps roughly the last max bytes written to it.
type tailWriter struct {
	buf *bytes.Buffer
	max int
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

var containerFormats = map[string]string{".mp4": "mp4", ".m4v": "mp4", ".mkv": "matroska", ".ts": "mpegts"}

func extFor(format string) string {
	switch format {
	case "matroska":
		return ".mkv"
	case "mpegts":
		return ".ts"
	}
	return ".mp4"
}

// remuxPlan is what finish does with a complete .part.
type remuxPlan struct {
	srcFmt, tgtFmt string // ffmpeg format names
	base           string // the target without its container extension
	final          string // the remuxed file's path
	spec           RemuxSpec
	remux          bool // the container changes or track languages are tagged
}

func (j *job) plan(kind anime.StreamKind, fmp4 bool) remuxPlan {
	p := remuxPlan{srcFmt: "mp4", base: j.target, final: j.target}
	if kind == anime.StreamHLS && !fmp4 {
		p.srcFmt = "mpegts"
	}
	ext := filepath.Ext(j.target)
	tgtFmt, known := containerFormats[strings.ToLower(ext)]
	if known {
		p.base = strings.TrimSuffix(j.target, ext)
	} else {
		tgtFmt, p.final = "mp4", j.target+".mp4"
	}
	p.tgtFmt = tgtFmt
	p.spec = RemuxSpec{Format: tgtFmt}
	if j.stream.Lang.Valid() {
		p.spec.AudioLang, p.spec.VideoLang = j.stream.Lang.AudioISO(), j.stream.Lang.SubtitleISO()
	}
	p.remux = p.srcFmt != tgtFmt || p.spec.AudioLang != ""
	return p
}

// finish turns the complete .part into the final file: remuxed (and
// language-tagged) when a remuxer is available and useful, otherwise
// renamed, possibly under the source container's extension. A remux that
// ran while downloading is used when it succeeded; otherwise the .part is
// remuxed now.
func (j *job) finish(ctx context.Context, kind anime.StreamKind, st *state) (Result, error) {
	p := j.plan(kind, st.FMP4)
	var res Result
	if p.remux && j.e.remuxer != nil {
		tmp := remuxTempPath(j.target)
		err := errNoLiveRemux
		if j.live != nil {
			err = j.live.result()
			j.live = nil
			if err != nil && !st.Complete {
				if perr := j.persistComplete(st); perr != nil {
					return Result{}, perr
				}
			}
		}
		if err != nil && ctx.Err() == nil {
			_ = j.e.fs.Remove(tmp)
			err = j.e.remuxer.Remux(ctx, j.part, tmp, p.spec)
		}
		if err == nil {
			return j.finishRemuxed(ctx, tmp, p.final)
		}
		_ = j.e.fs.Remove(tmp)
		if ctx.Err() != nil {
			return Result{}, fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf("remux to %s failed, kept %s: %v", p.tgtFmt, p.srcFmt, err))
	} else if p.remux && p.srcFmt != p.tgtFmt {
		res.Warnings = append(res.Warnings, fmt.Sprintf("ffmpeg not available: kept %s as %s", p.srcFmt, extFor(p.srcFmt)))
	}
	final := p.final
	if p.srcFmt != p.tgtFmt {
		final = p.base + extFor(p.srcFmt)
	}
	final, err := j.finalName(ctx, j.part, final)
	if err != nil {
		return Result{}, err
	}
	if err := j.commit(j.part, final); err != nil {
		return Result{}, err
	}
	_ = j.e.fs.Remove(j.state)
	res.Path = final
	res.Size, err = j.size(final)
	return res, err
}

var errNoLiveRemux = errors.New("no remux while downloading")

// persistComplete makes a fetched .part durable and records it complete
// (after a failed remux while downloading, before remuxing again).
func (j *job) persistComplete(st *state) error {
	f, err := j.e.fs.OpenFile(j.part, os.O_RDWR, 0)
	if err != nil {
		return wrapWrite(filepath.Base(j.part), err)
	}
	defer f.Close()
	return j.markComplete(f, st)
}

// finishRemuxed commits the remuxed tmp file and drops the source.
func (j *job) finishRemuxed(ctx context.Context, tmp, final string) (Result, error) {
	final, err := j.finalName(ctx, tmp, final)
	if err != nil {
		return Result{}, err
	}
	if err := j.commit(tmp, final); err != nil {
		return Result{}, err
	}
	_ = j.e.fs.Remove(j.part)
	_ = j.e.fs.Remove(j.state)
	res := Result{Path: final, Remuxed: true}
	res.Size, err = j.size(final)
	return res, err
}

// commit fsyncs src, renames it to dst and fsyncs the directory.
func (j *job) commit(src, dst string) error {
	f, err := j.e.fs.OpenFile(src, os.O_RDWR, 0)
	if err != nil {
		return wrapWrite(filepath.Base(src), err)
	}
	serr := f.Sync()
	cerr := f.Close()
	if serr != nil {
		return wrapWrite(filepath.Base(src), serr)
	}
	if cerr != nil {
		return wrapWrite(filepath.Base(src), cerr)
	}
	if err := j.e.fs.Rename(src, dst); err != nil {
		return wrapWrite(filepath.Base(dst), err)
	}
	if err := j.e.fs.SyncDir(filepath.Dir(dst)); err != nil {
		return wrapWrite(filepath.Dir(dst), err)
	}
	return nil
}

func (j *job) size(path string) (int64, error) {
	f, err := j.e.fs.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return 0, fmt.Errorf("stat result: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("stat result: %w", err)
	}
	return fi.Size(), nil
}
