package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/doctor"
	fakehoster "github.com/aniworld/aniworld/internal/fake/hoster"
)

// TestCLIDoctor runs `aniworld doctor` against the fake site and hosters:
// every step green (exit 0), then with one hoster broken the table names
// that step and the command exits 1.
func TestCLIDoctor(t *testing.T) {
	farm := fakehoster.Start(fakehoster.TestMedia(24<<10, 2, 8<<10))
	defer farm.Close()
	srv := everyHosterSite(t, farm)
	env := map[string]string{"ANIWORLD_PROVIDER_URL": srv.URL, "ANIWORLD_DATA_DIR": t.TempDir()}
	args := []string{"doctor", "--site", "aniworld.to", "--key", "all-hosters", "--query", "All Hosters"}

	code, out, errOut := runCLI(t, env, args...)
	if code != 0 || !strings.Contains(out, "all steps ok") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, h := range fakehoster.Names() {
		if !strings.Contains(out, h) {
			t.Errorf("table lacks hoster %s", h)
		}
	}

	farm.Hoster(fakehoster.Filemoon).SetFailure(fakehoster.AttestRefused)
	code, out, errOut = runCLI(t, env, append(args, "--json")...)
	if code != 1 || !strings.Contains(errOut, "provider check failed") {
		t.Fatalf("broken filemoon: exit %d, stderr %s", code, errOut)
	}
	var rep doctor.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	f := rep.Failures()
	if len(f) != 1 || f[0].Hoster != "Filemoon" || f[0].Step != doctor.StepExtraction || !strings.Contains(f[0].Reason, "byse attest: HTTP 403") {
		t.Fatalf("failures %+v", f)
	}
	if code, _, _ := runCLI(t, env, "doctor", "extra"); code != 2 {
		t.Errorf("positional argument: exit %d, want 2", code)
	}
	if code, _, errOut := runCLI(t, env, "doctor", "--site", "nowhere.example"); code != 1 || !strings.Contains(errOut, "nowhere.example") {
		t.Errorf("unknown site: exit %d %s", code, errOut)
	}
}

// TestCLIHosterDomains: other.hoster_domains maps new domains to their
// extractor, so the doctor reports those links chosen by host.
func TestCLIHosterDomains(t *testing.T) {
	farm := fakehoster.Start(fakehoster.TestMedia(24<<10, 2, 8<<10))
	defer farm.Close()
	srv := everyHosterSite(t, farm)
	dir := t.TempDir()
	cfg := map[string]any{"other": map[string]any{"hoster_domains": map[string]any{
		farm.Host(fakehoster.Doodstream): "Doodstream", farm.Host(fakehoster.LoadX): "LoadX", "typo.example": "NoSuchHoster"}}}
	raw, _ := json.Marshal(cfg)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ANIWORLD_PROVIDER_URL": srv.URL, "ANIWORLD_DATA_DIR": dir}
	code, out, errOut := runCLI(t, env, "doctor", "--site", "aniworld.to", "--key", "all-hosters", "--query", "All Hosters", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	var rep doctor.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, s := range rep.Steps {
		if s.Step != doctor.StepExtraction {
			continue
		}
		byHost := strings.Contains(s.Detail, "chosen by host")
		if mapped := s.Hoster == "Doodstream" || s.Hoster == "LoadX"; mapped != byHost {
			t.Errorf("%s: %q (mapped %v)", s.Hoster, s.Detail, mapped)
		}
	}
}
