package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	fakess "github.com/aniworld/aniworld/internal/fake/serienstream"
)

// TestSearchAndSeriesPage drives the search and series pages as a person
// does, with metadata (TMDB) not configured: search both sites → add with
// the folder shown → open the series → see episode titles and languages →
// move between season tabs by keyboard → download one episode in a chosen
// language → watch its row progress → the row shows the file on disk →
// the page in German → remove from the library keeping the files. Every
// step fails on console errors, failed requests (the series page must not
// ask the NFO routes without TMDB) and requests leaving 127.0.0.1.
func TestSearchAndSeriesPage(t *testing.T) {
	b := newBrowser(t, 30*time.Second)
	ss := httptest.NewServer(fakess.New(fakess.Options{}))
	t.Cleanup(ss.Close)
	st := startStack(t, stackOptions{config: `{"scheduler":{"enabled":false},"monitor":{"enabled":false},
		"download":{"max_concurrent_downloads":1,"max_retries":0,"hoster_order":["VOE"]}}`, stoURL: ss.URL, direct: true, noTMDB: true})
	login := st.setupAndLogin(t, e2ePassword)
	tok := login["access_token"].(string)
	if code, _, body := st.apiCall(t, "PUT", "/api/config", tok, map[string]any{"anime_directory": st.AnimeDir}); code != 200 {
		t.Fatalf("anime dir: %d %s", code, body)
	}
	b.navigate(st.URL + "/static/favicon.svg")
	tj, _ := json.Marshal(map[string]any{"token": tok, "expires_at": login["expires_at"]})
	b.run("token", evalVoid(`localStorage.setItem("aniworld.token", `+jsString(string(tj))+`); localStorage.setItem("aniworld.lang", "en")`))
	step := b.steps(t)
	const demo = `#results-aw li[data-key="demo"]`

	step("search", nil, func(t *testing.T) {
		b.navigate(st.URL + "/search")
		b.waitJS("search page", `document.body.dataset.rendered === "1"`)
		if got := b.text("nav", `document.querySelector('nav a[aria-current="page"]').getAttribute("href")`); got != "/search" {
			t.Errorf("current nav entry %q, want /search", got)
		}
		b.typeInto("#search-q", "demo")
		b.click("#search-btn")
		b.waitJS("results of both sites", `!!document.querySelector('`+demo+`') &&
			!!document.querySelector('#results-sto li[data-key="the-office-demo"]')`)
		card := b.text("card", `document.querySelector('`+demo+`').innerText`)
		for _, want := range []string{"Demo & Friends", "2020", "aniworld.to", "Freunde"} {
			if !strings.Contains(card, want) {
				t.Errorf("aniworld card %q lacks %q", card, want)
			}
		}
		if got := b.text("office", `document.querySelector('#results-sto li[data-key="the-office-demo"]').innerText`); !strings.Contains(got, "2005") || !strings.Contains(got, "s.to") {
			t.Errorf("serienstream card %q lacks year or site", got)
		}
		b.waitJS("covers", `[...document.querySelectorAll("#search-results img.search-cover")].length === 3 &&
			[...document.querySelectorAll("#search-results img.search-cover")].every(i => i.complete && i.naturalWidth > 0)`)
		if !strings.Contains(b.text("url", "location.search"), "q=demo") {
			t.Errorf("the query is not in the URL")
		}
		b.screenshots("search")
		b.darkScreenshot("search")
		b.noHorizontalScroll("search")
		b.checkLabels("search")
	})

	step("add", []string{"search"}, func(t *testing.T) {
		b.click(demo + ` button[aria-expanded]`)
		b.waitJS("add panel", `!document.querySelector('`+demo+` .add-panel').hidden`)
		if got := b.text("folder", `document.querySelector('`+demo+` .add-panel .folder').textContent`); got != "Demo & Friends" {
			t.Errorf("folder shown %q, want %q", got, "Demo & Friends")
		}
		b.screenshots("search-add")
		b.click(demo + ` .add-panel button[type=submit]`)
		b.waitJS("in the library", `!!document.querySelector('`+demo+` a[href="/series/demo"]')`)
		if _, err := os.Stat(filepath.Join(st.AnimeDir, "Demo & Friends", ".aniworld.json")); err != nil {
			t.Errorf("the folder shown was not the one created: %v", err)
		}
		// The artwork the metadata service would write: shown as the backdrop.
		writeJPEG(t, filepath.Join(st.AnimeDir, "Demo & Friends", "fanart.jpg"))
	})

	step("series page", []string{"add"}, func(t *testing.T) {
		b.click(demo + ` a[href="/series/demo"]`)
		b.waitJS("series", `location.pathname === "/series/demo" && document.body.dataset.episodes === "all"`)
		row := b.text("S01E01", `document.querySelector('#panel-1 tr[data-ep="1-1"]').innerText`)
		for _, want := range []string{"S01E01", "Der Anfang", "The Beginning", "DE", "JP·EN", "JP·DE", "Missing"} {
			if !strings.Contains(row, want) {
				t.Errorf("row S01E01 %q lacks %q", row, want)
			}
		}
		if got := b.text("S01E02 languages", `document.querySelector('#panel-1 tr[data-ep="1-2"] .ep-langs').innerText.trim()`); got != "DE" {
			t.Errorf("S01E02 languages %q, want DE only", got)
		}
		head := b.text("header", `document.getElementById("hero").innerText`)
		for _, want := range []string{"Demo & Friends", "2020–today", "FSK 12", "Action", "Komödie", "Freunde"} {
			if !strings.Contains(head, want) {
				t.Errorf("header %q lacks %q", head, want)
			}
		}
		if b.visible("#metadata") {
			t.Errorf("the NFO card shows although TMDB is not configured")
		}
		b.waitJS("cover", `(() => { const i = document.querySelector("#poster img"); return !!i && i.complete && i.naturalWidth > 0 && i.src.includes("/covers/series/demo?"); })()`)
		b.waitJS("fanart backdrop", `(() => { const i = document.querySelector("#backdrop img"); return !!i && i.complete && i.naturalWidth > 0; })()`)
		if got := b.text("counts", `document.getElementById("s-counts").textContent`); !strings.Contains(got, "6 episodes") || !strings.Contains(got, "6 missing") {
			t.Errorf("counts %q", got)
		}
	})

	step("tabs by keyboard", []string{"series page"}, func(t *testing.T) {
		selected := func() string {
			return b.text("selected tab", `document.querySelector('[role=tab][aria-selected=true]').id + "|" + document.activeElement.id + "|" +
				[...document.querySelectorAll('[role=tabpanel]')].filter(p => !p.hidden).map(p => p.id).join(",")`)
		}
		b.run("focus season 1", focusSel("#tab-1"))
		for _, k := range []struct{ key, want string }{
			{kb.ArrowRight, "tab-2|tab-2|panel-2"},
			{kb.ArrowRight, "tab-0|tab-0|panel-0"}, // wraps around to the movies
			{kb.ArrowLeft, "tab-2|tab-2|panel-2"},
			{kb.Home, "tab-0|tab-0|panel-0"},
			{kb.End, "tab-2|tab-2|panel-2"},
		} {
			b.run("key", chromedp.KeyEvent(k.key))
			if got := selected(); got != k.want {
				t.Errorf("after %q: %s, want %s", k.key, got, k.want)
			}
		}
		b.run("back to season 1", focusSel("#tab-1"), chromedp.KeyEvent(kb.Enter))
		b.waitJS("season 1 open", `!document.getElementById("panel-1").hidden`)
	})

	step("download one episode", []string{"series page"}, func(t *testing.T) {
		if code, _, body := st.apiCall(t, "POST", "/api/queue/start", tok, nil); code != 200 {
			t.Fatalf("start queue: %d %s", code, body)
		}
		b.waitJS("live", `document.body.dataset.live === "online"`)
		// The language menu by keyboard: Enter opens it on its first item,
		// ArrowDown moves, Escape closes it and returns to the button.
		b.run("open menu by keyboard", focusSel(`#panel-1 tr[data-ep="1-1"] button.dl`), pressEnter())
		b.waitJS("menu focused", `document.activeElement.closest(".lang-menu") !== null`)
		b.run("down", chromedp.KeyEvent(kb.ArrowDown))
		if got := b.text("focused item", `document.activeElement.textContent`); got != "German dub" {
			t.Errorf("ArrowDown focused %q, want German dub", got)
		}
		b.run("escape", chromedp.KeyEvent(kb.Escape))
		b.waitJS("menu closed, focus back", `!document.querySelector('#panel-1 tr[data-ep="1-1"] .lang-menu') &&
			document.activeElement.matches('#panel-1 tr[data-ep="1-1"] button.dl')`)
		b.click(`#panel-1 tr[data-ep="1-1"] button.dl`)
		b.waitJS("language menu", `!!document.querySelector('#panel-1 tr[data-ep="1-1"] .lang-menu')`)
		b.click(`#panel-1 tr[data-ep="1-1"] .lang-menu button:nth-child(2)`) // German dub
		b.waitJS("row progresses", `(() => { const p = document.querySelector('#panel-1 tr[data-ep="1-1"][data-state="downloading"] progress');
			return !!p && p.value > 0 && p.value < 100; })()`)
		if st.Gate.reached.Load() == 0 {
			t.Errorf("no download went through the media gate")
		}
		b.screenshots("series-progress")
		st.Gate.Open()
		b.waitJS("on disk", `!!document.querySelector('#panel-1 tr[data-ep="1-1"][data-state="on_disk"] .file')`)
		row := b.text("row", `document.querySelector('#panel-1 tr[data-ep="1-1"] .ep-state').innerText`)
		if !strings.Contains(row, "On disk") || !strings.Contains(row, "S01E01") || !strings.Contains(row, "DE") {
			t.Errorf("row after the download %q: want On disk, the file name and DE", row)
		}
		if files := videoFiles(t, st.AnimeDir); len(files) != 1 {
			t.Errorf("files on disk %v, want 1", files)
		}
		b.screenshots("series")
		b.darkScreenshot("series")
		b.noHorizontalScroll("series")
		b.checkLabels("series")
	})

	step("failed download and retry", []string{"download one episode"}, func(t *testing.T) {
		// S01E02 is offered in German only: asking for the English dub
		// through the bulk controls fails with the resolver's reason.
		b.click(`#panel-1 tr[data-ep="1-2"] input[name=ep]`)
		b.run("english dub", setValue("#dl-lang", "English Dub"))
		b.click("#queue-selected")
		b.waitJS("failed row", `!!document.querySelector('#panel-1 tr[data-ep="1-2"][data-state="failed"] button.retry')`)
		if got := b.text("reason", `document.querySelector('#panel-1 tr[data-ep="1-2"] .err').textContent`); got == "" {
			t.Errorf("the failed row shows no reason")
		}
		b.screenshots("series-failed")
		b.click(`#panel-1 tr[data-ep="1-2"] button.retry`)
		b.waitJS("queued again", `[...document.querySelectorAll(".toast")].some(t => t.textContent.includes("Queued again"))`)
		b.waitJS("failed again", `!!document.querySelector('#panel-1 tr[data-ep="1-2"][data-state="failed"] button.retry')`)
	})

	step("german", []string{"series page"}, func(t *testing.T) {
		b.run("lang de", evalVoid(`localStorage.setItem("aniworld.lang", "de")`))
		b.navigate(st.URL + "/series/demo")
		b.waitJS("series in German", `document.body.dataset.rendered === "1"`)
		for expr, want := range map[string]string{
			`document.getElementById("tab-1").textContent`:                "Staffel 1",
			`document.getElementById("s-counts").textContent`:             "Folgen",
			`document.getElementById("rescan-series").textContent`:        "Serie neu einlesen",
			`document.querySelector('nav a[href="/search"]').textContent`: "Serie hinzufügen",
		} {
			if got := b.text(expr, expr); !strings.Contains(got, want) {
				t.Errorf("%s = %q, want %q", expr, got, want)
			}
		}
		b.screenshots("series-de")
		b.navigate(st.URL + "/search?q=demo")
		b.waitJS("search in German", `document.body.dataset.searched === "demo"`)
		if got := b.text("status", `document.getElementById("search-status").textContent`); !strings.Contains(got, "gefunden") {
			t.Errorf("search status in German %q", got)
		}
		b.run("lang en", evalVoid(`localStorage.setItem("aniworld.lang", "en")`))
	})

	step("rescan and remove keeping files", []string{"series page"}, func(t *testing.T) {
		b.navigate(st.URL + "/series/demo")
		b.waitJS("series", `document.body.dataset.rendered === "1"`)
		b.click("#rescan-series")
		b.waitJS("rescanned", `[...document.querySelectorAll(".toast")].some(t => t.textContent.includes("Rescanned"))`)
		b.click("#remove-series")
		b.waitJS("confirmation", `document.getElementById("remove-dialog").open`)
		if got := b.text("confirm", `document.getElementById("remove-text").textContent`); !strings.Contains(got, "stay on disk") {
			t.Errorf("confirmation %q does not say the files stay", got)
		}
		b.screenshots("series-remove")
		b.click("#remove-ok")
		b.waitJS("back to the library", `location.pathname === "/"`)
		if files := videoFiles(t, st.AnimeDir); len(files) != 1 {
			t.Errorf("files after removing (keeping files): %v", files)
		}
		if code, _, _ := st.apiCall(t, "GET", "/api/anime/demo", tok, nil); code != 404 {
			t.Errorf("series still in the library: %d", code)
		}
	})
}

// writeJPEG writes a small valid JPEG.
func writeJPEG(t *testing.T, path string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 36))
	for x := 0; x < 64; x++ {
		for y := 0; y < 36; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), 80, uint8(y * 7), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
