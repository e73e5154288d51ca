package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// apiJSON sends a JSON request to the real server and decodes the answer.
func apiJSON(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// TestNamingPreviewInSettings: on the settings page, a naming template is
// previewed against a real library episode (the demo series' first missing
// episode, with its German title from the fake site) before it is saved; a
// template the scanner could not read is refused at the field; saving
// persists it.
func TestNamingPreviewInSettings(t *testing.T) {
	b := newBrowser(t, 30*time.Second)
	st := startStack(t, stackOptions{config: `{"scheduler":{"enabled":false}}`})
	if code, r := apiJSON(t, "POST", st.URL+"/api/auth/setup", "", map[string]any{"master_password": e2ePassword, "anime_directory": st.AnimeDir}); code != 201 {
		t.Fatalf("setup: %d %v", code, r)
	}
	code, r := apiJSON(t, "POST", st.URL+"/api/auth/login", "", map[string]any{"password": e2ePassword})
	if code != 200 {
		t.Fatalf("login: %d %v", code, r)
	}
	tok := r["access_token"].(string)
	if code, r := apiJSON(t, "POST", st.URL+"/api/anime/add", tok, map[string]any{"link": st.Site.URL + "/anime/stream/demo"}); code != 200 {
		t.Fatalf("add: %d %v", code, r)
	}

	b.navigate(st.URL + "/static/favicon.svg")
	tj, _ := json.Marshal(map[string]string{"token": tok})
	b.run("token", evalVoid(`localStorage.setItem("aniworld.token", `+jsString(string(tj))+`)`))
	b.navigate(st.URL + "/settings")
	b.waitJS("settings", `document.body.dataset.rendered === "1"`)
	const field = `input[name="download.naming_template"]`
	if got := b.text("template", `document.querySelector('input[name="download.naming_template"]').value`); !strings.Contains(got, "{episode") {
		t.Fatalf("naming template field holds %q", got)
	}

	tmpl := "Season {season:02}/{title} - S{season:02}E{episode:03} - {episode_title} [{resolution}] ({language}).mkv"
	b.run("type template", setValue(field, tmpl))
	b.click("#naming-preview")
	b.waitJS("preview shown", `!document.getElementById("naming-preview-out").hidden`)
	path := b.text("path", `document.getElementById("naming-preview-path").textContent`)
	if !strings.Contains(path, "/Season 01/") || !strings.Contains(path, " - S01E001 - Der Anfang [1080p] (") || !strings.HasSuffix(path, ").mkv") {
		t.Errorf("preview path %q", path)
	}
	if label := b.text("label", `document.getElementById("naming-preview-label").textContent`); !strings.Contains(label, "demo S01E01") {
		t.Errorf("preview label %q", label)
	}
	if n := eval[int](b, "tokens", `document.querySelectorAll("#naming-tokens code").length`); n < 13 {
		t.Errorf("%d placeholders listed", n)
	}
	b.screenshots("settings-naming")

	b.allow("status of 422")
	b.run("bad template", setValue(field, "{title} {season}{episode}.mp4"))
	b.click("#naming-preview")
	b.waitJS("field error", `!document.querySelector('[data-error-for="download.naming_template"]').hidden`)
	if msg := b.text("msg", `document.querySelector('[data-error-for="download.naming_template"]').textContent`); !strings.Contains(msg, "scanner") {
		t.Errorf("error %q", msg)
	}
	if b.visible(`#naming-preview-out`) {
		t.Error("a stale preview stays visible after an error")
	}

	b.run("good template", setValue(field, tmpl))
	b.click(`#cfg-naming button[type=submit]`)
	b.waitJS("saved", `!!document.getElementById("cfg-naming").dataset.saved`)
	raw, err := os.ReadFile(filepath.Join(st.DataDir, "config.json"))
	var saved struct {
		Download struct {
			NamingTemplate string `json:"naming_template"`
		} `json:"download"`
	}
	if err != nil || json.Unmarshal(raw, &saved) != nil || saved.Download.NamingTemplate != tmpl {
		t.Fatalf("config on disk: %v\n%s", err, raw)
	}
}
