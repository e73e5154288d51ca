package metadata

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	faketmdb "github.com/aniworld/aniworld/internal/fake/tmdb"
)

func TestEndToEnd(t *testing.T) {
	e := newEnv(t, envOpts{})
	ctx := t.Context()
	dir := e.lib.add(t, showSeries())

	// create
	res, err := e.svc.Create(ctx, "show", DefaultCreateOptions())
	if err != nil {
		t.Fatal(err)
	}
	nfoPath := filepath.Join(dir, "tvshow.nfo")
	if res.NFOPath != nfoPath || res.SerieID != "show" || res.SerieFolder != "Show (2019)" || res.TMDBID != 85937 ||
		res.Message != "NFO and media files created successfully" {
		t.Errorf("create = %+v", res)
	}
	m := res.MediaFiles
	if !m.HasPoster || !m.HasLogo || !m.HasFanart || *m.PosterPath != filepath.Join(dir, "poster.jpg") ||
		*m.LogoPath != filepath.Join(dir, "logo.png") || *m.FanartPath != filepath.Join(dir, "fanart.jpg") {
		t.Errorf("media = %+v", m)
	}
	if got, want := files(t, dir), []string{"fanart.jpg", "logo.png", "poster.jpg", "tvshow.nfo"}; !slices.Equal(got, want) {
		t.Errorf("folder = %v, want %v", got, want)
	}
	if e.lib.remembered("show") != 85937 {
		t.Error("tmdb id not remembered")
	}
	if _, err := e.svc.Create(ctx, "show", DefaultCreateOptions()); !errors.Is(err, anime.ErrConflict) {
		t.Errorf("second create err = %v, want ErrConflict", err)
	}

	// check, and its JSON shape
	chk, err := e.svc.Check(ctx, "show")
	if err != nil {
		t.Fatal(err)
	}
	if !chk.HasNFO || *chk.NFOPath != nfoPath || chk.TMDBID != 85937 || !chk.MediaFiles.Any() {
		t.Errorf("check = %+v", chk)
	}
	var shape map[string]any
	b, _ := json.Marshal(chk)
	_ = json.Unmarshal(b, &shape)
	mf, _ := shape["media_files"].(map[string]any)
	if len(shape) != 5 || shape["has_nfo"] != true || len(mf) != 6 || mf["logo_path"] == nil {
		t.Errorf("check JSON = %s", b)
	}

	// content
	cnt, err := e.svc.Content(ctx, "show")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(nfoPath)
	if cnt.Content != string(raw) || cnt.FileSize != int64(len(raw)) || cnt.LastModified.IsZero() ||
		!strings.Contains(cnt.Content, `<uniqueid type="tmdb" default="true">85937</uniqueid>`) ||
		!strings.Contains(cnt.Content, `<mpaa>TV-14</mpaa>`) {
		t.Errorf("content = %+v", cnt)
	}

	// update uses the id from the NFO, never searches
	e.lib.forget("show")
	searches := e.fake.Count("/3/search/")
	changed := faketmdb.DefaultShow()
	changed.Overview = "A new overview"
	changed.Ratings = map[string]string{"US": "TV-14", "DE": "12"}
	e.fake.Add(changed)
	up, err := e.svc.Update(ctx, "show", false)
	if err != nil {
		t.Fatal(err)
	}
	if up.Message != "NFO updated successfully" || e.fake.Count("/3/search/") != searches {
		t.Errorf("update = %+v, searches %d -> %d", up, searches, e.fake.Count("/3/search/"))
	}
	raw, _ = os.ReadFile(nfoPath)
	if !strings.Contains(string(raw), "<plot>A new overview</plot>") || !strings.Contains(string(raw), "<mpaa>12</mpaa>") {
		t.Errorf("updated nfo:\n%s", raw)
	}

	// media status and download of what is missing only
	if err := os.Remove(filepath.Join(dir, "poster.jpg")); err != nil {
		t.Fatal(err)
	}
	st, err := e.svc.MediaStatus(ctx, "show")
	if err != nil || st.HasPoster || st.PosterPath != nil || !st.HasLogo {
		t.Errorf("media status = %+v, %v", st, err)
	}
	images := e.fake.Count("/t/p/")
	got, err := e.svc.DownloadMedia(ctx, "show", MediaOptions{DownloadPoster: true, DownloadLogo: true, DownloadFanart: true})
	if err != nil || !got.HasPoster || !got.HasLogo || !got.HasFanart {
		t.Errorf("download media = %+v, %v", got, err)
	}
	if n := e.fake.Count("/t/p/") - images; n != 1 {
		t.Errorf("%d image requests, want 1 (existing files kept)", n)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "poster.jpg")); len(b) < 3 || b[0] != 0xFF || b[1] != 0xD8 {
		t.Errorf("poster.jpg is not a jpeg: % x", b)
	}

	// update with media replaces the artwork
	images = e.fake.Count("/t/p/")
	if _, err := e.svc.Update(ctx, "show", true); err != nil {
		t.Fatal(err)
	}
	if n := e.fake.Count("/t/p/") - images; n != 3 {
		t.Errorf("update with media made %d image requests, want 3", n)
	}

	// episode NFO
	video := filepath.Join(dir, "Show - S01E01 - Ep 1.mkv")
	if err := os.WriteFile(video, []byte("video"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.WriteEpisodeNFO(ctx, "show", anime.EpisodeRef{Season: 1, Episode: 1}, video)
	if err != nil {
		t.Fatal(err)
	}
	if p != filepath.Join(dir, "Show - S01E01 - Ep 1.nfo") {
		t.Errorf("episode nfo path %q", p)
	}
	epx, _ := os.ReadFile(p)
	for _, want := range []string{"<episodedetails>", "<title>Ep 1</title>", "<showtitle>Show</showtitle>",
		"<season>1</season>", "<episode>1</episode>", "<aired>2019-04-06</aired>", "/original/e1.jpg</thumb>"} {
		if !strings.Contains(string(epx), want) {
			t.Errorf("episode nfo lacks %s:\n%s", want, epx)
		}
	}
	seasonCalls := e.fake.Count("/3/tv/85937/season/")
	if _, err := e.svc.WriteEpisodeNFO(ctx, "show", anime.EpisodeRef{Season: 1, Episode: 1}, video); err != nil {
		t.Fatal(err)
	}
	if e.fake.Count("/3/tv/85937/season/") != seasonCalls {
		t.Error("season not served from cache")
	}
	if _, err := e.svc.WriteEpisodeNFO(ctx, "show", anime.EpisodeRef{Season: 1, Episode: 7}, video); !errors.Is(err, anime.ErrNotFound) {
		t.Errorf("unknown episode err = %v", err)
	}
}

func TestMissingAndOptions(t *testing.T) {
	e := newEnv(t, envOpts{svc: Options{ClearLogo: true, SeasonPosters: true}})
	ctx := t.Context()
	dir := e.lib.add(t, showSeries())
	other := e.lib.add(t, anime.Series{Key: "other", Name: "Other", Folder: "Other"})
	if err := os.WriteFile(filepath.Join(other, "fanart.jpg"), []byte{0xFF, 0xD8, 0xFF}, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Create(ctx, "show", DefaultCreateOptions()); err != nil {
		t.Fatal(err)
	}
	want := []string{"clearlogo.png", "fanart.jpg", "logo.png", "poster.jpg", "season01-poster.jpg", "tvshow.nfo"}
	if got := files(t, dir); !slices.Equal(got, want) {
		t.Errorf("folder = %v, want %v", got, want)
	}
	miss, err := e.svc.Missing(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if miss.TotalSeries != 2 || miss.MissingNFOCount != 1 || len(miss.Series) != 1 {
		t.Fatalf("missing = %+v", miss)
	}
	if it := miss.Series[0]; it.SerieID != "other" || it.SerieName != "Other" || !it.HasMedia || !it.MediaFiles.HasFanart || it.MediaFiles.HasPoster {
		t.Errorf("missing item = %+v", it)
	}
}

func TestSearchFallsBackWithoutYear(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.lib.add(t, anime.Series{Key: "show", Name: "Show", Folder: "Show (2020)"})
	res, err := e.svc.Create(t.Context(), "show", CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.TMDBID != 85937 || e.fake.Count("/3/search/") != 2 {
		t.Errorf("id %d after %d searches", res.TMDBID, e.fake.Count("/3/search/"))
	}
	if got := files(t, filepath.Dir(res.NFOPath)); !slices.Equal(got, []string{"tvshow.nfo"}) {
		t.Errorf("no downloads requested, folder = %v", got)
	}
}

func TestDisabled(t *testing.T) {
	lib := newLibrary(t)
	lib.add(t, showSeries())
	svc, err := New(Options{Series: lib})
	if err != nil {
		t.Fatal(err)
	}
	if svc.Enabled() {
		t.Fatal("Enabled() with no client")
	}
	ctx := t.Context()
	for name, call := range map[string]func() error{
		"check":   func() error { _, err := svc.Check(ctx, "show"); return err },
		"create":  func() error { _, err := svc.Create(ctx, "show", DefaultCreateOptions()); return err },
		"update":  func() error { _, err := svc.Update(ctx, "show", true); return err },
		"media":   func() error { _, err := svc.DownloadMedia(ctx, "show", MediaOptions{}); return err },
		"batch":   func() error { _, err := svc.BatchCreate(ctx, DefaultBatchOptions()); return err },
		"missing": func() error { _, err := svc.Missing(ctx); return err },
		"episode": func() error {
			_, err := svc.WriteEpisodeNFO(ctx, "show", anime.EpisodeRef{Season: 1, Episode: 1}, "/x")
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			err := call()
			if !errors.Is(err, anime.ErrUnavailable) || !errors.Is(err, ErrDisabled) ||
				!strings.Contains(err.Error(), "nfo.tmdb_api_key") || !strings.Contains(err.Error(), "ANIWORLD_TMDB_API_KEY") {
				t.Errorf("err = %v", err)
			}
		})
	}
	if _, err := svc.MediaStatus(ctx, "show"); err != nil {
		t.Errorf("media status works without tmdb: %v", err)
	}
	if _, err := svc.Content(ctx, "show"); !errors.Is(err, anime.ErrNotFound) {
		t.Errorf("content without nfo: %v", err)
	}
}

func TestCheckRemembersIDFromNFO(t *testing.T) {
	e := newEnv(t, envOpts{})
	dir := e.lib.add(t, showSeries())
	chk, err := e.svc.Check(t.Context(), "show")
	if err != nil || chk.HasNFO || chk.NFOPath != nil || chk.MediaFiles.Any() || chk.TMDBID != 0 {
		t.Fatalf("check of an empty folder = %+v, %v", chk, err)
	}
	// An NFO written by another tool, with only a legacy id element.
	doc := `<?xml version="1.0" encoding="UTF-8"?><tvshow><title>Show</title><tmdbid>85937</tmdbid></tvshow>`
	if err := os.WriteFile(filepath.Join(dir, "tvshow.nfo"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	chk, err = e.svc.Check(t.Context(), "show")
	if err != nil || !chk.HasNFO || chk.TMDBID != 85937 || e.lib.remembered("show") != 85937 {
		t.Errorf("check = %+v, %v; remembered %d", chk, err, e.lib.remembered("show"))
	}
	// Update can now work from that id without searching.
	if _, err := e.svc.Update(t.Context(), "show", false); err != nil || e.fake.Count("/3/search/") != 0 {
		t.Errorf("update: %v, %d searches", err, e.fake.Count("/3/search/"))
	}
}
