package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	fakess "github.com/aniworld/aniworld/internal/fake/serienstream"
)

// TestWholeProductFlow is issue 17's walk through the whole product, as a
// person does it, in one browser session against the real server with
// the fake sites and hosters (TMDB not configured): first-run setup →
// log in → search both sites → add → the poster in the library grid →
// open the series → download one episode in German dub → start the queue
// and watch it progress (the speed in the page title) → the episode on
// disk on the series page → the download in the history, and no longer
// in the wanted list. Every page is checked for console errors, failed
// requests, requests leaving 127.0.0.1, controls without a name and
// sideways scrolling at 360 px, with screenshots at 360 and 1280 px
// (test-artifacts/ui/flow-*.png).
func TestWholeProductFlow(t *testing.T) {
	b := newBrowser(t, 30*time.Second)
	ss := httptest.NewServer(fakess.New(fakess.Options{}))
	t.Cleanup(ss.Close)
	st := startStack(t, stackOptions{config: `{"scheduler":{"enabled":false},"monitor":{"enabled":false},
		"download":{"max_concurrent_downloads":1,"hoster_order":["VOE"]}}`, stoURL: ss.URL, direct: true, noTMDB: true})
	step := b.steps(t)
	// page checks every page of the flow the same way.
	page := func(name string) {
		b.t.Helper()
		b.screenshots("flow-" + name)
		b.noHorizontalScroll("flow-" + name)
	}
	// nav follows a link of the main navigation, as a person does.
	nav := func(href string) {
		b.t.Helper()
		b.click(`nav a[href="` + href + `"]`)
		b.waitJS("on "+href, `location.pathname === `+jsString(href)+` && document.body.dataset.rendered === "1"`)
	}

	step("setup and login", nil, func(t *testing.T) {
		b.navigate(st.URL + "/")
		// "/" sends a new install to /setup by script; wait for that
		// redirect, or it aborts the next navigation.
		b.waitJS("sent to setup", `location.pathname === "/setup" && !document.getElementById("main").hidden`)
		b.run("english", evalVoid(`localStorage.setItem("aniworld.lang", "en")`))
		b.navigate(st.URL + "/setup")
		b.waitJS("setup", `location.pathname === "/setup" && !document.getElementById("main").hidden`)
		b.typeInto("#password", e2ePassword)
		b.typeInto("#confirm", e2ePassword)
		b.typeInto("#anime_directory", st.AnimeDir)
		page("setup")
		b.click("#setup-submit")
		b.waitJS("login", `location.pathname === "/login" && !document.getElementById("main").hidden`)
		b.typeInto("#password", e2ePassword)
		b.click("#login-submit")
		b.waitJS("library", `location.pathname === "/" && document.body.dataset.rendered === "1"`)
	})

	const demo = `#results-aw li[data-key="demo"]`
	step("search and add", []string{"setup and login"}, func(t *testing.T) {
		nav("/search")
		b.typeInto("#search-q", "demo")
		b.click("#search-btn")
		b.waitJS("results from both sites", `!!document.querySelector('`+demo+`') &&
			document.querySelectorAll('#results-sto li').length > 0`)
		page("search")
		b.click(demo + ` button[aria-expanded]`)
		b.waitJS("add panel", `!document.querySelector('`+demo+` .add-panel').hidden`)
		b.click(demo + ` .add-panel button[type=submit]`)
		b.waitJS("added", `!!document.querySelector('`+demo+` a[href="/series/demo"]')`)
	})

	step("poster in the grid", []string{"search and add"}, func(t *testing.T) {
		nav("/")
		b.waitJS("the poster", `document.body.dataset.view === "grid" &&
			(() => { const i = document.querySelector('#lib-grid li[data-key="demo"] .cover img'); return !!i && i.complete && i.naturalWidth > 0; })()`)
		if got := b.text("card", `document.querySelector('#lib-grid li[data-key="demo"]').innerText`); !strings.Contains(got, "Demo & Friends") {
			t.Errorf("poster card %q", got)
		}
		page("library")
	})

	step("open the series and download one episode", []string{"poster in the grid"}, func(t *testing.T) {
		b.click(`#lib-grid li[data-key="demo"] .poster-link`)
		b.waitJS("series page", `location.pathname === "/series/demo" && document.body.dataset.rendered === "1" && document.body.dataset.live === "online"`)
		if got := b.text("row", `document.querySelector('#panel-1 tr[data-ep="1-1"]').innerText`); !strings.Contains(got, "Der Anfang") || !strings.Contains(got, "Missing") {
			t.Errorf("S01E01 row %q", got)
		}
		b.click(`#panel-1 tr[data-ep="1-1"] button.dl`)
		b.waitJS("language menu", `!!document.querySelector('#panel-1 tr[data-ep="1-1"] .lang-menu')`)
		b.click(`#panel-1 tr[data-ep="1-1"] .lang-menu button:nth-child(2)`) // German dub
		b.waitJS("queued", `!!document.querySelector('#panel-1 tr[data-ep="1-1"][data-state="queued"]')`)
		page("series")
	})

	step("watch it progress", []string{"open the series and download one episode"}, func(t *testing.T) {
		nav("/queue")
		b.waitJS("waiting", `document.querySelectorAll("#pending li").length === 1 && document.body.dataset.synced === "1"`)
		b.click("#q-start")
		b.waitJS("progress", `[...document.querySelectorAll("#active progress")].some(p => p.value > 0 && p.value < 100)`)
		b.waitJS("speed in the title", `document.title.startsWith("↓ ") && document.title.includes("MB/s") &&
			document.querySelector("#active .src").textContent === "VOE · German Dub"`)
		if st.Gate.reached.Load() == 0 {
			t.Errorf("no download went through the media gate")
		}
		page("queue")
		st.Gate.Open()
		b.waitJS("complete", `document.querySelectorAll("#completed li").length === 1 && document.querySelectorAll("#active li").length === 0 &&
			document.title === "Download queue · aniworld"`)
		if files := videoFiles(t, st.AnimeDir); len(files) != 1 {
			t.Errorf("files on disk %v, want 1", files)
		}
	})

	step("on disk on the series page", []string{"watch it progress"}, func(t *testing.T) {
		nav("/")
		b.click(`#lib-grid li[data-key="demo"] .poster-link`)
		b.waitJS("on disk", `location.pathname === "/series/demo" && !!document.querySelector('#panel-1 tr[data-ep="1-1"][data-state="on_disk"] .file')`)
	})

	step("find it in the history", []string{"watch it progress"}, func(t *testing.T) {
		nav("/history")
		b.waitJS("one entry", `document.querySelectorAll("#hist-rows tr").length === 1`)
		row := b.text("entry", `document.querySelector("#hist-rows tr").innerText`)
		for _, want := range []string{"Demo & Friends", "S01E01", "Der Anfang", "Completed", "VOE · German Dub", "MB/s"} {
			if !strings.Contains(row, want) {
				t.Errorf("history entry %q lacks %q", row, want)
			}
		}
		page("history")
		nav("/wanted")
		b.waitJS("wanted", `document.querySelectorAll("#want-rows tr").length > 0`)
		if n := eval[int](b, "S01E01 wanted", `document.querySelectorAll('#want-rows tr[data-key="demo"][data-ep="1-1"]').length`); n != 0 {
			t.Errorf("the downloaded episode is still listed as wanted")
		}
		page("wanted")
	})
}
