package web_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
)

// loginBrowser stores a token the way the login page does, so a test can
// open protected pages directly.
func loginBrowser(b *browser, st *stack, login map[string]any) {
	b.t.Helper()
	tok, _ := json.Marshal(map[string]any{"token": login["access_token"], "expires_at": login["expires_at"]})
	b.navigate(st.URL + "/static/favicon.svg") // this origin, no page script
	b.run("token", evalVoid(`localStorage.setItem("aniworld.token", `+jsString(string(tok))+`)`))
}

// untranslated finds i18n keys shown instead of text (t() shows an unknown
// key as itself).
var untranslated = regexp.MustCompile(`\b(history|wanted|queue|dl|pager|lang|unit|ep)\.[a-zA-Z]+`)

func (b *browser) checkTranslated(name string) {
	b.t.Helper()
	txt := b.text("text "+name, `document.querySelector("main").innerText + " " + document.title + " " +
		[...document.querySelectorAll("[aria-label],[title],[placeholder]")].map(e => (e.getAttribute("aria-label")||"") + " " + (e.title||"") + " " + (e.placeholder||"")).join(" ")`)
	if m := untranslated.FindAllString(txt, 5); len(m) > 0 {
		b.t.Errorf("%s shows untranslated keys: %v", name, m)
	}
}

// tabTo presses Tab until the element matching sel has the focus (a
// keyboard user reaching it), at most limit times.
func (b *browser) tabTo(sel string, limit int) {
	b.t.Helper()
	for i := 0; i < limit; i++ {
		if eval[bool](b, "focus "+sel, `document.activeElement && document.activeElement.matches(`+jsString(sel)+`)`) {
			return
		}
		b.run("tab", chromedp.KeyEvent(kb.Tab))
	}
	b.t.Fatalf("%s not reached with %d presses of Tab (focus on %s)", sel, limit,
		b.text("active", `document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : ""`))
}

// shiftTabTo is tabTo backwards (Shift+Tab).
func (b *browser) shiftTabTo(sel string, limit int) {
	b.t.Helper()
	for i := 0; i < limit; i++ {
		if eval[bool](b, "focus "+sel, `document.activeElement && document.activeElement.matches(`+jsString(sel)+`)`) {
			return
		}
		b.run("shift+tab", chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)))
	}
	b.t.Fatalf("%s not reached with %d presses of Shift+Tab", sel, limit)
}

