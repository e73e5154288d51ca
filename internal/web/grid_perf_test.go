package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/fake/site"
	"github.com/aniworld/aniworld/internal/store"
)

// seedGrid writes n series named like site.Generate's (series-1 …), some
// episodes on disk and some missing, straight into the database.
func seedGrid(n int) func(t testing.TB, dataDir string) {
	return func(t testing.TB, dataDir string) {
		ctx := context.Background()
		db, err := store.Open(ctx, dataDir)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		batch := make([]store.ScannedSeries, 0, 1000)
		for i := 1; i <= n; i++ {
			var files []store.EpisodeFile
			for e := 1; e <= i%13; e++ {
				files = append(files, store.EpisodeFile{Season: 1, Episode: e, Path: fmt.Sprintf("S01E%02d.mp4", e), Size: 1})
			}
			missing := anime.MissingEpisodes{}
			for e := i%13 + 1; e <= 12; e++ {
				missing["1"] = append(missing["1"], e)
			}
			batch = append(batch, store.ScannedSeries{
				Series: anime.Series{Key: fmt.Sprintf("series-%d", i), Name: fmt.Sprintf("Series %d", i), Site: "aniworld.to",
					Folder: fmt.Sprintf("Series %d", i), Year: 2000 + i%25},
				Files: files, ReplaceFiles: true, Missing: missing,
			})
			if len(batch) == cap(batch) || i == n {
				if err := db.SaveScannedBatch(ctx, batch); err != nil {
					t.Fatal(err)
				}
				batch = batch[:0]
			}
		}
	}
}

// gridPage starts the stack with librarySize series (the fake site knows
// each, with its cover) and a browser holding a token, in the grid view.
func gridPage(tb testing.TB) (*browser, *stack) {
	b := newBrowser(tb, 60*time.Second)
	cat := site.Generate(librarySize, 1, 1)
	st := startStack(tb, stackOptions{config: `{"scheduler":{"enabled":false}}`, prepare: seedGrid(librarySize), catalog: &cat, direct: true})
	login := st.setupAndLogin(tb, e2ePassword)
	b.navigate(st.URL + "/static/favicon.svg")
	b.run("store token", evalVoid(fmt.Sprintf(`localStorage.setItem("aniworld.token", JSON.stringify({token: %s, expires_at: %s}))`,
		jsString(login["access_token"].(string)), jsString(fmt.Sprint(login["expires_at"])))))
	return b, st
}

// gridLoad is one measured load of the grid.
type gridLoad struct {
	FirstPage float64 `json:"first"`  // navigation start → cards in the DOM (library-first-page)
	Covers    float64 `json:"covers"` // navigation start → every cover in the first screen decoded
	Elements  int     `json:"elements"`
}

// loadGrid loads path and answers the page's own figures.
func loadGrid(b *browser, base, path string) gridLoad {
	b.t.Helper()
	b.navigate(base + path)
	b.waitJS("grid rendered", `document.body.dataset.rendered === "1" && document.querySelectorAll("#lib-grid li").length > 0`)
	// The covers of the first screen: every card whose top is in the viewport.
	b.waitJS("first screen covers", `[...document.querySelectorAll("#lib-grid .cover img")]
		.filter(i => i.getBoundingClientRect().top < innerHeight).every(i => i.complete && i.naturalWidth > 0)`)
	raw := eval[string](b, "figures", `JSON.stringify({
		first: performance.getEntriesByName("library-first-page")[0].duration,
		covers: Math.max(...[...document.querySelectorAll("#lib-grid .cover img")].filter(i => i.getBoundingClientRect().top < innerHeight)
			.map(i => (performance.getEntriesByName(new URL(i.src, location.href).href)[0] || {responseEnd: 0}).responseEnd),
			performance.getEntriesByName("library-first-page")[0].duration),
		elements: document.getElementsByTagName("*").length})`)
	var g gridLoad
	if err := json.Unmarshal([]byte(raw), &g); err != nil {
		b.t.Fatal(err)
	}
	return g
}

// warmCovers loads the first page until the server has every one of its
// covers cached (the site is rate-limited: 4 requests/s, two per cover).
func warmCovers(b *browser, base string) {
	b.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		loadGrid(b, base, "/")
		b.run("check covers", evalVoid(`window.__real = null; Promise.all([...document.querySelectorAll("#lib-grid .cover img")]
			.map(i => fetch(i.src).then(r => r.headers.get("Content-Type")))).then(ts => { window.__real = ts.filter(t => t !== "image/svg+xml").length; })`))
		b.waitJS("covers checked", `window.__real !== null`)
		if eval[int](b, "real covers", `window.__real`) == 50 {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatal("the first page's covers were not cached within 3 minutes")
		}
		time.Sleep(2 * time.Second)
	}
}

