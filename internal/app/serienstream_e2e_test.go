package app

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	fakess "github.com/aniworld/aniworld/internal/fake/serienstream"
	"github.com/aniworld/aniworld/internal/fake/site"
	faketmdb "github.com/aniworld/aniworld/internal/fake/tmdb"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/store"
)

// sstoRig is the real server with both fake sites and the hoster farm.
type sstoRig struct {
	ta       *testApp
	tok      string
	media    fakehoster.Media
	ss       *fakess.Site
	ssURL    string
	solver   *fakess.WidgetSolver
	animeDir string
}

const sstoConfig = `{"download":{"language_order":["German Dub","English Dub"],"hoster_order":["Vidoza","VOE"],"max_retries":1}}`

func startSSto(t *testing.T, dataDir, animeDir string, gateAfter int) *sstoRig {
	t.Helper()
	return startSStoConfig(t, dataDir, animeDir, gateAfter, sstoConfig)
}

func startSStoConfig(t *testing.T, dataDir, animeDir string, gateAfter int, config string) *sstoRig {
	t.Helper()
	r := &sstoRig{media: fakehoster.TestMedia(96<<10, 2, 16<<10), solver: &fakess.WidgetSolver{}, animeDir: animeDir}
	farm := fakehoster.Start(r.media)
	t.Cleanup(farm.Close)
	aw := httptest.NewServer(site.New(site.Options{Catalog: site.Demo(), EmbedURL: farm.EmbedURL}))
	t.Cleanup(aw.Close)
	r.ss = fakess.New(fakess.Options{EmbedURL: farm.EmbedURL, GateAfter: gateAfter})
	ss := httptest.NewServer(r.ss)
	t.Cleanup(ss.Close)
	r.ssURL = ss.URL
	if err := os.WriteFile(filepath.Join(dataDir, "config.json"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	show := faketmdb.DefaultShow()
	show.ID, show.Name, show.OriginalName, show.FirstAirDate, show.IMDbID = 2316, "The Office & Co", "The Office", "2005-03-24", "tt0386676"
	tm := httptest.NewServer(faketmdb.New(faketmdb.Options{APIKey: "k3y"}, show))
	t.Cleanup(tm.Close)
	r.ta = startAppWith(t, dataDir, map[string]string{"ANIWORLD_PROVIDER_URL": aw.URL, "ANIWORLD_STO_URL": ss.URL,
		"ANIWORLD_ANIME_DIR": animeDir, "ANIWORLD_TMDB_API_URL": tm.URL + "/3", "ANIWORLD_TMDB_IMAGE_URL": tm.URL + "/t/p",
		"ANIWORLD_TMDB_API_KEY": "k3y"}, Options{Solvers: []httpclient.Solver{r.solver}})
	return r
}

// waitFor polls the API until ok says so (the deadline only guards a hang).
func (r *sstoRig) waitFor(t *testing.T, what, path string, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(120 * time.Second)
	for {
		_, _, b := r.ta.do("GET", path, r.tok, nil)
		if ok(b) {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %v", what, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func missingOf(b map[string]any) map[string]any {
	m, _ := b["missing_episodes"].(map[string]any)
	return m
}

// TestSerienstreamEndToEnd: search both sites, add a two-season
// serienstream series from its search result, rescan, queue every missing
// episode, and download them all through the link-out gate (passed once by
// the solver), with the right language in every file name.
func TestSerienstreamEndToEnd(t *testing.T) {
	r := startSSto(t, t.TempDir(), t.TempDir(), 3)
	r.tok = r.ta.setupAndLogin(testPassword)

	raw := r.ta.getRaw("/api/anime/search?query=demo", r.tok)
	var results []map[string]any
	if err := json.Unmarshal([]byte(raw), &results); err != nil {
		t.Fatalf("search: %v %s", err, raw)
	}
	bySite := map[string][]string{}
	var office map[string]any
	for _, res := range results {
		bySite[res["site"].(string)] = append(bySite[res["site"].(string)], res["key"].(string))
		if res["key"] == "the-office-demo" {
			office = res
		}
	}
	if !slices.Contains(bySite["aniworld.to"], "demo") || !slices.Contains(bySite["s.to"], "the-office-demo") || office == nil {
		t.Fatalf("search does not show both sites side by side: %v", bySite)
	}
	if office["link"] != r.ssURL+"/serie/the-office-demo" {
		t.Fatalf("search result link %v", office["link"])
	}

	code, _, b := r.ta.do("POST", "/api/anime/add", r.tok, map[string]any{"link": office["link"], "name": office["name"]})
	if code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	folder := b["folder"].(string)
	if code, _, b := r.ta.do("POST", "/api/anime/rescan", r.tok, nil); code != 200 && code != 409 {
		t.Fatalf("rescan: %d %v", code, b)
	}
	d := r.waitFor(t, "missing map", "/api/anime/the-office-demo", func(b map[string]any) bool { return len(missingOf(b)) == 2 })
	if d["site"] != "s.to" || d["link"] != r.ssURL+"/serie/the-office-demo" {
		t.Fatalf("series %v", d)
	}
	var eps []any
	for s, list := range missingOf(d) {
		for _, e := range list.([]any) {
			eps = append(eps, "S0"+s+"E0"+jsonNum(e))
		}
	}
	if len(eps) != 5 {
		t.Fatalf("missing %v", missingOf(d))
	}
	code, _, b = r.ta.do("POST", "/api/queue/add", r.tok, map[string]any{"serie_id": "the-office-demo", "serie_folder": folder,
		"serie_name": "The Office & Co", "episodes": eps})
	if code != 201 || len(b["item_ids"].([]any)) != 5 {
		t.Fatalf("queue add: %d %v", code, b)
	}
	if code, _, b := r.ta.do("POST", "/api/queue/start", r.tok, nil); code != 200 {
		t.Fatalf("start: %d %v", code, b)
	}
	st := r.waitFor(t, "downloads", "/api/queue/status", func(b map[string]any) bool {
		stats, _ := b["statistics"].(map[string]any)
		if n, _ := stats["failed_count"].(float64); n > 0 {
			t.Fatalf("a download failed: %v", b)
		}
		n, _ := stats["completed_count"].(float64)
		return n == 5
	})

	want := sha256.Sum256(r.media.MP4)
	var names []string
	for _, it := range st["status"].(map[string]any)["completed_downloads"].([]any) {
		p := it.(map[string]any)["file_path"].(string)
		rel, err := filepath.Rel(filepath.Join(r.animeDir, folder), p)
		if err != nil || strings.HasPrefix(rel, "..") {
			t.Fatalf("file outside the series folder: %s", p)
		}
		data, err := os.ReadFile(p)
		if err != nil || sha256.Sum256(data) != want {
			t.Fatalf("%s: content differs (%v)", p, err)
		}
		names = append(names, filepath.ToSlash(rel))
	}
	sort.Strings(names)
	wantNames := []string{
		"Season 01/The Office & Co - S01E01 - (German Dub).mp4",
		"Season 01/The Office & Co - S01E02 - (German Dub).mp4",
		"Season 01/The Office & Co - S01E03 - (English Dub).mp4",
		"Season 02/The Office & Co - S02E01 - (German Dub).mp4",
		"Season 02/The Office & Co - S02E02 - (German Dub).mp4",
	}
	if !slices.Equal(names, wantNames) {
		t.Fatalf("files\n%v\nwant\n%v", names, wantNames)
	}
	if s := r.ss.Stats(); s.Passes != 1 || s.Gated < 1 || r.solver.Calls() != 1 || s.LinkOuts < 5 {
		t.Errorf("gate not passed exactly once: stats %+v, solver calls %d", s, r.solver.Calls())
	}
	d = r.waitFor(t, "nothing missing", "/api/anime/the-office-demo", func(b map[string]any) bool { return len(missingOf(b)) == 0 })
	if len(d["episodes"].([]any)) != 5 {
		t.Errorf("episodes on disk %v", d["episodes"])
	}

	// TMDB metadata for the TV series, as for anime.
	code, _, b = r.ta.do("POST", "/api/nfo/the-office-demo/create", r.tok, map[string]any{"serie_name": "The Office & Co", "year": 2005})
	if code != 200 || !strings.HasSuffix(b["nfo_path"].(string), "tvshow.nfo") {
		t.Fatalf("nfo create: %d %v", code, b)
	}
	_, _, b = r.ta.do("GET", "/api/nfo/the-office-demo/content", r.tok, nil)
	if c, _ := b["content"].(string); !strings.Contains(c, "<tvshow>") || !strings.Contains(c, "2316") || !strings.Contains(c, "tt0386676") {
		t.Errorf("nfo content %v", b)
	}
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestLegacySToSeriesMigrates: a library written by the previous version
// (a series with the link https://s.to/serie/stream/<slug> in the database
// and its marker, one episode downloaded through the queue) keeps its key,
// files and download history on the new version; the next rescan rewrites
// its link to serienstream's form in the database and in the marker.
func TestLegacySToSeriesMigrates(t *testing.T) {
	dataDir, animeDir := t.TempDir(), t.TempDir()
	r := startSSto(t, dataDir, animeDir, 0)
	r.tok = r.ta.setupAndLogin(testPassword)
	code, _, b := r.ta.do("POST", "/api/anime/add", r.tok, map[string]any{"link": "https://s.to/serie/stream/the-office-demo"})
	if code != 200 {
		t.Fatalf("add by legacy link: %d %v", code, b)
	}
	folder := b["folder"].(string)
	r.ta.do("POST", "/api/queue/add", r.tok, map[string]any{"serie_id": "the-office-demo", "episodes": []any{"S01E01"}})
	r.ta.do("POST", "/api/queue/start", r.tok, nil)
	r.waitFor(t, "download", "/api/queue/status", func(b map[string]any) bool {
		n, _ := b["statistics"].(map[string]any)["completed_count"].(float64)
		return n == 1
	})
	r.ta.Stop()

	// Turn the library into what the previous version left behind.
	const legacy = "https://s.to/serie/stream/the-office-demo"
	db, err := store.Open(context.Background(), dataDir)
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE series SET link = ? WHERE key = ?`, legacy, "the-office-demo")
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(animeDir, folder)
	m, err := library.ReadMarker(dir)
	if err != nil {
		t.Fatal(err)
	}
	m.Link = legacy
	if err := library.WriteMarker(dir, m); err != nil {
		t.Fatal(err)
	}

	r = startSSto(t, dataDir, animeDir, 0)
	r.tok = r.ta.login(testPassword)
	if code, _, b := r.ta.do("POST", "/api/anime/rescan", r.tok, nil); code != 200 && code != 409 {
		t.Fatalf("rescan: %d %v", code, b)
	}
	wantLink := r.ssURL + "/serie/the-office-demo"
	d := r.waitFor(t, "link rewrite", "/api/anime/the-office-demo", func(b map[string]any) bool { return b["link"] == wantLink })
	if d["key"] != "the-office-demo" || d["site"] != "s.to" || d["folder"] != folder || len(d["episodes"].([]any)) != 1 {
		t.Fatalf("series after migration %v", d)
	}
	if m, err := library.ReadMarker(dir); err != nil || m.Link != wantLink || m.Key != "the-office-demo" || m.Site != "s.to" {
		t.Fatalf("marker after migration %+v %v", m, err)
	}
	_, _, st := r.ta.do("GET", "/api/queue/status", r.tok, nil)
	done := st["status"].(map[string]any)["completed_downloads"].([]any)
	if len(done) != 1 || done[0].(map[string]any)["serie_id"] != "the-office-demo" {
		t.Fatalf("download history lost: %v", st)
	}
}

// TestSerienstreamAutoDownload: with auto_download_missing, a scheduler
// rescan queues every missing episode of a serienstream series and the
// queue downloads them.
func TestSerienstreamAutoDownload(t *testing.T) {
	cfg := `{"scheduler":{"enabled":true,"interval_minutes":1440,"auto_download_missing":true},` + sstoConfig[1:]
	r := startSStoConfig(t, t.TempDir(), t.TempDir(), 0, cfg)
	r.tok = r.ta.setupAndLogin(testPassword)
	if code, _, b := r.ta.do("POST", "/api/anime/add", r.tok, map[string]any{"link": r.ssURL + "/serie/tatort-demo/staffel-1"}); code != 200 {
		t.Fatalf("add by a season link: %d %v", code, b)
	}
	if code, _, b := r.ta.do("POST", "/api/scheduler/trigger-rescan", r.tok, nil); code != 200 && code != 409 {
		t.Fatalf("trigger: %d %v", code, b)
	}
	r.waitFor(t, "auto-queued", "/api/queue/status", func(b map[string]any) bool {
		n, _ := b["statistics"].(map[string]any)["total_items"].(float64)
		return n == 1
	})
	r.ta.do("POST", "/api/queue/start", r.tok, nil)
	st := r.waitFor(t, "downloaded", "/api/queue/status", func(b map[string]any) bool {
		n, _ := b["statistics"].(map[string]any)["completed_count"].(float64)
		return n == 1
	})
	p := st["status"].(map[string]any)["completed_downloads"].([]any)[0].(map[string]any)["file_path"].(string)
	if filepath.Base(p) != "Tatort Demo - S01E01 - (German Dub).mp4" {
		t.Fatalf("file %s", p)
	}
}

// TestSearchAllSites: results of both sites side by side; a failing site
// is left out while the other has results, and is the answer when nothing
// was found.
func TestSearchAllSites(t *testing.T) {
	farm := fakehoster.Start(fakehoster.TestMedia(1<<10, 1, 1<<10))
	defer farm.Close()
	awSite := site.New(site.Options{Catalog: site.Demo()})
	aw := httptest.NewServer(awSite)
	defer aw.Close()
	ss := httptest.NewServer(fakess.New(fakess.Options{}))
	defer ss.Close()
	ta := startApp(t, t.TempDir(), map[string]string{"ANIWORLD_PROVIDER_URL": aw.URL, "ANIWORLD_STO_URL": ss.URL})
	tok := ta.setupAndLogin(testPassword)
	search := func(q string) (int, []map[string]any, string) {
		raw := ta.getRaw("/api/anime/search?query="+url.QueryEscape(q), tok)
		var res []map[string]any
		if json.Unmarshal([]byte(raw), &res) != nil {
			code, _, _ := ta.do("GET", "/api/anime/search?query="+url.QueryEscape(q), tok, nil)
			return code, nil, raw
		}
		return 200, res, raw
	}
	_, res, raw := search("demo")
	sites := map[string]int{}
	for _, r := range res {
		sites[r["site"].(string)]++
	}
	if sites["aniworld.to"] == 0 || sites["s.to"] != 2 || res[0]["site"] != "aniworld.to" {
		t.Fatalf("side by side: %s", raw)
	}
	awSite.SetFaults(site.FaultJustAMoment)
	if _, res, raw := search("office"); len(res) != 1 || res[0]["key"] != "the-office-demo" {
		t.Fatalf("aniworld challenged, serienstream found it: %s", raw)
	}
	if code, _, raw := search("nothing-anywhere"); code != 503 || !strings.Contains(raw, "challenge") {
		t.Fatalf("nothing found and a site challenged: %d %s", code, raw)
	}
}

// TestOldStoURLConfigsStart: configs written before serienstream (the old
// default https://s.to) or with an odd address still start the server, and
// the stored value is left as the user wrote it.
func TestOldStoURLConfigsStart(t *testing.T) {
	for _, sto := range []string{"https://s.to", "https://www.s.to/", "http://127.0.0.1:1/ss?x=1#y"} {
		t.Run(sto, func(t *testing.T) {
			dataDir := t.TempDir()
			cfg, _ := json.Marshal(map[string]any{"download": map[string]any{"sto_url": sto}})
			if err := os.WriteFile(filepath.Join(dataDir, "config.json"), cfg, 0o600); err != nil {
				t.Fatal(err)
			}
			// The environment must not override the file here.
			ta := startApp(t, dataDir, map[string]string{"ANIWORLD_STO_URL": ""})
			if code, _, b := ta.do("GET", "/health", "", nil); code != 200 {
				t.Fatalf("health: %d %v", code, b)
			}
			tok := ta.setupAndLogin(testPassword)
			_, _, b := ta.do("GET", "/api/config", tok, nil)
			if got := b["download"].(map[string]any)["sto_url"]; got != sto {
				t.Errorf("stored sto_url rewritten to %v", got)
			}
		})
	}
}
