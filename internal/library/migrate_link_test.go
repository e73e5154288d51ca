package library

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// TestLegacySToLinkMigrates: a series added under the retired
// https://s.to/serie/stream/<slug> form (as the previous version stored it)
// keeps its key, files and download marks when the library moves to the
// serienstream sites; its link is rewritten on the next scan, in the
// database and in the marker, and stays stable afterwards.
func TestLegacySToLinkMigrates(t *testing.T) {
	ctx := context.Background()
	oldSites := []Site{
		{Name: SiteAniworld, BaseURL: "https://aniworld.to", StreamPath: "/anime/stream/"},
		{Name: SiteSTo, BaseURL: "https://s.to", StreamPath: "/serie/stream/"},
	}
	env := newEnv(t, func(o *Options) { o.Sites = oldSites })
	env.cat.add("breaking-bad", "Breaking Bad", 2008, map[int][]int{1: {1, 2}})
	res, err := env.svc.Add(ctx, "https://s.to/serie/stream/breaking-bad", "")
	if err != nil {
		t.Fatal(err)
	}
	rel := "Season 01/Breaking Bad - S01E01 - (German Dub).mp4"
	env.touch(t, filepath.Join(res.Folder, rel))
	if err := env.svc.MarkDownloaded(ctx, "breaking-bad", anime.EpisodeRef{Season: 1, Episode: 1}, anime.LangGermanDub,
		anime.Target{Rel: rel, Abs: filepath.Join(env.dir, res.Folder, filepath.FromSlash(rel))}); err != nil {
		t.Fatal(err)
	}
	env.scan(t)
	if m, _ := ReadMarker(filepath.Join(env.dir, res.Folder)); m.Link != "https://s.to/serie/stream/breaking-bad" {
		t.Fatalf("old version's marker %+v", m)
	}
	env.svc.Close()

	// The new version: same database and directory, serienstream sites.
	svc, err := New(Options{AnimeDir: env.dir, Catalog: env.cat, Publisher: env.rec, Store: env.db, Workers: 2,
		Sites: append(oldSites[:1:1], SerienstreamSites([]string{"http://127.0.0.1:9"})...)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	env.svc = svc
	const want = "http://127.0.0.1:9/serie/breaking-bad"
	for i := 0; i < 3; i++ { // the rewrite, the scan that sees the new marker, a quiet one
		sum := env.scan(t)
		d, _, err := svc.Get(ctx, "breaking-bad")
		if err != nil || d.Key != "breaking-bad" || d.Site != SiteSTo || d.Link != want || d.Folder != res.Folder ||
			!slices.Equal(d.Episodes, []string{"1-1"}) || !slices.Equal(d.MissingEpisodes["1"], []int{2}) {
			t.Fatalf("scan %d: %+v %v", i+1, d, err)
		}
		m, err := ReadMarker(filepath.Join(env.dir, res.Folder))
		if err != nil || m.Link != want || m.Key != "breaking-bad" || m.Site != SiteSTo || m.Name != "Breaking Bad" || m.Year != 2008 {
			t.Fatalf("scan %d: marker %+v %v", i+1, m, err)
		}
		if i == 2 && sum.Unchanged != 1 {
			t.Errorf("third scan changed something: %+v", sum)
		}
	}
	checkConsistent(t, env.db)
}

// TestLegacyMarkerOnFirstScan: a folder whose marker still carries the
// retired s.to link (a library rebuilt from disk) is adopted with the new
// link, and its marker is rewritten.
func TestLegacyMarkerOnFirstScan(t *testing.T) {
	env := newEnv(t, nil) // DefaultSites: serienstream.to canonical
	env.cat.add("the-office", "The Office", 2005, map[int][]int{1: {1}})
	dir := filepath.Join(env.dir, "The Office (2005)")
	env.touch(t, "The Office (2005)/Season 01/The Office - S01E01 - (German Dub).mp4")
	if err := WriteMarker(dir, Marker{Key: "the-office", Site: SiteSTo, Name: "The Office", Year: 2005,
		Link: "https://s.to/serie/stream/the-office"}); err != nil {
		t.Fatal(err)
	}
	env.scan(t)
	const want = "https://serienstream.to/serie/the-office"
	d, _, err := env.svc.Get(context.Background(), "the-office")
	if err != nil || d.Link != want || d.Site != SiteSTo || len(d.Episodes) != 1 {
		t.Fatalf("series %+v %v", d, err)
	}
	if m, err := ReadMarker(dir); err != nil || m.Link != want || m.Key != "the-office" {
		t.Fatalf("marker %+v %v", m, err)
	}
}

// TestSameKeyFromTheOtherSite: a key is in the library once; adding it
// from the other site is a conflict that names the site and folder it is
// already in, and adding it again from the same site says so plainly.
func TestSameKeyFromTheOtherSite(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t, nil)
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1}})
	if _, err := env.svc.Add(ctx, "https://aniworld.to/anime/stream/naruto", ""); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		link, want string
	}{
		{"https://serienstream.to/serie/naruto", `already in the library from aniworld.to (folder "Naruto")`},
		{"https://aniworld.to/anime/stream/naruto", "naruto\": conflict: already in the library"},
	}
	for _, tc := range tests {
		_, err := env.svc.Add(ctx, tc.link, "")
		if !errors.Is(err, anime.ErrConflict) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("add %s: %v; want a conflict saying %q", tc.link, err, tc.want)
		}
	}
}
