package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	fakess "github.com/aniworld/aniworld/internal/fake/serienstream"
)

// TestSiteBadges: search results from both sites carry a badge naming
// their site, and so do the library row and the series page of a series
// added from serienstream.
func TestSiteBadges(t *testing.T) {
	b := newBrowser(t, 30*time.Second)
	ss := httptest.NewServer(fakess.New(fakess.Options{}))
	t.Cleanup(ss.Close)
	st := startStack(t, stackOptions{config: `{"scheduler":{"enabled":false}}`, stoURL: ss.URL, direct: true})
	code, _, raw := st.apiCall(t, "POST", "/api/auth/setup", "", map[string]any{"master_password": e2ePassword, "anime_directory": st.AnimeDir})
	if code != 201 {
		t.Fatalf("setup: %d %s", code, raw)
	}
	b.navigate(st.URL + "/login")
	b.typeInto("#password", e2ePassword)
	b.click("#login-submit")
	b.waitJS("library", `location.pathname === "/" && document.body.dataset.rendered === "1"`)

	b.navigate(st.URL + "/search")
	b.waitJS("search page", `!document.getElementById("main").hidden`)
	b.typeInto("#search-q", "demo")
	b.click("#search-btn")
	b.waitJS("results of both sites", `!!document.querySelector('#search-results li[data-key="demo"]') &&
		!!document.querySelector('#search-results li[data-key="the-office-demo"]')`)
	for key, site := range map[string]string{"demo": "aniworld.to", "the-office-demo": "s.to", "tatort-demo": "s.to"} {
		got := b.text("badge "+key, `(document.querySelector('#search-results li[data-key="`+key+`"] .badge.site') || {}).textContent || ""`)
		if got != site {
			t.Errorf("search result %s: badge %q, want %q", key, got, site)
		}
	}
	b.addFromSearch(st.URL, "demo", "the-office-demo", "")
	b.navigate(st.URL + "/")
	b.waitJS("series listed", `!!document.querySelector('#lib-grid li[data-key="the-office-demo"] .badge.site')`)
	if got := b.text("card badge", `document.querySelector('#lib-grid li[data-key="the-office-demo"] .badge.site').textContent`); got != "s.to" {
		t.Errorf("library card badge %q", got)
	}
	b.click("#view-table")
	b.waitJS("table row", `!!document.querySelector('#lib-rows tr[data-key="the-office-demo"] .badge.site')`)
	if got := b.text("row badge", `document.querySelector('#lib-rows tr[data-key="the-office-demo"] .badge.site').textContent`); got != "s.to" {
		t.Errorf("library row badge %q", got)
	}
	b.navigate(st.URL + "/series/the-office-demo")
	b.waitJS("series page", `!!document.querySelector(".series-head .badge.site")`)
	if got := b.text("page badge", `document.querySelector(".series-head .badge.site").title`); !strings.Contains(got, "serienstream.to") {
		t.Errorf("series page badge title %q", got)
	}
	b.checkClean("site badges")
}
