package web_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	fakess "github.com/aniworld/aniworld/internal/fake/serienstream"
)

// libraryStack starts the app without a TMDB key, with two aniworld
// series and one serienstream series in the library, and a browser that
// holds a token.
func libraryStack(t *testing.T) (*browser, *stack, string) {
	t.Helper()
	b := newBrowser(t, 30*time.Second)
	ss := httptest.NewServer(fakess.New(fakess.Options{}))
	t.Cleanup(ss.Close)
	st := startStack(t, stackOptions{config: `{"scheduler":{"enabled":false}}`, stoURL: ss.URL, direct: true, noTMDB: true})
	login := st.setupAndLogin(t, e2ePassword)
	tok := login["access_token"].(string)
	if code, _, body := st.apiCall(t, "PUT", "/api/config", tok, map[string]any{"anime_directory": st.AnimeDir}); code != 200 {
		t.Fatalf("anime dir: %d %s", code, body)
	}
	for _, link := range []string{st.Site.URL + "/anime/stream/demo", st.Site.URL + "/anime/stream/no-movies", ss.URL + "/serie/the-office-demo"} {
		if code, _, body := st.apiCall(t, "POST", "/api/anime/add", tok, map[string]any{"link": link}); code != 200 {
			t.Fatalf("add %s: %d %s", link, code, body)
		}
	}
	b.navigate(st.URL + "/static/favicon.svg") // this origin, for localStorage
	tj, _ := json.Marshal(map[string]any{"token": tok, "expires_at": login["expires_at"]})
	b.run("token", evalVoid(`localStorage.setItem("aniworld.token", `+jsString(string(tj))+`)`))
	return b, st, tok
}

// addFromSearch adds a series from the "Add series" page (/search) as a
// person does: search, open "Add" on the result, pick the monitoring
// (monitor "" keeps the default), confirm, and wait for the result to
// link to the series.
func (b *browser) addFromSearch(base, query, key, monitor string) {
	b.t.Helper()
	b.navigate(base + "/search")
	b.waitJS("search page", `!document.getElementById("main").hidden`)
	b.typeInto("#search-q", query)
	b.click("#search-btn")
	sel := `#search-results li[data-key="` + key + `"]`
	b.waitJS("result "+key, `!!document.querySelector(`+jsString(sel+" .search-act button")+`)`)
	b.click(sel + " .search-act button")
	if monitor != "" {
		b.run("monitor "+monitor, setValue(sel+" .add-panel select", monitor))
	}
	b.click(sel + " .add-panel button[type=submit]")
	b.waitJS("added "+key, `!!document.querySelector(`+jsString(sel+" .search-act a")+`)`)
}

// gridKeys is the keys of the grid's cards, in order.
const gridKeys = `[...document.querySelectorAll("#lib-grid li.poster-card")].map(li => li.dataset.key).join(",")`

// choose sets a select and fires its change event, as a user's choice does.
func choose(id, value string) chromedp.Action[chromedp.Void] {
	return evalVoid(fmt.Sprintf(`(s => { s.value = %s; s.dispatchEvent(new Event("change")); })(document.getElementById(%s))`, jsString(value), jsString(id)))
}

