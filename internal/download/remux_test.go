package download

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// needFFmpeg returns the ffmpeg and ffprobe paths or skips the test.
func needFFmpeg(t *testing.T) (string, string) {
	t.Helper()
	ff, err1 := exec.LookPath("ffmpeg")
	fp, err2 := exec.LookPath("ffprobe")
	if err1 != nil || err2 != nil {
		t.Skip("ffmpeg/ffprobe not on PATH: install ffmpeg to run the remux tests")
	}
	return ff, fp
}

// makeHLS writes a real 2 s H.264/AAC MPEG-TS, split into HLS segments,
// into dir and returns the playlist name.
func makeHLS(t *testing.T, ffmpeg, dir string) {
	t.Helper()
	cmd := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin",
		"-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=10",
		"-f", "lavfi", "-i", "sine=frequency=440:duration=2",
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "5", "-c:a", "aac", "-shortest",
		"-f", "hls", "-hls_time", "0.5", "-hls_list_size", "0",
		"-hls_segment_filename", filepath.Join(dir, "seg%03d.ts"), filepath.Join(dir, "index.m3u8"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generate test stream: %v\n%s", err, out)
	}
}

type probed struct {
	Format struct {
		FormatName string `json:"format_name"`
	} `json:"format"`
	Streams []struct {
		CodecType string            `json:"codec_type"`
		Tags      map[string]string `json:"tags"`
	} `json:"streams"`
}

func probe(t *testing.T, ffprobe, path string) probed {
	t.Helper()
	out, err := exec.Command(ffprobe, "-v", "error", "-show_entries", "format=format_name:stream=codec_type:stream_tags=language", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p probed
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p probed) lang(kind string) string {
	for _, s := range p.Streams {
		if s.CodecType == kind {
			return s.Tags["language"]
		}
	}
	return "<no " + kind + " stream>"
}

func TestRemuxWithFFmpeg(t *testing.T) {
	ffmpeg, ffprobe := needFFmpeg(t)
	dir := t.TempDir()
	makeHLS(t, ffmpeg, dir)
	ts := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer ts.Close()

	tests := []struct {
		name       string
		target     string
		lang       anime.Language
		disable    bool
		wantPath   string
		wantFormat string
		wantAudio  string
		wantVideo  string
		wantRemux  bool
	}{
		{name: "mkv german sub tags video", target: "ep.mkv", lang: anime.LangGermanSub, wantPath: "ep.mkv", wantFormat: "matroska", wantAudio: "jpn", wantVideo: "deu", wantRemux: true},
		{name: "mp4 english sub", target: "ep.mp4", lang: anime.LangEnglishSub, wantPath: "ep.mp4", wantFormat: "mp4", wantAudio: "jpn", wantVideo: "eng", wantRemux: true},
		{name: "mp4 german dub leaves video untagged", target: "ep.mp4", lang: anime.LangGermanDub, wantPath: "ep.mp4", wantFormat: "mp4", wantAudio: "deu", wantVideo: "und", wantRemux: true},
		{name: "no ffmpeg keeps ts", target: "ep.mkv", lang: anime.LangGermanDub, disable: true, wantPath: "ep.ts", wantFormat: "mpegts", wantAudio: "", wantVideo: "", wantRemux: false},
		{name: "unknown extension becomes mp4", target: "Show Vol. 2", lang: anime.LangEnglishDub, wantPath: "Show Vol. 2.mp4", wantFormat: "mp4", wantAudio: "eng", wantVideo: "und", wantRemux: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			o := Options{FFmpegPath: ffmpeg, DisableRemux: tt.disable}
			e := testEngine(o)
			if e.RemuxAvailable() == tt.disable {
				t.Fatalf("RemuxAvailable = %v", e.RemuxAvailable())
			}
			res, err := e.Download(context.Background(), anime.Stream{URL: ts.URL + "/index.m3u8", Kind: anime.StreamHLS, Lang: tt.lang}, filepath.Join(out, tt.target), Request{})
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(out, tt.wantPath); res.Path != want {
				t.Errorf("path = %s, want %s", res.Path, want)
			}
			if res.Remuxed != tt.wantRemux || (tt.disable && len(res.Warnings) == 0) {
				t.Errorf("result = %+v", res)
			}
			p := probe(t, ffprobe, res.Path)
			if !strings.Contains(p.Format.FormatName, tt.wantFormat) {
				t.Errorf("format = %s, want %s", p.Format.FormatName, tt.wantFormat)
			}
			if tt.wantAudio != "" && (p.lang("audio") != tt.wantAudio || p.lang("video") != tt.wantVideo) {
				t.Errorf("languages audio=%q video=%q, want %q %q", p.lang("audio"), p.lang("video"), tt.wantAudio, tt.wantVideo)
			}
			entries, _ := os.ReadDir(out)
			if len(entries) != 1 {
				t.Errorf("leftover files: %v", entries)
			}
		})
	}
}

// failingRemuxer always fails, as ffmpeg does on a corrupt stream.
type failingRemuxer struct{ calls int }

func (f *failingRemuxer) Remux(context.Context, string, string, RemuxSpec) error {
	f.calls++
	return errors.New("exit status 1: Invalid data found when processing input")
}

func TestRemuxFailureKeepsSource(t *testing.T) {
	data := randomBytes(9, 100000)
	ts := httptest.NewServer(&mp4Server{data: data})
	defer ts.Close()
	out := t.TempDir()
	rm := &failingRemuxer{}
	e := testEngine(Options{Remuxer: rm})
	res, err := e.Download(context.Background(), anime.Stream{URL: ts.URL + "/v.mp4", Lang: anime.LangGermanDub}, filepath.Join(out, "ep.mkv"), Request{})
	if err != nil {
		t.Fatal(err)
	}
	if rm.calls != 1 || res.Remuxed || len(res.Warnings) != 1 || res.Path != filepath.Join(out, "ep.mp4") {
		t.Fatalf("result = %+v, calls %d", res, rm.calls)
	}
	if fileSHA(t, res.Path) != sha(data) {
		t.Error("kept file differs")
	}
}

func TestFFmpegArgs(t *testing.T) {
	f := &FFmpeg{Path: "ffmpeg"}
	tests := []struct {
		name     string
		spec     RemuxSpec
		want     []string
		wantNone []string
	}{
		{"subbed mkv", RemuxSpec{Format: "matroska", AudioLang: "jpn", VideoLang: "deu"},
			[]string{"-c copy", "-metadata:s:a language=jpn", "-metadata:s:v language=deu", "-f matroska out"}, []string{"faststart"}},
		{"dub mp4", RemuxSpec{Format: "mp4", AudioLang: "deu"},
			[]string{"-c copy", "-metadata:s:a language=deu", "-movflags +faststart", "-f mp4 out"}, []string{"-metadata:s:v"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := strings.Join(f.Args("in", "out", tt.spec), " ")
			for _, w := range tt.want {
				if !strings.Contains(args, w) {
					t.Errorf("args %q lack %q", args, w)
				}
			}
			for _, w := range tt.wantNone {
				if strings.Contains(args, w) {
					t.Errorf("args %q contain %q", args, w)
				}
			}
			if !slices.Contains(f.Args("in", "out", tt.spec), "in") {
				t.Error("input missing")
			}
		})
	}
}
