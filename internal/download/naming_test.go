package download

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// TestRequestNameGetsWhatTheFileHolds: the final name is chosen after the
// download from the probed file (ffprobe), or from the master playlist's
// RESOLUTION and CODECS without ffprobe; .part stays at the target.
func TestRequestNameGetsWhatTheFileHolds(t *testing.T) {
	ffmpeg, _ := needFFmpeg(t)
	s := newTSStream(t, ffmpeg, 3, 0.5)
	mux := http.NewServeMux()
	mux.Handle("/", s)
	mux.HandleFunc("/master.m3u8", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=1280x720,CODECS=\"avc1.64001f,mp4a.40.2\"\nindex.m3u8\n"))
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	tests := []struct {
		name      string
		opts      Options
		noFFprobe bool
		wantMedia anime.MediaInfo
		wantExt   string
	}{
		{"probed after the remux", Options{FFmpegPath: ffmpeg}, false, anime.MediaInfo{Width: 320, Height: 240, VideoCodec: "h264"}, ".mkv"},
		{"playlist figures without ffprobe", Options{DisableRemux: true}, true, anime.MediaInfo{Width: 1280, Height: 720, VideoCodec: "h264"}, ".ts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.noFFprobe {
				t.Setenv("PATH", t.TempDir())
			}
			out := t.TempDir()
			target := filepath.Join(out, "provisional.mkv")
			var gotMedia anime.MediaInfo
			var gotExt string
			res, err := testEngine(tt.opts).Download(context.Background(), anime.Stream{URL: ts.URL + "/master.m3u8", Lang: anime.LangGermanDub}, target,
				Request{Name: func(m anime.MediaInfo, ext string) (string, error) {
					gotMedia, gotExt = m, ext
					return filepath.Join(out, "Season 01", "final "+m.VideoCodec+ext), nil
				}})
			if err != nil {
				t.Fatal(err)
			}
			if gotMedia != tt.wantMedia || gotExt != tt.wantExt {
				t.Fatalf("Name got %+v %q; want %+v %q", gotMedia, gotExt, tt.wantMedia, tt.wantExt)
			}
			want := filepath.Join(out, "Season 01", "final h264"+tt.wantExt)
			if res.Path != want {
				t.Fatalf("path %q; want %q", res.Path, want)
			}
			onlyFile(t, filepath.Join(out, "Season 01"), filepath.Base(want))
			mustNotExist(t, PartPath(target))
			mustNotExist(t, StatePath(target))
		})
	}
}
