package anime

import (
	"strings"
	"testing"
)

func TestValidKey(t *testing.T) {
	tests := []struct {
		name, key string
		want      bool
	}{
		{"slug", "attack-on-titan", true},
		{"digits and capitals", "86-EIGHTY-SIX", true},
		{"longest", strings.Repeat("a", MaxKeyBytes), true},
		{"too long", strings.Repeat("a", MaxKeyBytes+1), false},
		{"empty", "", false},
		{"leading dash", "-demo", false},
		{"slash", "demo/staffel-1", false},
		{"dot dot", "..", false},
		{"space", "demo x", false},
		{"non-ascii", "shingeki-no-kyojin-進撃", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidKey(tt.key); got != tt.want {
				t.Fatalf("ValidKey(%q) = %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}
