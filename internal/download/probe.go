package download

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// Prober reads a finished file's video properties for naming.
type Prober interface {
	Probe(ctx context.Context, path string) (anime.MediaInfo, error)
}

// FFprobe probes with "ffprobe -show_streams".
type FFprobe struct {
	Path string // the ffprobe binary
}

// Probe answers the first video stream's size and codec.
func (p *FFprobe) Probe(ctx context.Context, path string) (anime.MediaInfo, error) {
	out, err := exec.CommandContext(ctx, p.Path, "-v", "error", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,width,height", "-of", "json", "--", path).Output()
	if err != nil {
		return anime.MediaInfo{}, fmt.Errorf("ffprobe: %w", err)
	}
	var r struct {
		Streams []struct {
			CodecName string `json:"codec_name"`
			Width     int    `json:"width"`
			Height    int    `json:"height"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return anime.MediaInfo{}, fmt.Errorf("ffprobe output: %w", err)
	}
	if len(r.Streams) == 0 {
		return anime.MediaInfo{}, fmt.Errorf("ffprobe: no video stream")
	}
	s := r.Streams[0]
	return anime.MediaInfo{Width: s.Width, Height: s.Height, VideoCodec: s.CodecName}, nil
}

// findFFprobe looks for ffprobe beside the ffmpeg binary, then on PATH.
func findFFprobe(ffmpeg string) string {
	if ffmpeg != "" {
		p := filepath.Join(filepath.Dir(ffmpeg), "ffprobe")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	p, _ := exec.LookPath("ffprobe")
	return p
}

// mediaInfo is what a master playlist's variant says about its video:
// RESOLUTION and the first video codec of CODECS (RFC 6381 names).
func (v Variant) mediaInfo() anime.MediaInfo {
	m := anime.MediaInfo{Width: v.Width, Height: v.Height}
	for _, c := range strings.Split(v.Codecs, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(strings.ToLower(c)), ".")
		if codec, ok := rfc6381Video[tag]; ok {
			m.VideoCodec = codec
			break
		}
	}
	return m
}

var rfc6381Video = map[string]string{
	"avc1": "h264", "avc3": "h264", "hvc1": "hevc", "hev1": "hevc", "av01": "av1", "vp09": "vp9", "vp8": "vp8",
}

// finalName asks the request's Name function for the final path of src
// (about to be renamed to final), with what the file holds: probed when a
// prober is available, else the playlist's variant attributes. A failed
// probe is not an error: the playlist's figures (or none) are used.
func (j *job) finalName(ctx context.Context, src, final string) (string, error) {
	if j.name == nil {
		return final, nil
	}
	info := j.media
	if j.e.probe != nil {
		if m, err := j.e.probe.Probe(ctx, src); err == nil {
			info = mergeMedia(m, info)
		} else {
			j.warnings = append(j.warnings, fmt.Sprintf("probe finished file: %v", err))
		}
	}
	name, err := j.name(info, filepath.Ext(final))
	if err != nil {
		return "", fmt.Errorf("name finished file: %w", err)
	}
	if name == "" {
		return final, nil
	}
	name = filepath.Clean(name)
	if err := j.e.fs.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return "", fmt.Errorf("create target directory: %w", err)
	}
	return name, nil
}

// mergeMedia fills m's unknown fields from fallback.
func mergeMedia(m, fallback anime.MediaInfo) anime.MediaInfo {
	if m.Width == 0 || m.Height == 0 {
		m.Width, m.Height = fallback.Width, fallback.Height
	}
	if m.VideoCodec == "" {
		m.VideoCodec = fallback.VideoCodec
	}
	return m
}
