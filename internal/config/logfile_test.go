package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLogFileStaysInLogsFolder(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		file string
		ok   bool
	}{
		{"", true},
		{"logs/aniworld.log", true},
		{"logs/sub/app.log", true},
		{"./logs/app.log", true},
		{filepath.Join(data, "logs", "abs.log"), true},
		{"config.json", false},
		{"jwt_secret", false},
		{"auth.json", false},
		{"aniworld.log", false},
		{"logs", false},
		{"logs/", false},
		{"../elsewhere.log", false},
		{"logs/../config.json", false},
		{"logs/../../etc/passwd", false},
		{"logsx/app.log", false},
		{"/tmp/other/app.log", false},
		{filepath.Join(data, "config.json"), false},
		{"logs/a\x00.log", false},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			c := Default()
			c.DataDir = data
			f := tc.file
			c.Logging.File = &f
			var problem string
			for _, e := range c.Validate() {
				if e.Field == "logging.file" {
					problem = e.Message
				}
			}
			if (problem == "") != tc.ok {
				t.Fatalf("logging.file %q: problem %q, want ok=%v", tc.file, problem, tc.ok)
			}
		})
	}
}

// TestLoadRepairsLogFileOutsideLogs: a config file written by an older
// version with logging.file outside the logs folder still loads: the value
// falls back to the default with a warning, and the file is untouched.
func TestLoadRepairsLogFileOutsideLogs(t *testing.T) {
	tests := []struct {
		name, content, dataDir string
		warn                   bool
	}{
		{"points at jwt_secret", `{"logging":{"file":"jwt_secret"}}`, "", true},
		{"points at the config", `{"logging":{"file":"config.json","level":"DEBUG"}}`, "", true},
		{"another folder", `{"logging":{"file":"/var/tmp/x.log"}}`, "", true},
		{"fine", `{"logging":{"file":"logs/a.log"}}`, "", false},
		{"absolute, inside the flag's data dir", `{"logging":{"file":"@DATA@/logs/a.log"}}`, "@DATA@", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "config.json")
			content := strings.ReplaceAll(tc.content, "@DATA@", dir)
			os.WriteFile(path, []byte(content), 0o600)
			c, exists, warnings, err := LoadWithWarnings(path, strings.ReplaceAll(tc.dataDir, "@DATA@", dir))
			if err != nil || !exists {
				t.Fatalf("load: %v (exists %v)", err, exists)
			}
			if got := len(warnings) > 0; got != tc.warn {
				t.Fatalf("warnings %q, want some=%v", warnings, tc.warn)
			}
			if tc.warn && c.Logging.File != nil {
				t.Fatalf("logging.file kept: %q", *c.Logging.File)
			}
			if !tc.warn && c.Logging.File == nil {
				t.Fatal("a good logging.file was dropped")
			}
			if got, _ := os.ReadFile(path); string(got) != content {
				t.Fatal("the config file was rewritten")
			}
		})
	}
}
