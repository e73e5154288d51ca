package download

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// Remuxer rewrites a media file into another container without
// re-encoding, tagging track languages on the way.
type Remuxer interface {
	Remux(ctx context.Context, src, dst string, spec RemuxSpec) error
}

// RemuxSpec says what the remuxed file should be.
type RemuxSpec struct {
	Format    string // ffmpeg muxer name: "mp4", "matroska" or "mpegts"
	AudioLang string // ISO 639-2 code for every audio track; "" leaves tags alone
	VideoLang string // ISO 639-2 code for the video track (burned-in subtitles); "" leaves it
}

// FFmpeg remuxes with "ffmpeg -c copy".
type FFmpeg struct {
	Path string // the ffmpeg binary
}

// Args is the ffmpeg command line (without the binary) for a remux.
func (f *FFmpeg) Args(src, dst string, spec RemuxSpec) []string {
	args := []string{
		"-hide_banner", "-nostdin", "-loglevel", "error", "-y",
		"-i", src,
		"-map", "0:v?", "-map", "0:a?",
		"-c", "copy", "-dn",
	}
	if spec.AudioLang != "" {
		args = append(args, "-metadata:s:a", "language="+spec.AudioLang)
	}
	if spec.VideoLang != "" {
		args = append(args, "-metadata:s:v", "language="+spec.VideoLang)
	}
	if spec.Format == "mp4" {
		args = append(args, "-movflags", "+faststart")
	}
	return append(args, "-f", spec.Format, dst)
}

// Remux runs ffmpeg; the error carries the tail of its stderr.
func (f *FFmpeg) Remux(ctx context.Context, src, dst string, spec RemuxSpec) error {
	cmd := exec.CommandContext(ctx, f.Path, f.Args(src, dst, spec)...)
	var stderr bytes.Buffer
	cmd.Stderr = &tailWriter{buf: &stderr, max: 4 << 10}
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if ctx.Err() != nil {
			return fmt.Errorf("ffmpeg remux: %w", ctx.Err())
		}
		return fmt.Errorf("ffmpeg remux: %w: %s", err, msg)
	}
	return nil
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

// finish turns the complete .part into the final file: remuxed (and
// language-tagged) when a remuxer is available and useful, otherwise
// renamed, possibly under the source container's extension.
func (j *job) finish(ctx context.Context, kind anime.StreamKind, st *state) (Result, error) {
	srcFmt := "mp4"
	if kind == anime.StreamHLS && !st.FMP4 {
		srcFmt = "mpegts"
	}
	ext := filepath.Ext(j.target)
	base, final := j.target, j.target
	tgtFmt, known := containerFormats[strings.ToLower(ext)]
	if known {
		base = strings.TrimSuffix(j.target, ext)
	} else {
		tgtFmt, final = "mp4", j.target+".mp4"
	}
	spec := RemuxSpec{Format: tgtFmt}
	if j.stream.Lang.Valid() {
		spec.AudioLang, spec.VideoLang = j.stream.Lang.AudioISO(), j.stream.Lang.SubtitleISO()
	}
	var res Result
	if srcFmt != tgtFmt || spec.AudioLang != "" {
		if j.e.remuxer != nil {
			tmp := remuxTempPath(j.target)
			err := j.e.remuxer.Remux(ctx, j.part, tmp, spec)
			if err == nil {
				if err := j.commit(tmp, final); err != nil {
					return Result{}, err
				}
				_ = j.e.fs.Remove(j.part)
				_ = j.e.fs.Remove(j.state)
				res.Path, res.Remuxed = final, true
				res.Size, err = j.size(final)
				return res, err
			}
			_ = j.e.fs.Remove(tmp)
			if ctx.Err() != nil {
				return Result{}, fmt.Errorf("%w (%w)", ctx.Err(), err)
			}
			res.Warnings = append(res.Warnings, fmt.Sprintf("remux to %s failed, kept %s: %v", tgtFmt, srcFmt, err))
		} else if srcFmt != tgtFmt {
			res.Warnings = append(res.Warnings, fmt.Sprintf("ffmpeg not available: kept %s as %s", srcFmt, extFor(srcFmt)))
		}
	}
	if srcFmt != tgtFmt {
		final = base + extFor(srcFmt)
	}
	if err := j.commit(j.part, final); err != nil {
		return Result{}, err
	}
	_ = j.e.fs.Remove(j.state)
	res.Path = final
	size, err := j.size(final)
	res.Size = size
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