// TestDownloadPagesInBrowser drives the wanted, queue and history pages
// against the real server with the fake site and hosters: pick missing
// episodes on the wanted page with the keyboard and queue them, watch
// the queue show hoster, language, time left and the speed in the title,
// let one download complete and one fail, and find both in the history
// with the failure's attempt log; in English and German, at 360 and
// 1280 px, without console errors, failed requests or sideways scrolling.
func TestDownloadPagesInBrowser(t *testing.T) {
	b := newBrowser(t, 30*time.Second)
	st := startStack(t, stackOptions{
		config: `{"scheduler":{"enabled":false},"download":{"max_concurrent_downloads":1,"hoster_order":["VOE"],"max_retries":0}}`,
	})
	login := st.setupAndLogin(t, e2ePassword)
	tok, _ := login["access_token"].(string)
	if code, _, body := st.apiCall(t, "POST", "/api/config/directory", tok, map[string]any{"directory": st.AnimeDir}); code != 200 {
		t.Fatalf("anime directory: %d %s", code, body)
	}
	if code, _, body := st.apiCall(t, "POST", "/api/anime/add", tok, map[string]any{"link": st.Site.URL + "/anime/stream/demo"}); code != 200 {
		t.Fatalf("add series: %d %s", code, body)
	}
	loginBrowser(b, st, login)

	// Wanted: the demo's missing episodes, a site filter in the URL,
	// two picked with the keyboard and queued in one request.
	b.navigate(st.URL + "/wanted")
	b.waitJS("wanted list", `document.body.dataset.rendered === "1" && document.querySelectorAll("#want-rows tr").length > 0`)
	rows := eval[int](b, "rows", `document.querySelectorAll("#want-rows tr").length`)
	if got := b.text("total", `document.getElementById("want-total").textContent`); !strings.Contains(got, itoa(rows)) {
		t.Errorf("total %q for %d rows", got, rows)
	}
	if got := b.text("langs", `document.querySelector('#want-rows tr[data-ep="1-1"] td:last-child').textContent`); got != "not checked yet" {
		t.Errorf("languages cell %q before any monitor refresh", got)
	}
	b.run("site filter", chromedp.SetValue(chromedp.CSS("#want-site"), "s.to"), evalVoid(`document.getElementById("want-site").dispatchEvent(new Event("change"))`))
	b.waitJS("filtered", `location.search.includes("site=s.to") && !document.getElementById("want-empty").hidden`)
	b.navigate(st.URL + "/wanted?site=aniworld.to")
	b.waitJS("filter from the URL", `document.body.dataset.rendered === "1" && document.getElementById("want-site").value === "aniworld.to" &&
		document.querySelectorAll("#want-rows tr").length === `+itoa(rows))
	b.click("#want-check-page")
	b.waitJS("page selected", `document.querySelectorAll("#want-rows input:checked").length === `+itoa(rows))
	b.click("#want-check-page")
	b.waitJS("page unselected", `document.querySelectorAll("#want-rows input:checked").length === 0`)
	for _, ep := range []string{"1-1", "1-3"} {
		b.tabTo(`#want-rows tr[data-ep="`+ep+`"] input[type=checkbox]`, 40)
		b.run("space", chromedp.KeyEvent(" "))
	}
	b.waitJS("two selected", `document.getElementById("want-selected").textContent.includes("(2)") && !document.getElementById("want-selected").disabled`)
	b.screenshots("wanted")
	b.darkScreenshot("wanted")
	b.noHorizontalScroll("wanted")
	b.shiftTabTo("#want-selected", 30)
	b.run("enter", chromedp.KeyEvent(kb.Enter))
	b.waitJS("queued", `document.body.dataset.queued === "2" && document.querySelectorAll("#want-rows .chip.queued").length === 2`)
	b.checkClean("wanted")

	// Queue: waiting items say why; once started, the running one shows
	// its hoster and language, time left, and the speed in the title.
	b.navigate(st.URL + "/queue")
	b.waitJS("two waiting", `document.querySelectorAll("#pending li").length === 2 && document.body.dataset.synced === "1"`)
	if got := b.text("state", `document.querySelector("#pending li .qstate").textContent`); got != "Next up" {
		t.Errorf("first waiting item says %q", got)
	}
	if got := b.text("hint", `document.getElementById("q-state-hint").textContent`); !strings.Contains(got, "Press Start") {
		t.Errorf("stopped queue hint %q", got)
	}
	b.click("#q-start")
	b.waitJS("progress", `[...document.querySelectorAll("#active progress")].some(p => p.value > 0 && p.value < 100)`)
	b.waitJS("hoster and language", `document.querySelector("#active .src").textContent === "VOE · German Dub"`)
	b.waitJS("time left", `document.querySelector("#active .eta").textContent.startsWith("ETA ") &&
		document.getElementById("q-left").textContent.startsWith("Time left for the whole queue") && document.title.startsWith("↓ ") && document.title.includes("MB/s")`)
	// The waiting item: when it will be done, by the same estimate.
	b.waitJS("waiting item's time", `/^done in about \d/.test(document.querySelector("#pending li .qeta").textContent)`)
	b.screenshots("queue-timeleft")
	b.noHorizontalScroll("queue-timeleft")
	b.checkTranslated("queue")
	b.run("german", evalVoid(`localStorage.setItem("aniworld.lang", "de")`))
	b.navigate(st.URL + "/queue")
	b.waitJS("german queue", `document.body.dataset.synced === "1" && document.querySelector("h1").textContent === "Download-Warteschlange"`)
	b.waitJS("german title", `document.title.startsWith("↓ ") && document.title.includes("Download-Warteschlange")`)
	b.waitJS("german waiting time", `document.querySelector("#pending li .qeta").textContent.startsWith("fertig in etwa ")`)
	if got := b.text("src", `document.querySelector("#active .src").textContent`); got != "VOE · Deutsch (Synchro)" {
		t.Errorf("German hoster and language %q", got)
	}
	b.checkTranslated("queue (de)")
	b.screenshots("queue-timeleft-de")
	b.run("english", evalVoid(`localStorage.setItem("aniworld.lang", "en")`))
	b.navigate(st.URL + "/queue")
	b.waitJS("english again", `document.body.dataset.synced === "1" && document.querySelector("h1").textContent === "Download queue"`)
	// Every hoster now refuses new media requests: the running download
	// (its response already flowing) completes, the second fails with a
	// download attempt in its log.
	for _, n := range fakehoster.Names() {
		st.Farm.Hoster(n).SetFailure(fakehoster.MediaForbidden)
	}
	st.Gate.Open()
	b.waitJS("first complete", `document.querySelectorAll("#completed li").length === 1`)
	b.waitJS("second failed", `document.querySelectorAll("#failed li").length === 1 && document.querySelectorAll("#active li").length === 0`)
	b.waitJS("title back", `document.title === "Download queue · aniworld" && document.getElementById("q-left").hidden`)
	if got := b.text("failed", `document.querySelector("#failed li .qstate").textContent`); got != "Failed after 1 try" {
		t.Errorf("failed item says %q", got)
	}
	b.checkClean("queue")

	// History: both outcomes, the failure's attempt log opened with the
	// keyboard, a status filter kept in the URL, German.
	b.navigate(st.URL + "/history")
	b.waitJS("history", `document.body.dataset.rendered === "1" && document.querySelectorAll("#hist-rows tr").length === 2`)
	done := b.text("completed row", `document.querySelector('#hist-rows tr[data-status="completed"]').innerText`)
	for _, want := range []string{"Demo & Friends", "S01E01", "Completed", "1 try", "VOE · German Dub", "MB/s", "MB"} {
		if !strings.Contains(done, want) {
			t.Errorf("completed row %q lacks %q", done, want)
		}
	}
	b.tabTo(`#hist-rows tr[data-status="failed"] details.att summary`, 60)
	b.run("open log", chromedp.KeyEvent(kb.Enter))
	b.waitJS("attempt log open", `document.querySelector('#hist-rows tr[data-status="failed"] details.att').open`)
	log := b.text("log", `document.querySelector('#hist-rows tr[data-status="failed"] ol.attempts').innerText`)
	for _, want := range []string{"download", "VOE", "failed", "403"} {
		if !strings.Contains(log, want) {
			t.Errorf("attempt log %q lacks %q", log, want)
		}
	}
	b.screenshots("history")
	b.darkScreenshot("history")
	b.noHorizontalScroll("history")
	b.checkTranslated("history")
	b.navigate(st.URL + "/history?series=demo")
	b.waitJS("one series", `document.body.dataset.rendered === "1" && !document.getElementById("hist-series").hidden &&
		document.querySelectorAll("#hist-rows tr").length === 2`)
	b.navigate(st.URL + "/history?series=other")
	b.waitJS("another series", `document.body.dataset.rendered === "1" && !document.getElementById("hist-empty").hidden`)
	b.click("#hist-series-clear")
	b.waitJS("all series", `!location.search.includes("series=") && document.querySelectorAll("#hist-rows tr").length === 2`)
	b.run("status filter", chromedp.SetValue(chromedp.CSS("#hist-status"), "failed"), evalVoid(`document.getElementById("hist-status").dispatchEvent(new Event("change"))`))
	b.waitJS("failed only", `location.search.includes("status=failed") && document.querySelectorAll("#hist-rows tr").length === 1`)
	b.run("german", evalVoid(`localStorage.setItem("aniworld.lang", "de")`))
	b.navigate(st.URL + "/history?status=failed")
	b.waitJS("german history", `document.body.dataset.rendered === "1" && document.querySelectorAll("#hist-rows tr").length === 1 &&
		document.getElementById("hist-status").value === "failed" && document.querySelector("#hist-h span").textContent === "Verlauf"`)
	b.checkTranslated("history (de)")
	b.screenshots("history-de")
	b.navigate(st.URL + "/wanted")
	b.waitJS("german wanted", `document.body.dataset.rendered === "1" && document.querySelector("#want-h span").textContent === "Fehlende Folgen"`)
	b.checkTranslated("wanted (de)")
	b.noHorizontalScroll("wanted (de)")
	b.run("english", evalVoid(`localStorage.setItem("aniworld.lang", "en")`))
	b.checkClean("history")

	// The history outlives clearing the queue.
	if code, _, body := st.apiCall(t, "DELETE", "/api/queue/completed", tok, nil); code != http.StatusOK {
		t.Fatalf("clear completed: %d %s", code, body)
	}
	b.navigate(st.URL + "/history")
	b.waitJS("still there", `document.body.dataset.rendered === "1" && document.querySelectorAll("#hist-rows tr").length === 2`)
	b.checkClean("history after clearing the queue")

	// Download all: one request queues every missing episode left.
	if code, _, body := st.apiCall(t, "POST", "/api/queue/stop", tok, nil); code != http.StatusOK {
		t.Fatalf("stop: %d %s", code, body)
	}
	b.navigate(st.URL + "/wanted")
	b.waitJS("wanted", `document.body.dataset.rendered === "1"`)
	left := eval[int](b, "rows", `document.querySelectorAll("#want-rows tr").length`)
	b.run("accept the confirmation", evalVoid(`window.confirm = () => true`))
	b.click("#want-all")
	b.waitJS("all queued", `document.body.dataset.queued === "all" && document.querySelectorAll("#want-rows .chip.queued").length === `+itoa(left))
	if got := b.text("toast", `[...document.querySelectorAll(".toast")].map(t => t.textContent).join(" / ")`); !strings.Contains(got, "Queued "+itoa(left)+" episode") {
		t.Errorf("toast %q, want %d queued", got, left)
	}
	_, _, raw := st.apiCall(t, "GET", "/api/queue/status", tok, nil)
	var qs struct {
		Statistics struct {
			PendingCount int `json:"pending_count"`
		} `json:"statistics"`
	}
	if err := json.Unmarshal(raw, &qs); err != nil || qs.Statistics.PendingCount != left {
		t.Errorf("queue after download all: %s; want %d waiting", raw, left)
	}
	b.checkClean("download all")
}

