package library

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/event"
)

func TestScanLayouts(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	env.cat.add("attack-on-titan", "Attack on Titan", 2013, map[int][]int{0: {1}, 1: {1, 2, 3}})
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1, 2, 3, 4, 5, 6}})

	// Season layout, written with the default naming template.
	env.marker(t, "Attack on Titan (2013)", "attack-on-titan", "Attack on Titan", 2013)
	aot := anime.Series{Key: "attack-on-titan", Name: "Attack on Titan"}
	for _, ep := range []anime.EpisodeRef{{Season: 1, Episode: 1}, {Season: 1, Episode: 2}, {Season: 0, Episode: 1}} {
		rel, err := EpisodePath("", aot, ep, anime.LangGermanDub, "")
		if err != nil {
			t.Fatal(err)
		}
		env.touch(t, "Attack on Titan (2013)/"+rel)
	}
	env.touch(t, "Attack on Titan (2013)/Season 01/Attack on Titan - S01E03 - (German Dub).mp4.part")
	env.touch(t, "Attack on Titan (2013)/Season 01/.Attack on Titan - S01E03.mp4")
	env.touch(t, "Attack on Titan (2013)/Season 01/Attack on Titan - S01E03.part.json")
	env.touch(t, "Attack on Titan (2013)/tvshow.nfo")

	// Flat layout with multi-episode files.
	env.marker(t, "Naruto", "naruto", "Naruto", 2002)
	env.touch(t, "Naruto/Naruto S01E01-E02.mkv")
	env.touch(t, "Naruto/Naruto 1x03.mkv")
	// A symlink inside the library is followed; one leaving it is not.
	env.touch(t, "Naruto/.store/blob")
	if err := os.Symlink(filepath.Join(env.dir, "Naruto/.store/blob"), filepath.Join(env.dir, "Naruto/Naruto S01E05.mkv")); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.mkv"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.mkv"), filepath.Join(env.dir, "Naruto/Naruto S01E04.mkv")); err != nil {
		t.Fatal(err)
	}
	// A symlinked series folder pointing out of the library is ignored.
	if err := WriteMarker(outside, Marker{Key: "evil", Name: "Evil"}); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(env.dir, "Evil")); err != nil {
		t.Fatal(err)
	}

	sum := env.scan(t)
	if sum.Series != 2 || sum.Added != 2 || sum.Unmatched != 0 || len(sum.Errors) != 0 || sum.Episodes != 6 {
		t.Fatalf("summary %+v", sum)
	}
	checkConsistent(t, env.db)

	tests := []struct {
		key      string
		folder   string
		episodes []string
		missing  anime.MissingEpisodes
	}{
		{"attack-on-titan", "Attack on Titan (2013)", []string{"0-1", "1-1", "1-2"}, anime.MissingEpisodes{"1": {3}}},
		{"naruto", "Naruto", []string{"1-1", "1-2", "1-3", "1-5"}, anime.MissingEpisodes{"1": {4, 6}}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			d, dep, err := env.svc.Get(ctx, tt.key)
			if err != nil || dep {
				t.Fatalf("get: %v deprecated=%v", err, dep)
			}
			if d.Folder != tt.folder || !slices.Equal(d.Episodes, tt.episodes) || !reflect.DeepEqual(d.MissingEpisodes, tt.missing) {
				t.Fatalf("detail %+v", d)
			}
		})
	}
	files, err := env.db.SeriesEpisodes(ctx, "naruto")
	if err != nil || len(files) != 4 {
		t.Fatalf("naruto files %+v %v", files, err)
	}
	for _, f := range files {
		if f.Size != 1 {
			t.Fatalf("file %s size %d; want 1", f.Path, f.Size)
		}
	}
	if _, _, err := env.svc.Get(ctx, "evil"); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("symlinked folder was scanned: %v", err)
	}
	// Folder lookup still works, flagged as deprecated.
	if d, dep, err := env.svc.Get(ctx, "Naruto"); err != nil || !dep || d.Key != "naruto" {
		t.Fatalf("folder lookup: %+v %v %v", d, dep, err)
	}
	if n := len(env.rec.OfType(event.ScanComplete)); n != 1 {
		t.Fatalf("scan_complete events = %d", n)
	}
	if n := len(env.rec.OfType(event.ScanProgress)); n < 1 || n > 2 {
		t.Fatalf("scan_progress events = %d; want throttled 1..2", n)
	}
	dir, count, err := env.svc.Status(ctx)
	if err != nil || dir != env.dir || count != 2 {
		t.Fatalf("status %q %d %v", dir, count, err)
	}
}