// scrollLongTasks scrolls the whole page in 120 px steps, one per frame,
// and answers the long tasks (> 50 ms) seen meanwhile: count and longest.
func scrollLongTasks(b *browser) (int, float64) {
	b.t.Helper()
	b.run("scroll", evalVoid(`window.__scroll = null; (() => {
		const longs = [];
		const obs = new PerformanceObserver(l => { for (const e of l.getEntries()) longs.push(e.duration); });
		obs.observe({type: "longtask"});
		const end = document.documentElement.scrollHeight - innerHeight;
		let y = 0;
		scrollTo(0, 0);
		const step = () => {
			y = Math.min(end, y + 120); scrollTo(0, y);
			if (y < end) requestAnimationFrame(step);
			else setTimeout(() => { obs.disconnect(); window.__scroll = {n: longs.length, max: Math.max(0, ...longs)}; }, 500);
		};
		requestAnimationFrame(step);
	})()`))
	b.waitJS("scrolled", `window.__scroll !== null`)
	var r struct {
		N   int     `json:"n"`
		Max float64 `json:"max"`
	}
	json.Unmarshal([]byte(eval[string](b, "scroll figures", `JSON.stringify(window.__scroll)`)), &r)
	return r.N, r.Max
}

// TestLibraryGridLargeLibrary: with 10,000 series the grid shows one page
// of cards with their covers (fetched once from the fake site, then from
// the cache) and the DOM stays small; scrolling the page works. Speed is
// BenchmarkLibraryGrid's (docs/BENCHMARKS.md), not a timed test's.
func TestLibraryGridLargeLibrary(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	b, st := gridPage(t)
	g := loadGrid(b, st.URL, "/")
	if n := eval[int](b, "cards", `document.querySelectorAll("#lib-grid li").length`); n != 50 {
		t.Fatalf("%d cards, want 50", n)
	}
	if g.Elements > 1500 {
		t.Errorf("%d elements in the DOM for one page of 50 cards", g.Elements)
	}
	if got := b.text("total", `document.getElementById("lib-total").textContent`); got != fmt.Sprintf("(%d series)", librarySize) {
		t.Errorf("total %q", got)
	}
	scrollLongTasks(b)
	b.waitJS("every cover after scrolling", `[...document.querySelectorAll("#lib-grid .cover img")].every(i => i.complete && i.naturalWidth > 0)`)
	// Another order and page: its covers are fetched and shown too.
	loadGrid(b, st.URL, "/?sort_by=year&page=3")
	b.checkClean("large grid")
}

// BenchmarkLibraryGrid measures the poster grid with 10,000 series and
// their covers cached: one op is one warm load of the first page plus a
// scroll through it. It reports the median first-page time (navigation
// start to cards in the DOM), the median time until the first screen's
// covers are in, and the longest task while scrolling (budgets: 300 ms,
// 300 ms, 50 ms; results in docs/BENCHMARKS.md).
func BenchmarkLibraryGrid(bm *testing.B) {
	b, st := gridPage(bm)
	warmCovers(b, st.URL) // the first page's covers fetched from the site once
	var first, covers, longest []float64
	tasks := 0
	for bm.Loop() {
		g := loadGrid(b, st.URL, "/")
		n, m := scrollLongTasks(b)
		first, covers, longest = append(first, g.FirstPage), append(covers, g.Covers), append(longest, m)
		tasks += n
	}
	// Reference, same run: the same page with its cards replaced by plain
	// boxes of the same size (no images, no controls), scrolled alike; what
	// it shows is the machine's noise, not the grid's.
	var refLongest []float64
	refTasks := 0
	for range 5 {
		loadGrid(b, st.URL, "/")
		b.run("plain boxes", evalVoid(`(g => { const h = g.querySelector("li").offsetHeight;
			g.replaceChildren(...[...g.children].map(() => { const li = document.createElement("li"); li.style.height = h + "px"; return li; })); })(document.getElementById("lib-grid"))`))
		n, m := scrollLongTasks(b)
		refLongest, refTasks = append(refLongest, m), refTasks+n
	}
	bm.ReportMetric(slices.Max(refLongest), "ref-scroll-longest-ms")
	bm.ReportMetric(float64(refTasks)*float64(len(longest))/5, "ref-scroll-long-tasks")
	g250 := loadGrid(b, st.URL, "/?per_page=250")
	n250, m250 := scrollLongTasks(b)
	median := func(v []float64) float64 { slices.Sort(v); return v[len(v)/2] }
	bm.ReportMetric(median(first), "first-page-median-ms")
	bm.ReportMetric(median(covers), "covers-median-ms")
	bm.ReportMetric(slices.Max(longest), "scroll-longest-task-ms")
	bm.ReportMetric(float64(tasks), "scroll-long-tasks")
	bm.ReportMetric(g250.FirstPage, "first-page-250-ms")
	bm.ReportMetric(float64(n250), "scroll-250-long-tasks")
	bm.ReportMetric(m250, "scroll-250-longest-ms")
}