// TestStyleSheetBalanced: every block of app.css is closed, so no section
// ends up inside another's media query (a merge once left the series and
// search sections inside the library's phone-only block).
func TestStyleSheetBalanced(t *testing.T) {
	css, err := os.ReadFile(filepath.Join("static", "css", "app.css"))
	if err != nil {
		t.Fatal(err)
	}
	depth, line := 0, 1
	inComment := false
	for i := 0; i < len(css); i++ {
		c := css[i]
		switch {
		case c == '\n':
			line++
		case inComment:
			if c == '*' && i+1 < len(css) && css[i+1] == '/' {
				inComment, i = false, i+1
			}
		case c == '/' && i+1 < len(css) && css[i+1] == '*':
			inComment, i = true, i+1
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth < 0 {
				t.Fatalf("app.css line %d: } without {", line)
			}
		case depth > 1 && c == '@':
			t.Errorf("app.css line %d: an at-rule nested two levels deep (an unclosed block above?)", line)
		}
		if depth == 1 && c == '\n' && i+1 < len(css) && strings.HasPrefix(string(css[i+1:]), "/* ----") {
			t.Errorf("app.css line %d: a section starts inside a block (an unclosed block above)", line+1)
		}
	}
	if depth != 0 {
		t.Errorf("app.css ends with %d unclosed block(s)", depth)
	}
}
