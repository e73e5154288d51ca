package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/site"
)

// runCLI runs the CLI in-process and returns exit code and output.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env = offline(env)
	code := Main(context.Background(), Env{Args: args, Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errb.String()
}

// everyHosterSite serves one series whose one episode has a link on every
// hoster the fake farm knows.
func everyHosterSite(t *testing.T, farm *fakehoster.Farm) *httptest.Server {
	cat := site.Catalog{Series: []site.Series{{
		Slug: "all-hosters", Title: "All Hosters", StartYear: 2021, Description: "x",
		Seasons: [][]site.Episode{{{TitleDE: "Eins", TitleEN: "One",
			Links: site.LinksFor([]anime.Language{anime.LangGermanDub}, fakehoster.Names()...)}}},
	}}}
	srv := httptest.NewServer(site.New(site.Options{Catalog: cat, EmbedURL: farm.EmbedURL}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCLIResolveEveryHoster(t *testing.T) {
	media := fakehoster.TestMedia(64<<10, 2, 16<<10)
	farm := fakehoster.Start(media)
	defer farm.Close()
	srv := everyHosterSite(t, farm)
	env := map[string]string{"ANIWORLD_PROVIDER_URL": srv.URL, "ANIWORLD_DATA_DIR": t.TempDir()}
	for _, h := range fakehoster.Names() {
		t.Run(h, func(t *testing.T) {
			code, out, errOut := runCLI(t, env, "resolve", srv.URL+"/anime/stream/all-hosters", "1", "1", "--hosters", h, "--json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var res resolveOutput
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if !strings.EqualFold(res.Stream.Hoster, h) {
				t.Fatalf("resolved via %s", res.Stream.Hoster)
			}
			// A plain GET with the returned headers fetches the media.
			req, _ := http.NewRequest("GET", res.Stream.URL, nil)
			req.Header = res.Stream.Headers.Clone()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d", res.Stream.URL, resp.StatusCode)
			}
			switch res.Stream.Kind {
			case anime.StreamMP4:
				if sha256.Sum256(body) != sha256.Sum256(media.MP4) {
					t.Fatal("mp4 differs")
				}
			case anime.StreamHLS:
				if !bytes.HasPrefix(body, []byte("#EXTM3U")) {
					t.Fatalf("not a playlist: %.60q", body)
				}
			default:
				t.Fatalf("kind %q", res.Stream.Kind)
			}
		})
	}
	// The human-readable form names every part.
	code, out, _ := runCLI(t, env, "resolve", srv.URL+"/anime/stream/all-hosters", "1", "1")
	if code != 0 || !strings.Contains(out, "url:") || !strings.Contains(out, "header:") {
		t.Fatalf("plain output: %d %s", code, out)
	}
}

func TestCLISearchScanDownload(t *testing.T) {
	media := fakehoster.TestMedia(48<<10, 2, 16<<10)
	farm := fakehoster.Start(media)
	defer farm.Close()
	srv := httptest.NewServer(site.New(site.Options{Catalog: site.Demo(), EmbedURL: farm.EmbedURL}))
	defer srv.Close()
	animeDir := t.TempDir()
	// serienstream on a dead loopback port: search asks every site, and the
	// public default would send this test to a DoH resolver on the internet.
	env := map[string]string{"ANIWORLD_PROVIDER_URL": srv.URL, "ANIWORLD_STO_URL": "http://127.0.0.1:1", "ANIWORLD_DATA_DIR": t.TempDir(), "ANIWORLD_ANIME_DIR": animeDir}

	code, out, errOut := runCLI(t, env, "search", "demo")
	if code != 0 || !strings.Contains(out, "demo") || !strings.Contains(out, "KEY") {
		t.Fatalf("search: %d %s %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, env, "search", "--json", "demo")
	if code != 0 || !strings.Contains(out, `"key": "demo"`) {
		t.Fatalf("search --json: %d %s", code, out)
	}
	if code, _, _ := runCLI(t, env, "search"); code != 2 {
		t.Fatalf("search without a term: exit %d", code)
	}

	// Download two episodes, picking MP4 hosters.
	os.WriteFile(filepath.Join(env["ANIWORLD_DATA_DIR"], "config.json"), []byte(`{"download":{"hoster_order":["Vidoza","Doodstream"]}}`), 0o600)
	code, out, errOut = runCLI(t, env, "download", srv.URL+"/anime/stream/demo", "--season", "1", "--episodes", "1-2", "--lang", "German Dub")
	if code != 0 {
		t.Fatalf("download: %d\n%s\n%s", code, out, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(animeDir, "*", "Season 01", "*.mp4"))
	if len(files) != 2 {
		t.Fatalf("files: %v\n%s", files, out)
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if sha256.Sum256(data) != sha256.Sum256(media.MP4) {
			t.Fatalf("%s differs", f)
		}
	}

	// A scan sees them: nothing new, the two episodes on disk.
	code, out, errOut = runCLI(t, env, "scan")
	if code != 0 || !strings.Contains(out, "1 series") || !strings.Contains(out, "2 episode files") {
		t.Fatalf("scan: %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, map[string]string{"ANIWORLD_DATA_DIR": t.TempDir()}, "scan"); code != 1 || !strings.Contains(errOut, "anime directory") {
		t.Fatalf("scan without anime dir: %d %s", code, errOut)
	}
}
