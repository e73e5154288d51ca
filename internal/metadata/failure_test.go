package metadata

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	faketmdb "github.com/aniworld/aniworld/internal/fake/tmdb"
)

func TestBadInput(t *testing.T) {
	e := newEnv(t, envOpts{})
	ctx := t.Context()
	dir := e.lib.add(t, showSeries())
	e.lib.add(t, anime.Series{Key: "gone", Name: "Gone", Folder: "Gone"})
	if err := os.Remove(filepath.Join(e.lib.root, "Gone")); err != nil {
		t.Fatal(err)
	}
	e.lib.mu.Lock()
	e.lib.byID["relative"], e.lib.dirs["relative"] = anime.Series{Key: "relative"}, "relative/dir"
	e.lib.mu.Unlock()

	for _, tc := range []struct {
		name string
		call func() error
		want error
	}{
		{"unknown id", func() error { _, err := e.svc.Check(ctx, "nope"); return err }, anime.ErrNotFound},
		{"unknown id create", func() error { _, err := e.svc.Create(ctx, "nope", DefaultCreateOptions()); return err }, anime.ErrNotFound},
		{"dot dot", func() error { _, err := e.svc.Check(ctx, ".."); return err }, anime.ErrInvalid},
		{"traversal", func() error { _, err := e.svc.Content(ctx, "../etc"); return err }, anime.ErrInvalid},
		{"slash", func() error { _, err := e.svc.MediaStatus(ctx, "a/b"); return err }, anime.ErrInvalid},
		{"backslash", func() error { _, err := e.svc.Create(ctx, `a\b`, DefaultCreateOptions()); return err }, anime.ErrInvalid},
		{"nul", func() error { _, err := e.svc.Check(ctx, "a\x00b"); return err }, anime.ErrInvalid},
		{"empty", func() error { _, err := e.svc.Check(ctx, ""); return err }, anime.ErrInvalid},
		{"folder missing on disk", func() error { _, err := e.svc.Check(ctx, "gone"); return err }, anime.ErrNotFound},
		{"relative folder", func() error { _, err := e.svc.Check(ctx, "relative"); return err }, anime.ErrInvalid},
		{"max_concurrent 0", func() error {
			_, err := e.svc.BatchCreate(ctx, BatchOptions{SerieIDs: []string{"show"}, MaxConcurrent: 0})
			return err
		}, anime.ErrInvalid},
		{"max_concurrent 11", func() error {
			_, err := e.svc.BatchCreate(ctx, BatchOptions{SerieIDs: []string{"show"}, MaxConcurrent: 11})
			return err
		}, anime.ErrInvalid},
		{"update without nfo", func() error { _, err := e.svc.Update(ctx, "show", true); return err }, anime.ErrNotFound},
		{"media download without nfo", func() error {
			_, err := e.svc.DownloadMedia(ctx, "show", MediaOptions{DownloadPoster: true})
			return err
		}, anime.ErrNotFound},
		{"content without nfo", func() error { _, err := e.svc.Content(ctx, "show"); return err }, anime.ErrNotFound},
		{"no confident match", func() error {
			_, err := e.svc.Create(ctx, "show", CreateOptions{SerieName: "Sh"})
			return err
		}, anime.ErrNotFound},
		{"episode video outside folder", func() error {
			_, err := e.svc.WriteEpisodeNFO(ctx, "show", anime.EpisodeRef{Season: 1, Episode: 1}, filepath.Join(e.lib.root, "x.mkv"))
			return err
		}, anime.ErrForbidden},
		{"episode video relative", func() error {
			_, err := e.svc.WriteEpisodeNFO(ctx, "show", anime.EpisodeRef{Season: 1, Episode: 1}, "x.mkv")
			return err
		}, anime.ErrInvalid},
		{"episode video escapes with dot dot", func() error {
			_, err := e.svc.WriteEpisodeNFO(ctx, "show", anime.EpisodeRef{Season: 1, Episode: 1}, dir+"/../x.mkv")
			return err
		}, anime.ErrForbidden},
		{"episode zero", func() error {
			_, err := e.svc.WriteEpisodeNFO(ctx, "show", anime.EpisodeRef{Season: 1, Episode: 0}, dir+"/x.mkv")
			return err
		}, anime.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("bad input wrote files: %v", got)
	}
}

func TestSymlinkOutsideIsRefused(t *testing.T) {
	e := newEnv(t, envOpts{})
	dir := e.lib.add(t, showSeries())
	outside := filepath.Join(t.TempDir(), "victim.nfo")
	if err := os.WriteFile(outside, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "tvshow.nfo")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Content(t.Context(), "show"); !errors.Is(err, anime.ErrNotFound) {
		t.Errorf("content through an outside symlink: %v", err)
	}
	if _, err := e.svc.Create(t.Context(), "show", CreateOptions{OverwriteExisting: true}); !errors.Is(err, anime.ErrForbidden) {
		t.Errorf("create over an outside symlink: %v", err)
	}
	if b, _ := os.ReadFile(outside); string(b) != "secret" {
		t.Error("file outside the folder was changed")
	}
}

func TestTMDBFailureLeavesNoPartialFiles(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fault     faketmdb.Fault
		wantErr   error
		wantFiles []string
		wantMsg   string
	}{
		{"show details 500", faketmdb.Fault{Path: "/3/tv/", Status: 500}, anime.ErrUnavailable, nil, ""},
		{"search 500", faketmdb.Fault{Path: "/3/search/", Status: 500}, anime.ErrUnavailable, nil, ""},
		{"rate limited for good", faketmdb.Fault{Path: "/3/", Status: 429, RetryAfter: "0"}, anime.ErrUnavailable, nil, ""},
		{"images 500", faketmdb.Fault{Path: "/t/p/", Status: 500}, nil, []string{"tvshow.nfo"}, "poster.jpg"},
		{"html page as image", faketmdb.Fault{Path: "/t/p/", Status: 200, Body: "<html>oops</html>", ContentType: "text/html"},
			nil, []string{"tvshow.nfo"}, "Content-Type"},
		{"html body labelled jpeg", faketmdb.Fault{Path: "/t/p/original/p.jpg", Status: 200, Body: "<html>oops</html>", ContentType: "image/jpeg"},
			nil, []string{"fanart.jpg", "logo.png", "tvshow.nfo"}, "magic"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOpts{})
			dir := e.lib.add(t, showSeries())
			e.fake.Inject(tc.fault)
			res, err := e.svc.Create(t.Context(), "show", DefaultCreateOptions())
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "tmdb") {
				t.Errorf("error does not name tmdb: %v", err)
			}
			if got := files(t, dir); !slices.Equal(got, tc.wantFiles) {
				t.Errorf("folder = %v, want %v", got, tc.wantFiles)
			}
			if tc.wantMsg != "" && !strings.Contains(res.Message, tc.wantMsg) {
				t.Errorf("message %q lacks %q", res.Message, tc.wantMsg)
			}
		})
	}
}

func TestDownloadMediaReportsFailure(t *testing.T) {
	e := newEnv(t, envOpts{})
	dir := e.lib.add(t, showSeries())
	if _, err := e.svc.Create(t.Context(), "show", CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.fake.Inject(faketmdb.Fault{Path: "/t/p/original/l.png", Status: 500})
	m, err := e.svc.DownloadMedia(t.Context(), "show", MediaOptions{DownloadPoster: true, DownloadLogo: true})
	if !errors.Is(err, anime.ErrUnavailable) || !strings.Contains(err.Error(), "logo.png") {
		t.Errorf("err = %v", err)
	}
	if !m.HasPoster || m.HasLogo {
		t.Errorf("media = %+v", m)
	}
	if got := files(t, dir); !slices.Equal(got, []string{"poster.jpg", "tvshow.nfo"}) {
		t.Errorf("folder = %v", got)
	}
}