// TestLibraryGrid drives the library's poster grid as a person does: the
// covers from the fake sites load (signed URLs, no token), arrow keys move
// between cards, sort and filters land in the URL and a bookmarked URL
// restores them, the table view is remembered across reloads, queue state
// shows as an icon, no NFO check is sent without a TMDB key, and the theme
// and language switches work. Every step fails on a console error or a
// failed request; screenshots at 1280 and 360 px.
func TestLibraryGrid(t *testing.T) {
	b, st, tok := libraryStack(t)
	b.navigate(st.URL + "/")
	b.waitJS("grid with three covers", `document.body.dataset.rendered === "1" && document.body.dataset.view === "grid" &&
		[...document.querySelectorAll("#lib-grid .cover img")].filter(i => i.complete && i.naturalWidth > 0).length === 3`)
	srcs := b.text("cover src", `[...document.querySelectorAll("#lib-grid .cover img")].map(i => i.getAttribute("src")).join(" ")`)
	if strings.Count(srcs, "/covers/series/") != 3 || strings.Count(srcs, "sig=") != 3 {
		t.Errorf("cover addresses %q", srcs)
	}
	if got := b.text("card", `document.querySelector('#lib-grid li[data-key="demo"]').innerText`); !strings.Contains(got, "Demo & Friends") ||
		!strings.Contains(got, "2020") || !strings.Contains(got, "missing") || !strings.Contains(got, "aniworld.to") {
		t.Errorf("demo card %q", got)
	}
	if got := b.text("progress", `document.querySelector('#lib-grid li[data-key="demo"] progress').getAttribute("aria-label")`); !strings.Contains(got, "of") {
		t.Errorf("progress label %q", got)
	}
	if n := eval[int](b, "nfo requests", `performance.getEntriesByType("resource").filter(e => e.name.includes("/api/nfo/")).length`); n != 0 {
		t.Errorf("%d NFO checks without a TMDB key", n)
	}

	// Keyboard: the arrow keys move between cards.
	b.run("focus first card", focusSel("#lib-grid li:first-child .poster-link"))
	b.run("arrow right", chromedp.KeyEvent(kb.ArrowRight))
	if got := b.text("focused", `document.activeElement.closest("li").dataset.key`); got != b.text("second", `document.querySelectorAll("#lib-grid li")[1].dataset.key`) {
		t.Errorf("ArrowRight focused %q", got)
	}
	b.run("arrow left", chromedp.KeyEvent(kb.ArrowLeft))
	b.waitJS("back on the first", `document.activeElement === document.querySelector("#lib-grid li:first-child .poster-link")`)
	b.screenshots("library-grid-covers")
	b.darkScreenshot("library-grid-covers")
	b.noHorizontalScroll("library grid")
	b.run("wide screen", chromedp.EmulateViewport(1920, 1080))
	if over := eval[int](b, "1920 overflow", `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
		t.Errorf("library overflows 1920 px by %d px", over)
	}
	b.run("restore viewport", chromedp.EmulateViewport(1280, 900))
	b.checkClean("grid")

	// Sort and filters live in the URL; the grid follows the server's order.
	var byYear []map[string]any
	_, _, raw := st.apiCall(t, "GET", "/api/anime?filter=all&sort_by=year", tok, nil)
	json.Unmarshal(raw, &byYear)
	var want []string
	for _, s := range byYear {
		want = append(want, s["key"].(string))
	}
	b.run("sort by year", choose("sort", "year"))
	b.waitJS("sorted by year", `location.search === "?sort_by=year" && `+gridKeys+` === `+jsString(strings.Join(want, ",")))
	b.run("only complete", choose("filter", "complete"))
	b.waitJS("nothing complete", `location.search === "?sort_by=year&filter=complete" && !document.getElementById("lib-empty").hidden &&
		!document.getElementById("lib-clear").hidden && document.querySelectorAll("#lib-grid li").length === 0`)
	b.navigate(st.URL + "/?filter=missing&site=s.to")
	b.waitJS("bookmarked view", `document.body.dataset.rendered === "1" && document.getElementById("filter").value === "missing" &&
		document.getElementById("site").value === "s.to" && `+gridKeys+` === "the-office-demo"`)
	b.checkClean("sort and filter")

	// The table view is remembered per browser.
	b.navigate(st.URL + "/")
	b.waitJS("grid", `document.body.dataset.rendered === "1"`)
	b.click("#view-table")
	b.waitJS("table", `document.querySelectorAll("#lib-rows tr").length === 3 && document.getElementById("lib-grid").hidden &&
		document.getElementById("view-table").getAttribute("aria-pressed") === "true"`)
	b.waitJS("NFO cell links to the setting", `!!document.querySelector('#lib-rows tr[data-key="demo"] td.nfo a[href="/settings#cfg-nfo"]')`)
	b.navigate(st.URL + "/")
	b.waitJS("table after reload", `document.body.dataset.rendered === "1" && document.body.dataset.view === "table" &&
		document.querySelectorAll("#lib-rows tr").length === 3 && document.querySelectorAll("#lib-grid li").length === 0`)
	if n := eval[int](b, "bulk picks", `document.querySelectorAll("#lib-rows .bulk-pick").length`); n != 3 {
		t.Errorf("%d bulk checkboxes in the table", n)
	}
	b.screenshots("library-table")
	b.click("#view-grid")
	b.waitJS("grid again", `document.querySelectorAll("#lib-grid li").length === 3 && localStorage.getItem("aniworld.library.view") === "grid"`)
	if n := eval[int](b, "nfo requests", `performance.getEntriesByType("resource").filter(e => e.name.includes("/api/nfo/")).length`); n != 0 {
		t.Errorf("%d NFO checks without a TMDB key", n)
	}
	b.checkClean("views")

	// Queue state shows on the card; the refresh keeps the bulk selection.
	b.click(`.bulk-pick[value="demo"]`)
	if code, _, body := st.apiCall(t, "POST", "/api/queue/add", tok, map[string]any{"serie_id": "no-movies", "serie_name": "Kein Film",
		"episodes": []map[string]any{{"season": 1, "episode": 1, "title": ""}}}); code >= 300 {
		t.Fatalf("queue: %d %s", code, body)
	}
	b.waitJS("queue icon", `!!document.querySelector('#lib-grid li[data-key="no-movies"] .state.queued, #lib-grid li[data-key="no-movies"] .state.downloading, #lib-grid li[data-key="no-movies"] .state.failed')`)
	if !eval[bool](b, "selection kept", `document.querySelector('.bulk-pick[value="demo"]').checked`) {
		t.Errorf("the refresh dropped the bulk selection")
	}
	b.checkClean("queue state")

	// Theme and language switches.
	b.run("dark theme", choose("theme-switch", "dark"))
	b.waitJS("dark", `document.documentElement.dataset.theme === "dark" && getComputedStyle(document.body).backgroundColor === "rgb(18, 20, 27)"`)
	b.run("German", choose("lang-switch", "de"))
	b.waitJS("German page", `document.documentElement.lang === "de" && document.body.dataset.rendered === "1"`)
	for sel, want := range map[string]string{
		`nav a[href="/"]`:            "Bibliothek",
		`#lib-h span`:                "Bibliothek",
		`#lib-controls label span`:   "Sortieren nach",
		`#add-series`:                "+ Serie hinzufügen",
		`#view-table`:                "Tabelle",
		`#lib-grid li .missing`:      "fehlen",
		`#lib-grid li .poster-title`: "",
		`option[value="downloaded"]`: "Zuletzt heruntergeladen",
		`#prev`:                      "← Zurück",
	} {
		got := b.text("text of "+sel, `(document.querySelector(`+jsString(sel)+`) || {}).textContent || ""`)
		if !strings.Contains(got, want) || got == "" {
			t.Errorf("%s: %q, want %q", sel, got, want)
		}
	}
	if got := b.text("theme kept", `document.documentElement.dataset.theme || ""`); got != "dark" {
		t.Errorf("theme after the language switch %q", got)
	}
	b.screenshots("library-grid-de-dark")
	b.noHorizontalScroll("library in German")
	b.checkClean("theme and language")
}
