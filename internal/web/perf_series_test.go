package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/fake/site"
)

// onePieceSeasons are the episode counts per season of the long series
// the series page is measured with: 1,100 episodes in 21 seasons, plus
// 14 movies (One Piece's size on aniworld.to in 2026).
var onePieceSeasons = []int{61, 16, 14, 39, 13, 52, 33, 35, 73, 45, 26, 14, 101, 58, 62, 50, 118, 33, 98, 87, 72}

// seriesPageBudget is the most the series page of that series may take,
// from navigation start to every episode row in the DOM (warm median).
const seriesPageBudget = 300 * time.Millisecond

// onePieceCatalog is the demo catalogue plus "one-piece".
func onePieceCatalog() site.Catalog {
	c := site.Demo()
	langs := site.LinksFor([]anime.Language{anime.LangGermanSub, anime.LangEnglishSub}, "VOE")
	op := site.Series{Slug: "one-piece", Title: "One Piece", StartYear: 1999, FSK: 12,
		Description: "Monkey D. Ruffy will König der Piraten werden.", Genres: []string{"Abenteuer", "Action", "Komödie", "GerSub"},
		Cover: "/public/img/cover/one-piece-stream-cover_220x330.jpg"}
	for m := 1; m <= 14; m++ {
		op.Movies = append(op.Movies, site.Episode{TitleEN: fmt.Sprintf("One Piece Film %d", m), Links: langs})
	}
	n := 0
	for _, count := range onePieceSeasons {
		var eps []site.Episode
		for e := 1; e <= count; e++ {
			n++
			eps = append(eps, site.Episode{TitleDE: fmt.Sprintf("Die Grand Line ruft – Teil %d", n),
				TitleEN: fmt.Sprintf("The Grand Line calls, part %d", n), Links: langs})
		}
		op.Seasons = append(op.Seasons, eps)
	}
	c.Series = append(c.Series, op)
	return c
}

// onePiecePage starts the stack with the long series added (the first 400
// episodes on disk, so rows of both kinds render), logs the browser in and
// answers a function that loads the series page and returns the page's own
// measure: navigation start to the "series-rendered" mark series.js sets
// once every row is in the DOM. That span holds the HTML, the scripts,
// GET /api/auth/status, GET /api/anime/one-piece/episodes (the provider's
// pages come from its cache) and rendering all 1,114 rows.
func onePiecePage(tb testing.TB) (*browser, func(key string) float64) {
	b := newBrowser(tb, 60*time.Second)
	cat := onePieceCatalog()
	st := startStack(tb, stackOptions{config: `{"scheduler":{"enabled":false},"monitor":{"enabled":false}}`,
		catalog: &cat, noTMDB: true, direct: true})
	login := st.setupAndLogin(tb, e2ePassword)
	tok := login["access_token"].(string)
	if code, _, body := st.apiCall(tb, "PUT", "/api/config", tok, map[string]any{"anime_directory": st.AnimeDir}); code != 200 {
		tb.Fatalf("anime dir: %d %s", code, body)
	}
	for _, key := range []string{"one-piece", "demo"} {
		if code, _, body := st.apiCall(tb, "POST", "/api/anime/add", tok, map[string]any{"link": st.Site.URL + "/anime/stream/" + key}); code != 200 {
			tb.Fatalf("add %s: %d %s", key, code, body)
		}
	}
	ep := 0
	for s, count := range onePieceSeasons {
		for e := 1; e <= count && ep < 400; e++ {
			ep++
			p := filepath.Join(st.AnimeDir, "One Piece", fmt.Sprintf("Season %02d", s+1), fmt.Sprintf("One Piece - S%02dE%03d - (German Sub).mkv", s+1, e))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				tb.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if code, _, body := st.apiCall(tb, "POST", "/api/anime/one-piece/rescan", tok, nil); code != 200 {
		tb.Fatalf("rescan: %d %.300s", code, body)
	}
	b.navigate(st.URL + "/static/favicon.svg")
	b.run("store token", evalVoid(fmt.Sprintf(`localStorage.setItem("aniworld.token", JSON.stringify({token: %s, expires_at: %s})); localStorage.setItem("aniworld.lang", "en")`,
		jsString(tok), jsString(fmt.Sprint(login["expires_at"])))))
	measure := func(key string) float64 {
		b.navigate(st.URL + "/series/" + key)
		b.waitJS("rendered", `document.body.dataset.rendered === "1"`)
		return eval[float64](b, "measure", `performance.getEntriesByName("series-first-render")[0].duration`)
	}
	return b, measure
}

// TestSeriesPageOnePiece checks, in Chromium, that the series page of a
// 1,114-episode series renders every row (22 tabs), the counts and the
// files on disk. Its speed is measured by BenchmarkSeriesPageOnePiece
// (docs/BENCHMARKS.md), not here.
func TestSeriesPageOnePiece(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	b, measure := onePiecePage(t)
	measure("one-piece")
	b.waitJS("every row", `document.body.dataset.episodes === "all"`)
	if n := eval[int](b, "rows", `document.querySelectorAll("#missing tbody tr").length`); n != 1114 {
		t.Errorf("%d rows, want 1114", n)
	}
	if n := eval[int](b, "tabs", `document.querySelectorAll("#season-tabs [role=tab]").length`); n != 22 {
		t.Errorf("%d tabs, want 22 (movies and 21 seasons)", n)
	}
	if got := b.text("counts", `document.getElementById("s-counts").textContent`); got != "1114 episodes · 400 on disk · 714 missing" {
		t.Errorf("counts %q", got)
	}
	if n := eval[int](b, "on disk", `document.querySelectorAll('#missing tr[data-state="on_disk"] .file').length`); n != 400 {
		t.Errorf("%d rows show a file, want 400", n)
	}
	b.noHorizontalScroll("series-one-piece")
	b.checkClean("one piece")
}

// BenchmarkSeriesPageOnePiece measures the series page of the 1,114
// episode series: one op is one warm load in Chromium. It reports the
// page's own measure for the first (cold) load and the median of the warm
// ones, and as a reference from the same run the warm median of the
// 6-episode demo series' page; the budget is seriesPageBudget for the
// warm median.
func BenchmarkSeriesPageOnePiece(bm *testing.B) {
	_, measure := onePiecePage(bm)
	cold := measure("one-piece")
	measure("demo")
	var warm, ref []float64
	for bm.Loop() {
		warm = append(warm, measure("one-piece"))
		bm.StopTimer()
		ref = append(ref, measure("demo"))
		bm.StartTimer()
	}
	slices.Sort(warm)
	slices.Sort(ref)
	bm.ReportMetric(cold, "cold-ms")
	bm.ReportMetric(warm[len(warm)/2], "warm-median-ms")
	bm.ReportMetric(ref[len(ref)/2], "demo-warm-median-ms")
	bm.ReportMetric(float64(seriesPageBudget.Milliseconds()), "budget-ms")
}
