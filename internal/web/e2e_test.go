package web_test

import (
	"encoding/json"

	"fmt"
	"github.com/chromedp/chromedp"

	"strings"
	"testing"
	"time"
)

const e2ePassword = "Correct-Horse-9"

// TestBrowserFlow drives the real server in headless Chromium through a
// user's first session: setup → login → search → add → missing episodes →
// rescan with live progress → queue two episodes → progress bars move,
// then complete → files on disk → a settings change persists → logout →
// lockout message. Each part is a subtest, so a part that fails (for
// example because its API route is not wired yet) does not hide the
// others. Every part fails on a request that leaves 127.0.0.1 or on a
// console error.
func TestBrowserFlow(t *testing.T) {
	b := newBrowser(t, 30*time.Second)
	st := startStack(t, stackOptions{
		config: `{"scheduler":{"enabled":false},"download":{"max_concurrent_downloads":2,"hoster_order":["VOE"]},
			"other":{"diagnostics_hosts":["{site}"]}}`,
		tmdbShow: "Demo & Friends",
	})
	base := st.URL
	step := b.steps(t)

	step("setup", nil, func(t *testing.T) {
		b.navigate(base + "/")
		b.waitJS("redirect to setup", `location.pathname === "/setup" && !document.getElementById("main").hidden`)
		b.typeInto("#password", "abc")
		if n := eval[int](b, "rules", `document.querySelectorAll("#rules li.met").length`); n != 1 {
			t.Errorf("after 'abc' %d rules show as met, want 1 (lowercase)", n)
		}
		b.screenshots("setup")
		b.noHorizontalScroll("setup")
		b.run("clear", clearField("#password"))
		b.typeInto("#password", e2ePassword)
		b.waitJS("all rules met", `document.querySelectorAll("#rules li.met").length === 5`)
		b.typeInto("#confirm", e2ePassword)
		b.typeInto("#anime_directory", st.AnimeDir)
		b.click("#setup-submit")
		b.waitJS("on to login", `location.pathname === "/login" && !document.getElementById("main").hidden`)
	})

	step("login", []string{"setup"}, func(t *testing.T) {
		if got := b.text("note", `document.getElementById("login-note").textContent`); !strings.Contains(got, "Setup is complete") {
			t.Errorf("login note %q at %s", got, b.text("href", "location.href"))
		}
		b.screenshots("login")
		b.typeInto("#password", e2ePassword)
		b.click("#remember")
		b.click("#login-submit")
		b.waitJS("library shown", `location.pathname === "/" && document.body.dataset.rendered === "1"`)
		tok := b.text("token", `localStorage.getItem("aniworld.token") || ""`)
		if !strings.Contains(tok, `"token":"`) {
			t.Fatalf("no token in localStorage: %q", tok)
		}
		// A reload keeps the user logged in.
		b.navigate(base + "/queue")
		b.waitJS("queue after reload", `location.pathname === "/queue" && document.body.dataset.rendered === "1"`)
	})

	step("search and add", []string{"login"}, func(t *testing.T) {
		b.navigate(base + "/")
		b.waitJS("library", `document.body.dataset.rendered === "1"`)
		if !b.visible("#lib-empty") {
			t.Errorf("an empty library does not say so")
		}
		if !b.visible("#add-series") {
			t.Errorf("no way from the library to the search page")
		}
		b.click("#add-series")
		b.waitJS("search page", `location.pathname === "/search"`)
		b.addFromSearch(base, "demo", "demo", "")
		b.navigate(base + "/")
		// The poster grid (the default view) shows the site's cover.
		b.waitJS("poster listed", `(() => { const i = document.querySelector('#lib-grid li[data-key="demo"] .cover img');
			return !!i && i.complete && i.naturalWidth > 0; })()`)
		b.screenshots("library-grid")
		// The table view, remembered from now on.
		b.click("#view-table")
		b.waitJS("series listed", `!!document.querySelector('#lib-rows tr[data-key="demo"]')`)
		row := b.text("row", `document.querySelector('#lib-rows tr[data-key="demo"]').innerText`)
		// Demo: a movie, season 1 with 3 episodes, season 2 with 2.
		for _, want := range []string{"Demo & Friends", "S1: 3", "S2: 2"} {
			if !strings.Contains(row, want) {
				t.Errorf("library row %q lacks %q", row, want)
			}
		}
		if got := b.text("total", `document.getElementById("lib-total").textContent`); got != "(1 series)" {
			t.Errorf("total %q", got)
		}
		b.waitJS("NFO status", `!!document.querySelector('#lib-rows tr[data-key="demo"] td.nfo .badge, #lib-rows tr[data-key="demo"] td.nfo a')`)
		b.screenshots("library")
		b.darkScreenshot("library")
		b.noHorizontalScroll("library")
	})

	step("rescan progress", []string{"search and add"}, func(t *testing.T) {
		b.waitJS("live connection", `document.body.dataset.live === "online"`)
		b.click("#rescan")
		b.waitJS("scan complete over the WebSocket", `document.body.dataset.scan === "complete"`)
		if got := b.text("scan text", `document.getElementById("scan-text").textContent`); !strings.Contains(got, "Scan complete") {
			t.Errorf("scan text %q", got)
		}
	})

	step("series page", []string{"search and add"}, func(t *testing.T) {
		b.navigate(base + "/series/demo")
		b.waitJS("details", `document.body.dataset.rendered === "1"`)
		if got := b.text("title", `document.getElementById("s-title").textContent`); got != "Demo & Friends" {
			t.Errorf("title %q", got)
		}
		if n := eval[int](b, "missing", `document.querySelectorAll("#missing input[name=ep]").length`); n < 5 {
			t.Errorf("%d missing episodes offered, want at least 5", n)
		}
		b.waitJS("nfo state", `document.getElementById("nfo-state").textContent !== "…"`)
		if got := b.text("nfo", `document.getElementById("nfo-state").textContent`); got != "missing" {
			t.Errorf("NFO state %q before creation, want missing", got)
		}
		b.click("#nfo-create")
		b.waitJS("nfo created", `document.getElementById("nfo-state").textContent === "present" &&
			document.getElementById("m-poster").textContent === "present"`)
		b.waitJS("poster shown", `(() => { const i = document.querySelector("#poster img"); return !!i && i.complete && i.naturalWidth > 0; })()`)
		b.screenshots("series")
		b.noHorizontalScroll("series")
	})

	step("queue two episodes", []string{"search and add"}, func(t *testing.T) {
		b.navigate(base + "/")
		b.waitJS("library", `!!document.querySelector('#lib-rows tr[data-key="demo"]')`)
		b.click(`#lib-rows tr[data-key="demo"] details.pick summary`)
		b.click(`#lib-rows tr[data-key="demo"] input[value="1-1"]`)
		b.click(`#lib-rows tr[data-key="demo"] input[value="1-3"]`)
		b.click(`#lib-rows tr[data-key="demo"] details.pick button[type=submit]`)
		b.waitJS("added toast", `[...document.querySelectorAll(".toast")].some(t => /2 episode/.test(t.textContent))`)
		b.navigate(base + "/queue")
		b.waitJS("two pending, live", `document.querySelectorAll("#pending li").length === 2 && document.body.dataset.synced === "1"`)
		first := b.text("first", `document.querySelector("#pending li .title").textContent`)
		if !strings.Contains(first, "S01E01") {
			t.Errorf("first pending %q, want S01E01", first)
		}
		// Keyboard-accessible reordering: move the first item down.
		b.run("focus down", focusSel(`#pending li:first-child .down`))
		b.run("press enter", pressEnter())
		b.waitJS("reordered", `document.querySelector("#pending li .title").textContent.includes("S01E03")`)
		b.navigate(base + "/queue")
		b.waitJS("order persisted", `document.querySelectorAll("#pending li").length === 2 &&
			document.querySelector("#pending li .title").textContent.includes("S01E03")`)
		// Drag and drop (native HTML5 events): the second item onto the first.
		b.waitJS("live again", `document.body.dataset.synced === "1"`)
		b.run("drag", chromedp.DragAndDrop(chromedp.CSS(`#pending li:nth-child(2) .title`), chromedp.CSS(`#pending li:first-child .title`)))
		b.waitJS("dropped", `document.querySelector("#pending li .title").textContent.includes("S01E01")`)
		b.navigate(base + "/queue")
		b.waitJS("drop persisted", `document.querySelectorAll("#pending li").length === 2 && document.body.dataset.synced === "1" &&
			document.querySelector("#pending li .title").textContent.includes("S01E01")`)
		// Priority: raise the second item to HIGH; it moves to the front.
		b.run("raise priority", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector("#pending li:nth-child(2) select.prio");
			s.value = "HIGH"; s.dispatchEvent(new Event("change")); })()`))
		b.waitJS("high first", `document.querySelector("#pending li .title").textContent.includes("S01E03") &&
			document.querySelector("#pending li select.prio").value === "HIGH"`)
		b.screenshots("queue")
		b.noHorizontalScroll("queue")
	})

	step("downloads progress and complete", []string{"queue two episodes"}, func(t *testing.T) {
		b.click("#q-start")
		b.waitJS("a progress bar moved", `[...document.querySelectorAll("#active progress")].some(p => p.value > 0 && p.value < 100)`)
		if st.Gate.reached.Load() == 0 {
			t.Errorf("no download went through the media gate")
		}
		b.screenshots("queue-progress")
		b.darkScreenshot("queue-progress")
		st.Gate.Open()
		b.waitJS("both complete", `document.querySelectorAll("#completed li").length === 2 && document.querySelectorAll("#active li").length === 0`)
		files := videoFiles(t, st.AnimeDir)
		if len(files) != 2 {
			t.Errorf("files on disk: %v, want 2", files)
		}
		joined := strings.Join(files, "\n")
		for _, ep := range []string{"S01E01", "S01E03"} {
			if !strings.Contains(joined, ep) {
				t.Errorf("no file for %s in %v", ep, files)
			}
		}
	})

	step("settings persist", []string{"login"}, func(t *testing.T) {
		b.navigate(base + "/settings")
		b.waitJS("settings", `document.body.dataset.rendered === "1"`)
		const field = `input[name="scheduler.interval_minutes"]`
		// A value the server refuses is shown next to the field.
		b.allow("status of 422")
		b.run("bad value", setValue(field, "0"))
		b.click(`#cfg-scheduler button[type=submit]`)
		b.waitJS("field error", `!document.querySelector('[data-error-for="scheduler.interval_minutes"]').hidden`)
		b.run("good value", setValue(field, "45"))
		b.click(`#cfg-scheduler button[type=submit]`)
		b.waitJS("saved", `!!document.getElementById("cfg-scheduler").dataset.saved`)
		b.screenshots("settings")
		b.noHorizontalScroll("settings")
		b.navigate(base + "/settings")
		b.waitJS("settings again", `document.body.dataset.rendered === "1"`)
		if got := b.text("value", `document.querySelector('`+field+`').value`); got != "45" {
			t.Errorf("interval after reload %q, want 45", got)
		}
	})

	step("system page", []string{"login"}, func(t *testing.T) {
		b.navigate(base + "/system")
		b.waitJS("system", `document.body.dataset.rendered === "1"`)
		if got := b.text("status", `document.getElementById("h-status").textContent`); got != "healthy" {
			t.Errorf("health status %q", got)
		}
		b.click("#diag-system")
		b.waitJS("system information", `document.querySelectorAll("#diag-out dt").length > 2`)
		b.click("#diag-network")
		b.waitJS("network test", `document.getElementById("diag-out").textContent.includes("reachable in")`)
		if got := b.text("diag", `document.getElementById("diag-out").textContent`); strings.Contains(got, "unreachable") {
			t.Errorf("a local party is unreachable: %s", got)
		}
		b.screenshots("system")
		b.noHorizontalScroll("system")
	})

	step("not found page", nil, func(t *testing.T) {
		b.allow("status of 404")
		b.navigate(base + "/no/such/page")
		if got := b.text("h1", `document.querySelector("h1").textContent`); got != "Page not found" {
			t.Errorf("404 heading %q", got)
		}
		b.screenshots("notfound")
	})

	step("logout", []string{"login"}, func(t *testing.T) {
		b.navigate(base + "/")
		b.waitJS("library", `document.body.dataset.rendered === "1"`)
		b.click("#logout")
		b.waitJS("login page", `location.pathname === "/login" && !document.getElementById("main").hidden`)
		if tok := b.text("token", `localStorage.getItem("aniworld.token") || ""`); tok != "" {
			t.Errorf("token kept after logout: %q", tok)
		}
		b.navigate(base + "/queue")
		b.waitJS("protected page sends to login", `location.pathname === "/login" && location.search.includes("next=%2Fqueue")`)
		// The redirect is a navigation: wait for the login page's own form
		// before typing, not just the new address.
		b.waitJS("login form", `document.readyState === "complete" && !!document.getElementById("password") && !document.getElementById("main").hidden`)
	})

	step("lockout is explained", []string{"logout"}, func(t *testing.T) {
		b.allow("status of 401")
		b.allow("status of 429")
		for i := 0; i < 12; i++ {
			b.run("clear", clearField("#password"))
			b.typeInto("#password", fmt.Sprintf("wrong-%d", i))
			b.click("#login-submit")
			b.waitJS("answer", `!document.getElementById("login-msg").hidden && document.getElementById("login-msg").textContent !== ""`)
			msg := b.text("msg", `document.getElementById("login-msg").textContent`)
			if strings.Contains(msg, "Try again in") {
				if !eval[bool](b, "disabled", `document.getElementById("login-submit").disabled`) {
					t.Errorf("the login button stays enabled while locked out")
				}
				b.screenshots("login-locked")
				return
			}
			b.run("reset message", evalVoid(`document.getElementById("login-msg").hidden = true`))
		}
		t.Errorf("12 wrong passwords never showed a lockout message")
	})
}

// visible reports whether the element is shown.
func (b *browser) visible(sel string) bool {
	b.t.Helper()
	return eval[bool](b, "visible "+sel, fmt.Sprintf(`(() => { const e = document.querySelector(%s); return !!e && !e.hidden && e.offsetParent !== null; })()`, jsString(sel)))
}

// text evaluates a string expression.
func (b *browser) text(step, expr string) string {
	b.t.Helper()
	return eval[string](b, step, expr)
}

func jsString(s string) string {
	j, _ := json.Marshal(s)
	return string(j)
}
