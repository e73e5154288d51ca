package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckDirectory(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir string
		create    bool
		errHas    string
		exists    bool // the directory exists afterwards
	}{
		{"existing", dir, false, "", true},
		{"missing, checked only", filepath.Join(dir, "later"), false, "", false},
		{"missing, created", filepath.Join(dir, "new", "anime"), true, "", true},
		{"a file", file, true, "not a directory", false},
		{"empty", "  ", true, "required", false},
		{"NUL", dir + "\x00x", true, "NUL", false},
		{"below a file", filepath.Join(file, "sub"), true, "not accessible", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			abs, err := CheckDirectory(tc.dir, tc.create)
			if tc.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errHas) {
					t.Fatalf("err %v, want %q", err, tc.errHas)
				}
				return
			}
			if err != nil || !filepath.IsAbs(abs) {
				t.Fatalf("%q, %v", abs, err)
			}
			fi, statErr := os.Stat(abs)
			if exists := statErr == nil && fi.IsDir(); exists != tc.exists {
				t.Fatalf("exists %v, want %v", exists, tc.exists)
			}
		})
	}
}
