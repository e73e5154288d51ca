package app

import (
	"crypto/sha256"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/browser"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
	"github.com/aniworld/aniworld/internal/fake/jsgate"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/fake/tcp"
	"github.com/aniworld/aniworld/internal/fake/tlsgate"
)

// jsGated puts the JavaScript gate in front of next: requests with a valid
// clearance cookie for their User-Agent reach next, all others get the
// challenge.
func jsGated(g *jsgate.Gate, next http.Handler, passed *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(jsgate.ClearanceCookie); err == nil && g.Valid(c.Value, r.UserAgent()) {
			passed.Add(1)
			next.ServeHTTP(w, r)
			return
		}
		g.ServeHTTP(w, r)
	})
}

// TestReachSitesLikeABrowser is the whole path through the sites' defences: search, add, rescan
// and download through the real server while the site's first base URL
// refuses connections and its mirror sits behind the TLS fingerprint gate
// and the JavaScript gate that only Chromium passes, the hosters sit
// behind TLS gates too, and the preferred hoster (VOE) behind the
// JavaScript gate as well. Chromium reaches the gates over https: it
// trusts exactly their leaf keys (Options.BrowserTrustedSPKI), and https
// is the secure context crypto.subtle needs.
func TestReachSitesLikeABrowser(t *testing.T) {
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Skip("chromium is not installed (apt-get install chromium): the JS gate cannot be passed")
	}
	media := fakehoster.TestMedia(200<<10, 3, 32<<10)
	var caPEM []byte
	var spki []string
	gated := func(h http.Handler) *tlsgate.Gate {
		g, err := tlsgate.New(h, tlsgate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { g.Close() })
		caPEM = append(caPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: g.CA().Raw})...)
		spki = append(spki, browser.SPKIHash(g.Leaf()))
		return g
	}
	embeds := map[string]func(id string) string{}
	jsVOE, jsSite := jsgate.New(jsgate.Options{}), jsgate.New(jsgate.Options{})
	var voePassed, sitePassed atomic.Int32
	var hosterGates []*tlsgate.Gate
	for _, name := range fakehoster.Names() {
		h, err := fakehoster.New(name, media)
		if err != nil {
			t.Fatal(err)
		}
		var next http.Handler = h
		if name == fakehoster.VOE {
			next = jsGated(jsVOE, h, &voePassed)
		}
		g := gated(next)
		hosterGates = append(hosterGates, g)
		embeds[name] = func(id string) string { return g.URL + h.EmbedPath(id) }
	}
	fs := site.New(site.Options{Catalog: site.Demo(), EmbedURL: func(name, id string) string {
		if e, ok := embeds[name]; ok {
			return e(id)
		}
		return ""
	}})
	siteGate := gated(jsGated(jsSite, fs, &sitePassed))
	deadURL := "http://" + tcp.ClosedPort(t) // refuses connections

	dataDir, animeDir := t.TempDir(), t.TempDir()
	caFile := filepath.Join(dataDir, "fakes-ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, _ := json.Marshal(map[string]any{"download": map[string]any{
		"provider_mirrors": []string{siteGate.URL},
		"hoster_order":     []string{"VOE", "Filemoon"},
		"max_retries":      1,
	}})
	os.WriteFile(filepath.Join(dataDir, "config.json"), cfg, 0o600)
	ta := startAppWith(t, dataDir, map[string]string{
		"ANIWORLD_PROVIDER_URL": deadURL, "ANIWORLD_ANIME_DIR": animeDir, "ANIWORLD_CA_FILE": caFile,
		"ANIWORLD_BROWSER": "auto",
	}, Options{BrowserTrustedSPKI: spki})
	tok := ta.setupAndLogin(testPassword)

	// Search goes to the dead base, then through the TLS gate, where the
	// JS gate's challenge is solved in Chromium.
	raw := ta.getRaw("/api/anime/search?query=demo", tok)
	if !strings.Contains(raw, `"key":"demo"`) && !strings.Contains(raw, "/anime/stream/demo") {
		t.Fatalf("search: %s", raw)
	}
	siteSolves, _ := browserSolves(ta)
	if siteSolves == 0 || jsSite.Refused() == 0 {
		t.Fatalf("search: %d solves, %d challenges served by the site's JS gate; want the challenge solved", siteSolves, jsSite.Refused())
	}
	afterSearch := sitePassed.Load()
	// The link on the canonical (first) base is the series' identity.
	code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": deadURL + "/anime/stream/demo"})
	if code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	folder := b["folder"].(string)
	// The same series via the mirror is the same series.
	if code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": siteGate.URL + "/anime/stream/demo/staffel-1"}); code != 409 {
		t.Fatalf("add via the mirror: %d %v, want 409 (already in the library)", code, b)
	}
	if code, _, b := ta.do("POST", "/api/anime/rescan", tok, nil); code != 200 && code != 409 {
		t.Fatalf("rescan: %d %v", code, b)
	}
	_, _, d := ta.do("GET", "/api/anime/demo", tok, nil)
	if missing, _ := json.Marshal(d["missing_episodes"]); !strings.Contains(string(missing), `"1"`) {
		t.Fatalf("no missing episodes known from the provider: %v", d)
	}
	// Add and rescan passed the site's JS gate with the clearance cookie
	// the search's solve earned, without solving again.
	if n, _ := browserSolves(ta); n != siteSolves || sitePassed.Load() <= afterSearch {
		t.Fatalf("add and rescan: %d solves (%d after search), %d requests passed the JS gate (%d after search)",
			n, siteSolves, sitePassed.Load(), afterSearch)
	}

	code, _, b = ta.do("POST", "/api/queue/add", tok, map[string]any{
		"serie_id": "demo", "serie_folder": folder, "serie_name": "Demo", "episodes": []any{"S01E01"},
	})
	if code != 201 {
		t.Fatalf("queue add: %d %v", code, b)
	}
	if code, _, b := ta.do("POST", "/api/queue/start", tok, nil); code != 200 {
		t.Fatalf("start: %d %v", code, b)
	}
	deadline := time.Now().Add(3 * time.Minute)
	var done map[string]any
	for done == nil {
		if time.Now().After(deadline) {
			t.Fatalf("no download after 3 minutes: %s", ta.getRaw("/api/queue/status", tok))
		}
		time.Sleep(300 * time.Millisecond)
		_, _, st := ta.do("GET", "/api/queue/status", tok, nil)
		status, _ := st["status"].(map[string]any)
		if failed, _ := status["failed_downloads"].([]any); len(failed) > 0 {
			t.Fatalf("download failed: %v", failed)
		}
		if c, _ := status["completed_downloads"].([]any); len(c) > 0 {
			done = c[0].(map[string]any)
		}
	}
	// VOE serves the stream as HLS: the file is its segments in order.
	var stream []byte
	for _, s := range media.Segments {
		stream = append(stream, s...)
	}
	data, err := os.ReadFile(done["file_path"].(string))
	if err != nil || sha256.Sum256(data) != sha256.Sum256(stream) {
		t.Fatalf("downloaded file differs: %d bytes, want %d (%v)", len(data), len(stream), err)
	}
	_, _, full := ta.do("GET", "/api/queue/"+done["id"].(string), tok, nil)
	if attempts, _ := json.Marshal(full["attempts"]); !strings.Contains(string(attempts), "VOE") {
		t.Errorf("not downloaded through VOE (behind the JS gate): %s", attempts)
	}
	if voePassed.Load() == 0 || jsVOE.Refused() == 0 {
		t.Errorf("VOE's JS gate: %d passed, %d challenges served; want its challenge solved and passed", voePassed.Load(), jsVOE.Refused())
	}
	if n, failed := browserSolves(ta); n <= siteSolves || failed != 0 {
		t.Errorf("%d solves (%d for the site), %d failed: want VOE's challenge solved too, none failed", n, siteSolves, failed)
	}
	if _, refused := siteGate.Counts(); refused != 0 {
		t.Errorf("the TLS gate refused %d site requests", refused)
	}
	for _, g := range hosterGates {
		if _, refused := g.Counts(); refused != 0 {
			t.Errorf("a hoster's TLS gate refused %d requests", refused)
		}
	}
	// Diagnostics name the mirror in use, the transport and the solver.
	_, _, diag := ta.do("GET", "/api/diagnostics/network", tok, nil)
	mirrors, _ := json.Marshal(diag["mirrors"])
	client, _ := json.Marshal(diag["http_client"])
	if !strings.Contains(string(mirrors), `"active":"`+siteGate.URL+`"`) ||
		!strings.Contains(string(client), `"transport":"chrome"`) || !strings.Contains(string(client), `"chromium"`) {
		t.Errorf("diagnostics: mirrors %s client %s", mirrors, client)
	}
}

// browserSolves counts the built-in browser's successful and failed
// challenge solves as /health/detailed shows them (all the fakes share the
// host 127.0.0.1).
func browserSolves(ta *testApp) (ok, failed int) {
	ta.t.Helper()
	var body struct {
		Dependencies struct {
			Browser *struct {
				Hosts []browser.HostStatus `json:"hosts"`
			} `json:"browser"`
		} `json:"dependencies"`
	}
	if err := json.Unmarshal([]byte(ta.getRaw("/health/detailed", "")), &body); err != nil || body.Dependencies.Browser == nil {
		ta.t.Fatalf("/health/detailed: %v, browser entry present: %v", err, body.Dependencies.Browser != nil)
	}
	for _, h := range body.Dependencies.Browser.Hosts {
		if h.Kind == browser.KindSolve {
			ok, failed = ok+h.OK, failed+h.Failed
		}
	}
	return ok, failed
}
