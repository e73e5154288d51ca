package app

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/store"
)

// TestCLIDownloadRunsTheQueue: `aniworld download` goes through the
// queue's pipeline: the first hoster in the configured order refuses
// (403), the next one serves HLS, and without ffmpeg the file is kept as
// .ts. The CLI prints the engine's warning and the hoster; the queue item
// on the server's store holds the failover in its attempt log, the
// warning, and the target the library named; the library no longer
// counts the episode missing.
func TestCLIDownloadRunsTheQueue(t *testing.T) {
	media := fakehoster.TestMedia(64<<10, 3, 16<<10)
	farm := fakehoster.Start(media)
	defer farm.Close()
	farm.Hoster(fakehoster.Vidoza).SetFailure(fakehoster.EmbedForbidden)
	cat := site.Catalog{Series: []site.Series{{
		Slug: "all-hosters", Title: "All Hosters", StartYear: 2021, Description: "x",
		Seasons: [][]site.Episode{{
			{TitleDE: "Eins", Links: site.LinksFor([]anime.Language{anime.LangGermanDub}, fakehoster.Names()...)},
			{TitleDE: "Zwei", Links: site.LinksFor([]anime.Language{anime.LangGermanDub}, fakehoster.Names()...)},
		}},
	}}}
	srv := httptest.NewServer(site.New(site.Options{Catalog: cat, EmbedURL: farm.EmbedURL}))
	defer srv.Close()
	t.Setenv("PATH", t.TempDir()) // no ffmpeg: HLS is kept as .ts, with a warning
	dataDir, animeDir := t.TempDir(), t.TempDir()
	env := map[string]string{"ANIWORLD_PROVIDER_URL": srv.URL, "ANIWORLD_DATA_DIR": dataDir, "ANIWORLD_ANIME_DIR": animeDir}
	os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(`{"download":{"hoster_order":["Vidoza","Vidmoly"],"max_retries":0}}`), 0o600)

	code, out, errOut := runCLI(t, env, "download", srv.URL+"/anime/stream/all-hosters", "--season", "1", "--episodes", "1")
	if code != 0 {
		t.Fatalf("download: %d\n%s\n%s", code, out, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(animeDir, "*", "Season 01", "*.ts"))
	if len(files) != 1 || !strings.Contains(out, "all-hosters S01E01: warning: ") || !strings.Contains(out, files[0]+" (German Dub via Vidmoly)") {
		t.Fatalf("files %v; output:\n%s", files, out)
	}
	data, _ := os.ReadFile(files[0])
	if sha256.Sum256(data) != sha256.Sum256(media.HLSBytes()) {
		t.Fatal("the .ts differs from the stream")
	}

	ctx := context.Background()
	db, err := store.Open(ctx, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueueList(ctx, anime.StatusCompleted, 10)
	if err != nil || len(rows) != 1 {
		t.Fatalf("completed items %d, %v", len(rows), err)
	}
	row := rows[0]
	var attempts []queue.Attempt
	json.Unmarshal(row.Attempts, &attempts)
	last := attempts[len(attempts)-1]
	if !strings.Contains(string(row.Attempts), `"hoster":"Vidoza"`) || last.Stage != queue.StageDownload || last.Hoster != "Vidmoly" || len(last.Warnings) == 0 {
		t.Fatalf("attempt log %s", row.Attempts)
	}
	folder := filepath.Base(filepath.Dir(filepath.Dir(files[0])))
	if row.TargetRel != "Season 01/All Hosters - S01E01 - (German Dub).mp4" || row.TargetPath != filepath.Join(animeDir, folder, filepath.FromSlash(row.TargetRel)) ||
		row.FilePath != files[0] {
		t.Fatalf("target %q %q, file %q", row.TargetRel, row.TargetPath, row.FilePath)
	}
	rec, err := db.SeriesByKey(ctx, "all-hosters")
	if err != nil || len(rec.Missing["1"]) != 1 || rec.Missing["1"][0] != 2 {
		t.Fatalf("missing after the download: %v %v", rec.Missing, err)
	}
	if running, _, _ := db.QueueState(ctx); running {
		t.Fatal("the CLI started the server's queue")
	}

	// An episode the site does not have fails: the exit code and the
	// line say so, and the episode stays in the queue's failed list.
	code, out, _ = runCLI(t, env, "download", srv.URL+"/anime/stream/all-hosters", "--season", "1", "--episodes", "2-3")
	if code == 0 || !strings.Contains(out, "all-hosters S01E03: ") || !strings.Contains(out, "(German Dub via Vidmoly)") {
		t.Fatalf("partly failing download: %d\n%s", code, out)
	}
}