func TestRescanReflectsChanges(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1, 2, 3, 4}})
	env.cat.add("bleach", "Bleach", 2004, map[int][]int{1: {1, 2}})
	env.marker(t, "Naruto", "naruto", "Naruto", 2002)
	env.touch(t, "Naruto/Naruto S01E01.mkv")
	env.touch(t, "Naruto/Naruto S01E02.mkv")
	env.marker(t, "Bleach", "bleach", "Bleach", 2004)
	env.touch(t, "Bleach/Bleach S01E01.mkv")
	env.scan(t)

	// Unchanged: nothing is written.
	if sum := env.scan(t); sum.Unchanged != 2 || sum.Updated != 0 || sum.Added != 0 {
		t.Fatalf("idle rescan %+v", sum)
	}

	// Add, delete, rename files; rename a folder.
	env.touch(t, "Naruto/Naruto S01E03.mkv")
	if err := os.Remove(filepath.Join(env.dir, "Naruto/Naruto S01E01.mkv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(env.dir, "Naruto/Naruto S01E02.mkv"), filepath.Join(env.dir, "Naruto/Naruto - S01E04 - (German Sub).mkv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(env.dir, "Bleach"), filepath.Join(env.dir, "Bleach (2004)")); err != nil {
		t.Fatal(err)
	}
	sum := env.scan(t)
	if sum.Updated != 2 || sum.Removed != 0 || sum.Added != 0 {
		t.Fatalf("rescan %+v", sum)
	}
	checkConsistent(t, env.db)
	d, _, err := env.svc.Get(ctx, "naruto")
	if err != nil || !slices.Equal(d.Episodes, []string{"1-3", "1-4"}) || !reflect.DeepEqual(d.MissingEpisodes, anime.MissingEpisodes{"1": {1, 2}}) {
		t.Fatalf("naruto %+v %v", d, err)
	}
	files, err := env.db.SeriesEpisodes(ctx, "naruto")
	if err != nil || len(files) != 2 || files[1].Language != anime.LangGermanSub {
		t.Fatalf("files %+v %v", files, err)
	}
	d, _, err = env.svc.Get(ctx, "bleach")
	if err != nil || d.Folder != "Bleach (2004)" || !slices.Equal(d.Episodes, []string{"1-1"}) {
		t.Fatalf("bleach after folder rename %+v %v", d, err)
	}

	// A deleted folder removes its series.
	if err := os.RemoveAll(filepath.Join(env.dir, "Bleach (2004)")); err != nil {
		t.Fatal(err)
	}
	if sum := env.scan(t); sum.Removed != 1 || sum.Series != 1 {
		t.Fatalf("after delete %+v", sum)
	}
	if _, _, err := env.svc.Get(ctx, "bleach"); !errors.Is(err, anime.ErrNotFound) {
		t.Fatalf("bleach still there: %v", err)
	}
}

func TestScanKeepsSeriesWhenDirectoryEmpty(t *testing.T) {
	env := newEnv(t, nil)
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1}})
	env.marker(t, "Naruto", "naruto", "Naruto", 2002)
	env.scan(t)
	if err := os.RemoveAll(filepath.Join(env.dir, "Naruto")); err != nil {
		t.Fatal(err)
	}
	sum := env.scan(t)
	if sum.Removed != 0 || len(sum.Errors) != 1 {
		t.Fatalf("summary %+v", sum)
	}
	if _, n, _ := env.svc.Status(context.Background()); n != 1 {
		t.Fatalf("series count %d; want 1 kept", n)
	}
}

