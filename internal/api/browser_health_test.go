package api

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	browserstate "github.com/aniworld/aniworld/internal/browser"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/store"
)

func TestHealthBrowserEntry(t *testing.T) {
	notFound := func(string) (string, error) { return "", exec.ErrNotFound }
	cases := []struct {
		name       string
		opts       browserstate.Options
		wantStatus string // of the browser entry
		wantMsg    string
	}{
		{"auto without chromium is fine", browserstate.Options{LookPath: notFound}, Healthy, "apt-get install chromium"},
		{"on without chromium degrades", browserstate.Options{Enabled: browserstate.On, Path: "/nonexistent/chromium"}, Degraded, "configured path"},
		{"off", browserstate.Options{Enabled: browserstate.Off}, Healthy, "switched off"},
		{"installed and idle", browserstate.Options{LookPath: func(string) (string, error) { return "/bin/true", nil }}, Healthy, "idle"},
	}
	dir := t.TempDir()
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := config.Default()
	c.DataDir = dir
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := browserstate.New(tc.opts)
			defer b.Close()
			s := New(Deps{Config: config.NewManager(filepath.Join(dir, "c.json"), c, config.Overrides{}), DB: db, Version: "t", Browser: b})
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest("GET", "/health/detailed", nil))
			var body DetailedHealthBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			br := body.Dependencies.Browser
			if br == nil || br.Status != tc.wantStatus || !strings.Contains(br.Message, tc.wantMsg) || br.Hosts == nil {
				t.Fatalf("browser entry %+v", br)
			}
			if tc.wantStatus == Degraded && body.Status == Healthy {
				t.Fatalf("overall status %s with a degraded browser", body.Status)
			}
			if strings.Contains(rec.Body.String(), "/nonexistent") || strings.Contains(rec.Body.String(), "/bin/true") {
				t.Fatalf("health names a filesystem path: %s", rec.Body.String())
			}
		})
	}
}
