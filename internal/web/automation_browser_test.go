package web_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/fake/webhook"
)

// TestAutomationPages drives the monitoring card of the series page, the
// library's bulk monitoring edit and the Automation page (add a
// notification target, send a test, the feed address) against the real
// server and a fake ntfy.
func TestAutomationPages(t *testing.T) {
	b := newBrowser(t, 30*time.Second)
	st := startStack(t, stackOptions{config: `{"scheduler":{"enabled":false},"monitor":{"enabled":false}}`, direct: true})
	rx := webhook.New()
	ntfy := httptest.NewServer(rx)
	defer ntfy.Close()
	login := st.setupAndLogin(t, e2ePassword)
	tok := login["access_token"].(string)
	if code, _, body := st.apiCall(t, "PUT", "/api/config", tok, map[string]any{"anime_directory": st.AnimeDir}); code != 200 {
		t.Fatalf("anime dir: %d %s", code, body)
	}
	monitor := func() map[string]any {
		_, _, raw := st.apiCall(t, "GET", "/api/anime/demo/monitor", tok, nil)
		var m map[string]any
		json.Unmarshal(raw, &m)
		return m
	}
	b.navigate(st.URL + "/static/favicon.svg")
	tj, _ := json.Marshal(map[string]any{"token": tok, "expires_at": login["expires_at"]})
	b.run("token", evalVoid(`localStorage.setItem("aniworld.token", `+jsString(string(tj))+`)`))

	// Add the series from the search page with "monitor future episodes".
	b.addFromSearch(st.URL, "Demo", "demo", "future")
	if m := monitor(); m["mode"] != "future" {
		t.Fatalf("monitoring set at add time: %v", m)
	}

	b.navigate(st.URL + "/series/demo")
	b.waitJS("monitoring card loaded", `document.getElementById("mon-status") && document.getElementById("mon-status").textContent !== ""`)
	b.run("choose future + German Sub + 14 days", setValue("#mon-mode", "future"), setValue("#mon-lang1", "1"), setValue("#mon-fallback", "14"))
	b.click("#mon-save")
	b.waitJS("saved", `[...document.querySelectorAll(".toast")].some(t => t.textContent.includes("Monitoring saved"))`)
	if m := monitor(); m["mode"] != "future" || m["fallback_days"] != 14.0 || len(m["languages"].([]any)) != 1 || m["languages"].([]any)[0] != "German Sub" {
		t.Fatalf("after the series page: %v", m)
	}
	b.screenshots("series-monitoring")

	b.navigate(st.URL + "/")
	b.waitJS("library rows", `document.querySelector(".bulk-pick[value='demo']") !== null`)
	b.click(".bulk-pick[value='demo']")
	b.run("bulk: all + movies", setValue("#bulk-mode", "all"))
	b.click("#bulk-movies")
	b.click("#bulk-apply")
	b.waitJS("bulk applied", `[...document.querySelectorAll(".toast")].some(t => t.textContent.includes("Monitoring set for 1 series"))`)
	if m := monitor(); m["mode"] != "all" || m["movies"] != true {
		t.Fatalf("after bulk edit: %v", m)
	}

	b.navigate(st.URL + "/automation")
	b.waitJS("feed address", `document.getElementById("feed-url").value.includes("/feed/calendar.ics?token=")`)
	b.typeInto("#nt-name", "phone")
	b.typeInto("#nt-url", "ntfy://"+strings.TrimPrefix(ntfy.URL, "http://")+"/alerts?scheme=http")
	b.click("#nt-add")
	b.waitJS("target listed masked", `[...document.querySelectorAll("#nt-rows code")].some(c => c.textContent === "ntfy://***")`)
	b.click("#nt-rows button")
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if _, err := rx.WaitFor(ctx, func(r webhook.Request) bool { return r.Title == "aniworld test notification" && r.Topic == "alerts" }); err != nil {
		t.Fatal(err)
	}
	b.screenshots("automation")
	b.checkLabels("automation")

	// In German: the page, the monitoring fields and the delivery counts.
	b.waitJS("switch to German", `(localStorage.setItem("aniworld.lang", "de"), true)`)
	b.navigate(st.URL + "/automation")
	b.waitJS("German automation page", `document.querySelector("h1").textContent === "Automatisierung" &&
		document.getElementById("feed-rotate").textContent === "Neue Feed-Adresse" &&
		[...document.querySelectorAll("#nt-rows button")].some(x => x.textContent === "Test senden") &&
		[...document.querySelectorAll("#nt-events label")].some(x => x.textContent.includes("Folge gefunden"))`)
	b.navigate(st.URL + "/series/demo")
	b.waitJS("German monitoring card", `document.getElementById("mon-save").textContent === "Verfolgung speichern" &&
		[...document.querySelectorAll("#mon-mode option")].some(o => o.textContent === "Neue Folgen")`)
	b.checkLabels("automation-de")
	b.waitJS("back to English", `(localStorage.removeItem("aniworld.lang"), true)`)
}