func TestScanCancelledMidwayStaysConsistent(t *testing.T) {
	env := newEnv(t, nil)
	const n = 30
	for i := range n {
		key := "show-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		env.cat.add(key, key, 0, map[int][]int{1: {1, 2, 3, 4}})
		env.marker(t, key, key, key, 0)
		env.touch(t, key+"/Season 01/x - S01E01 - (German Dub).mp4")
		env.touch(t, key+"/Season 01/x - S01E02-E03.mp4")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sum, err := env.svc.Scan(ctx, func(d event.ScanData) {
		if d.Current == 10 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || !sum.Cancelled {
		t.Fatalf("err = %v, summary %+v", err, sum)
	}
	checkConsistent(t, env.db)
	_, count, _ := env.svc.Status(context.Background())
	if count != 10 {
		t.Fatalf("series after cancelled scan = %d; want the 10 applied", count)
	}
	if env.svc.Scanning() {
		t.Fatal("still scanning")
	}
	sum = env.scan(t)
	if sum.Series != n || sum.Added != n-10 || sum.Unchanged != 10 {
		t.Fatalf("follow-up scan %+v", sum)
	}
	checkConsistent(t, env.db)
}

func TestScanIdentifiesFoldersWithoutMarker(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	env.cat.add("attack-on-titan", "Attack on Titan", 2013, map[int][]int{1: {1, 2}})
	env.cat.add("kanon-2006", "Kanon", 2006, map[int][]int{1: {1}})
	env.cat.searches["Attack on Titan"] = []Candidate{
		{Key: "attack-on-titan", Name: "Attack on Titan", Site: SiteAniworld, Year: 2013},
		{Key: "attack-on-titan-junior-high", Name: "Attack on Titan: Junior High", Site: SiteAniworld},
	}
	env.cat.searches["Kanon"] = []Candidate{{Key: "kanon", Name: "Kanon", Year: 2002}, {Key: "kanon-2006", Name: "Kanon", Year: 2006}}
	env.cat.searches["Mystery Show"] = []Candidate{{Key: "mystery-show-2", Name: "Mystery Show 2"}}
	env.cat.searches["Old Show"] = []Candidate{{Key: "old-show", Name: "Old Show", Year: 2005}}
	env.cat.searchErr["Broken"] = errors.New("site down")

	for _, f := range []string{"Attack on Titan (2013)", "Kanon (2006)", "Kanon", "Mystery Show", "Old Show (1999)", "Broken"} {
		env.touch(t, f+"/S01E01.mkv")
	}
	sum := env.scan(t)
	if sum.Adopted != 2 || sum.Series != 2 || sum.Unmatched != 4 {
		t.Fatalf("summary %+v", sum)
	}
	m, err := ReadMarker(filepath.Join(env.dir, "Attack on Titan (2013)"))
	if err != nil || m.Key != "attack-on-titan" {
		t.Fatalf("marker %+v %v", m, err)
	}
	if m, err := ReadMarker(filepath.Join(env.dir, "Kanon (2006)")); err != nil || m.Key != "kanon-2006" {
		t.Fatalf("kanon marker %+v %v", m, err)
	}
	for _, f := range []string{"Kanon", "Mystery Show", "Old Show (1999)", "Broken"} {
		if _, err := ReadMarker(filepath.Join(env.dir, f)); !errors.Is(err, anime.ErrNotFound) {
			t.Fatalf("%s got a marker: %v", f, err)
		}
	}
	un, err := env.svc.Unmatched(ctx)
	if err != nil || len(un) != 4 {
		t.Fatalf("unmatched %+v %v", un, err)
	}
	want := map[string]string{"Kanon": "ambiguous: 2 series share this title", "Mystery Show": "no search result has this title",
		"Old Show (1999)": "no search result has this title", "Broken": "search failed: site down"}
	for _, u := range un {
		if want[u.Folder] != u.Reason {
			t.Fatalf("unmatched %q reason %q; want %q", u.Folder, u.Reason, want[u.Folder])
		}
	}
	// The adopted folder is identified by its marker from now on: no search.
	before := env.cat.calls["search:Attack on Titan"]
	env.scan(t)
	if env.cat.calls["search:Attack on Titan"] != before {
		t.Fatal("adopted folder searched again")
	}
}

func TestScanDuplicateKeyAndProviderError(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1, 2}})
	env.cat.add("bleach", "Bleach", 2004, map[int][]int{1: {1, 2, 3}})
	env.marker(t, "Naruto", "naruto", "Naruto", 2002)
	env.marker(t, "Naruto copy", "naruto", "Naruto", 2002)
	env.marker(t, "Bleach", "bleach", "Bleach", 2004)
	env.touch(t, "Bleach/Bleach S01E01.mkv")
	sum := env.scan(t)
	if sum.Series != 2 || sum.Unmatched != 1 {
		t.Fatalf("summary %+v", sum)
	}
	if d, _, err := env.svc.Get(ctx, "naruto"); err != nil || d.Folder != "Naruto" {
		t.Fatalf("duplicate key kept folder %q (%v); want the smaller name", d.Folder, err)
	}
	if un, err := env.svc.Unmatched(ctx); err != nil || len(un) != 1 || un[0].Folder != "Naruto copy" {
		t.Fatalf("unmatched %+v %v", un, err)
	}
	// The provider fails for one series: the scan carries on, keeps the
	// last missing list minus what is now on disk, and records the error.
	env.cat.episodeErr["bleach"] = errors.New("timeout")
	env.touch(t, "Bleach/Bleach S01E02.mkv")
	sum = env.scan(t)
	if len(sum.Errors) != 1 || sum.Series != 2 {
		t.Fatalf("summary %+v", sum)
	}
	d, _, err := env.svc.Get(ctx, "bleach")
	if err != nil || !reflect.DeepEqual(d.MissingEpisodes, anime.MissingEpisodes{"1": {3}}) || !slices.Equal(d.Episodes, []string{"1-1", "1-2"}) {
		t.Fatalf("bleach %+v %v", d, err)
	}
	complete := env.rec.OfType(event.ScanComplete)
	if last := complete[len(complete)-1].Data.(event.ScanData); last.Errors != 1 || last.SeriesCount != 2 {
		t.Fatalf("scan_complete %+v", last)
	}
}

func TestMatchFolder(t *testing.T) {
	cands := []Candidate{
		{Key: "re-zero", Name: "Re:Zero − Starting Life in Another World", Year: 2016},
		{Key: "one-piece", Name: "One Piece", Year: 1999},
		{Key: "bad key!", Name: "Bad"},
	}
	tests := []struct {
		folder string
		key    string
		ok     bool
	}{
		{"ReZero − Starting Life in Another World (2016)", "re-zero", true},
		{"one piece", "one-piece", true},
		{"One Piece (1999)", "one-piece", true},
		{"One Piece (2023)", "", false},
		{"One", "", false},
		{"Bad", "", false},
		{"(2016)", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.folder, func(t *testing.T) {
			c, ok, _ := MatchFolder(tt.folder, cands)
			if ok != tt.ok || c.Key != tt.key {
				t.Fatalf("got %q %v; want %q %v", c.Key, ok, tt.key, tt.ok)
			}
		})
	}
}

func TestScanProgressIsThrottled(t *testing.T) {
	env := newEnv(t, func(o *Options) { o.ProgressInterval = time.Hour })
	for i := range 20 {
		key := fmt.Sprintf("show-%02d", i)
		env.cat.add(key, key, 0, map[int][]int{1: {1}})
		env.marker(t, key, key, key, 0)
	}
	calls := 0
	if _, err := env.svc.Scan(context.Background(), func(event.ScanData) { calls++ }); err != nil {
		t.Fatal(err)
	}
	if calls != 20 {
		t.Fatalf("progress callback calls = %d; want one per folder", calls)
	}
	ev := env.rec.OfType(event.ScanProgress)
	if len(ev) != 2 {
		t.Fatalf("scan_progress events = %d; want first and last only", len(ev))
	}
	if last := ev[1].Data.(event.ScanData); last.Current != 20 || last.Total != 20 || last.Percent != 100 {
		t.Fatalf("last progress %+v", last)
	}
}

func TestRescanSeesRewrittenMarker(t *testing.T) {
	env := newEnv(t, nil)
	ctx := context.Background()
	env.cat.add("naruto", "Naruto", 2002, map[int][]int{1: {1}})
	env.marker(t, "Naruto", "naruto", "Naruto", 2002)
	env.touch(t, "Naruto/Naruto S01E01.mkv")
	env.scan(t)
	if sum := env.scan(t); sum.Unchanged != 1 {
		t.Fatalf("idle rescan %+v", sum)
	}
	// WriteMarker renames into place, which moves the folder's mtime; pin
	// a later mtime so the test does not depend on clock granularity.
	env.marker(t, "Naruto", "naruto", "Naruto Kai", 2009)
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(filepath.Join(env.dir, "Naruto"), later, later); err != nil {
		t.Fatal(err)
	}
	if sum := env.scan(t); sum.Updated != 1 {
		t.Fatalf("rescan %+v", sum)
	}
	d, _, err := env.svc.Get(ctx, "naruto")
	if err != nil || d.Name != "Naruto Kai" || d.Year != 2009 {
		t.Fatalf("detail %+v %v", d, err)
	}
}
